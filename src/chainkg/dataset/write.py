"""Writing a data set back to graph_data/ files: the inverse of ``load``.

``write_dataset(data, directory)`` writes chains.yaml, region.yaml, the four CSV files and
the optional ones the data set has (progress, signals, anchor needs, follow-ups) in the
documented format (UTF-8, lists joined with ``|``, empty cells for empty values), so that
``load_dataset(directory)`` gives the same data set back. Importers and tests build
data sets in memory and save them with this; the team's own files stay hand-edited.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from chainkg.dataset.load import OPTIONAL_FILES
from chainkg.model.records import Company, CompanySegment, DataSet, Project, Relation

__all__ = ["write_dataset"]

_CSV_FILES: tuple[tuple[str, type[BaseModel], str], ...] = (
    ("companies.csv", Company, "companies"),
    ("company_segments.csv", CompanySegment, "company_segments"),
    ("relations.csv", Relation, "relations"),
    ("projects.csv", Project, "projects"),
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return "|".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv_text(model: type[BaseModel], records: tuple[BaseModel, ...]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    columns = list(model.model_fields)
    writer.writerow(columns)
    for record in records:
        writer.writerow([_cell(getattr(record, c)) for c in columns])
    return buffer.getvalue()


def _plain(value: Any) -> Any:
    """Tuples to lists, recursively, so YAML gets plain sequences."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _yaml_text(value: Any) -> str:
    return yaml.safe_dump(_plain(value), allow_unicode=True, sort_keys=False, width=1000)


def write_dataset(data: DataSet, directory: Path) -> None:
    """Write every file of a data set into ``directory`` (created if needed; files replaced)."""
    directory.mkdir(parents=True, exist_ok=True)
    chains = {"fields": [f.model_dump() for f in data.fields],
              "chains": [c.model_dump() for c in data.chains],
              "segments": [s.model_dump() for s in data.segments]}
    (directory / "chains.yaml").write_text(_yaml_text(chains), encoding="utf-8")
    (directory / "region.yaml").write_text(_yaml_text(data.region.model_dump()), encoding="utf-8")
    for name, model, attribute in _CSV_FILES:
        (directory / name).write_text(_csv_text(model, getattr(data, attribute)), encoding="utf-8", newline="")
    for name, model, attribute in OPTIONAL_FILES:
        # An empty table is written as its header only where a file is there already: it reads as
        # absent, and nothing the team put in the directory is deleted.
        if getattr(data, attribute) or (directory / name).exists():
            (directory / name).write_text(_csv_text(model, getattr(data, attribute)), encoding="utf-8", newline="")
