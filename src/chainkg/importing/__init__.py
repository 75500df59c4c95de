"""Importing enterprise-database exports (企查查/天眼查/启信宝-style) into graph_data/.

One job per module, in the order data flows:

    sources   read .xlsx (streaming) and .csv/.txt (UTF-8, BOM, GB18030, UTF-16 tab) row by row
    columns   recognise the usual Chinese headers; mapping files for other layouts
    values    cell texts → contract values (注册资本 in 万元, dates, codes, tags …)
    names     company-name spelling and the near-duplicate key
    scale     大中小微 by the NBS 2017 rule
    scope     a 经营范围 as the registry writes it: its items, without the boilerplate
    crosswalk 申万2021 industry names and company-name words → segments (crosswalk.csv)
    rules     segment assignment by industry codes / names / keywords, with evidence and its strength
    plan      de-duplication and the list of changes, with the report
    writing   the new CSV texts, validated, swapped in atomically (both files or neither)
    report    the report model and its Chinese summary

>>> from chainkg.importing import import_companies  # doctest: +SKIP
>>> import_companies(Path("企查查导出.xlsx"), Path("graph_data"), dry_run=True).counts()  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from chainkg.dataset.load import load_valid
from chainkg.importing.columns import FIELD_LABELS, HEADERS, Mapping, read_mapping
from chainkg.importing.plan import IMPORT_SOURCE, RULE_SOURCE, ImportPlan, plan_import
from chainkg.importing.report import CATEGORY_LABELS, ImportReport, RowNote
from chainkg.importing.sources import Progress
from chainkg.importing.writing import check_rendered, commit, recover, render

__all__ = [
    "CATEGORY_LABELS",
    "FIELD_LABELS",
    "HEADERS",
    "IMPORT_SOURCE",
    "RULE_SOURCE",
    "ImportPlan",
    "ImportReport",
    "Mapping",
    "Progress",
    "RowNote",
    "import_companies",
    "plan_import",
    "read_mapping",
]


def import_companies(
    path: Path, data_dir: Path, mapping_file: Path | None = None, sheet: str | None = None,
    dry_run: bool = False, progress: Progress | None = None,
) -> ImportReport:
    """Import one export into ``data_dir`` (or, with ``dry_run``, only report what would change).

    The data set must validate first; the result is validated before anything is written;
    companies.csv and company_segments.csv are then replaced together or not at all.
    """
    recovered = False if dry_run else recover(data_dir)
    data, _warnings = load_valid(data_dir)
    mapping = read_mapping(mapping_file) if mapping_file else Mapping()
    plan = plan_import(path, data, data_dir, mapping, sheet, dry_run, progress)
    report = plan.report
    report.recovered = recovered
    contents = render(plan, data_dir)
    del plan, data  # the models are in ``contents`` now; free them before the check loads it all again
    if contents:
        check_rendered(data_dir, contents)
        if not dry_run:
            commit(data_dir, contents)
            report.written = True
    return report
