"""The company pool: companies, their segments and their relations as columnar tables.

The chain taxonomy (fields, chains, segments, parks, region: thousands of records) is small
and lives in pydantic models and a networkx graph. The company pool (companies.csv,
company_segments.csv, relations.csv) can hold a million firms, so it is kept as three polars
tables with one typed column per model field plus ``line``, the file line of each row.
Pydantic records and networkx nodes are made from it only where a caller needs them.

Column types follow the model fields (see ``column_specs``): text, choice (Literal) and id
columns are strings, ``|``-separated list columns are lists of strings, numbers and booleans
are typed; a column of any other type keeps its text and is parsed by pydantic when records
are made.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, StringConstraints
from pydantic.fields import FieldInfo

if TYPE_CHECKING:
    import polars as pl

__all__ = ["ColumnSpec", "CompanyPool", "Place", "column_specs", "records_frame"]


class Place(Protocol):
    """Where a district is (chainkg.model.records.Region): what ``local_mask`` compares against."""

    @property
    def province(self) -> str: ...
    @property
    def city(self) -> str: ...
    @property
    def district(self) -> str: ...
    @property
    def also_local(self) -> tuple[str, ...]: ...


Kind = Literal["str", "choice", "list", "int", "float", "bool", "other"]


@dataclass(frozen=True)
class ColumnSpec:
    """What a model field means for one CSV column: its kind, constraints and default."""

    name: str
    kind: Kind
    required: bool
    nullable: bool  # ``X | None``: an empty cell stays null
    default: Any
    pattern: str | None = None  # id columns (and list items) must match
    min_length: int | None = None
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    bounds: tuple[tuple[str, float], ...] = ()  # ("ge", 0), ("le", 1) …
    item: ColumnSpec | None = None  # list columns: the item's spec
    exotic: bool = False  # a constraint we do not check vectorised: pydantic decides every value


def _unwrap(annotation: Any) -> tuple[Any, list[Any], bool]:
    """Strip ``Optional`` and ``Annotated``: the bare type, its metadata, whether None is allowed."""
    metadata: list[Any] = []
    nullable = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            for item in extra:
                metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation, metadata, nullable
            nullable = True
            annotation = args[0]
        else:
            return annotation, metadata, nullable


def _spec(name: str, annotation: Any, metadata: list[Any], required: bool, default: Any) -> ColumnSpec:
    bare, inner, nullable = _unwrap(annotation)
    metadata = [*metadata, *inner]
    pattern = min_length = max_length = None
    bounds: list[tuple[str, float]] = []
    exotic = False
    for item in metadata:
        if isinstance(item, StringConstraints):
            pattern = item.pattern if isinstance(item.pattern, str) else None
            min_length, max_length = item.min_length, item.max_length
            exotic |= any(getattr(item, k) for k in ("to_upper", "to_lower", "strict", "ascii_only"))
            exotic |= item.pattern is not None and pattern is None
        else:
            found = [(k, getattr(item, k)) for k in ("ge", "le", "gt", "lt") if hasattr(item, k)]
            if found and all(isinstance(v, int | float) for _k, v in found):
                bounds += found
            else:
                exotic = True
    common = {"name": name, "required": required, "nullable": nullable, "default": default}
    origin = typing.get_origin(bare)
    kind: Kind
    choices: tuple[str, ...] = ()
    item_spec = None
    if bare is str:
        kind = "str"
    elif origin is Literal and all(isinstance(a, str) for a in typing.get_args(bare)):
        kind, choices = "choice", tuple(typing.get_args(bare))
    elif origin in (tuple, list) and (
        (origin is tuple and len(typing.get_args(bare)) == 2 and typing.get_args(bare)[1] is Ellipsis)
        or (origin is list and len(typing.get_args(bare)) == 1)
    ):
        kind = "list"
        item_spec = _spec(name, typing.get_args(bare)[0], [], True, None)
        exotic |= item_spec.kind != "str" or item_spec.nullable or item_spec.exotic
    elif bare is bool:
        kind = "bool"
    elif bare is int:
        kind = "int"
    elif bare is float:
        kind = "float"
    else:
        kind = "other"
    if kind in ("choice", "bool") and metadata:
        exotic = True
    return ColumnSpec(kind=kind, pattern=pattern, min_length=min_length, max_length=max_length,
                      choices=choices, bounds=tuple(bounds), item=item_spec, exotic=exotic, **common)


def column_specs(model: type[BaseModel]) -> list[ColumnSpec]:
    """One ColumnSpec per field of a pool model, in field order.

    >>> from chainkg.model.records import CompanySegment
    >>> [(s.name, s.kind) for s in column_specs(CompanySegment)][:3]
    [('company_id', 'str'), ('segment_id', 'str'), ('role', 'choice')]
    """
    specs = []
    for name, field in model.model_fields.items():
        default = None if field.is_required() else field.get_default(call_default_factory=True)
        specs.append(_spec(name, field.annotation, list(field.metadata), field.is_required(), default))
    return specs


def polars_dtype(spec: ColumnSpec) -> Any:
    """The polars type of a column of this spec."""
    import polars as pl

    return {"list": pl.List(pl.String), "int": pl.Int64, "float": pl.Float64,
            "bool": pl.Boolean}.get(spec.kind, pl.String)


class CompanyPool:
    """The three company tables of a data set (valid rows only, file order, with ``line``).

    Each table has the model's fields as columns, plus ``line`` and integer company keys
    (``idx``; ``company_idx``; ``from_idx`` and ``to_idx``).

    A plain class, not a dataclass, so pydantic treats it as an opaque value in DataSet.
    """

    def __init__(self, companies: pl.DataFrame, company_segments: pl.DataFrame,
                 relations: pl.DataFrame) -> None:
        # Integer company keys, made once: joins, look-ups and the BFS then work on integers.
        # ``idx`` is the company's row; a link's ``company_idx`` (a relation's ``from_idx`` /
        # ``to_idx``) is the row of the first company with that id, null when there is none.
        import polars as pl

        if "idx" not in companies.columns:
            companies = companies.with_row_index("idx")
        if "company_idx" not in company_segments.columns or "from_idx" not in relations.columns:
            first = companies.select("id", "idx").unique("id", keep="first", maintain_order=True)
            # One join for all 2N + 3N references: one hash table of the ids instead of three.
            refs = pl.concat([
                company_segments.select(pl.col("company_id").alias("id")),
                relations.select(pl.col("from_id").alias("id")),
                relations.select(pl.col("to_id").alias("id")),
            ])
            found = refs.join(first, on="id", how="left", maintain_order="left").get_column("idx")
            links, rels = company_segments.height, relations.height
            company_segments = company_segments.with_columns(found.slice(0, links).alias("company_idx"))
            relations = relations.with_columns(found.slice(links, rels).alias("from_idx"),
                                               found.slice(links + rels, rels).alias("to_idx"))
        self.companies = companies
        self.company_segments = company_segments
        self.relations = relations

    def __repr__(self) -> str:
        return (f"CompanyPool({self.companies.height} companies, {self.company_segments.height} "
                f"company_segments, {self.relations.height} relations)")

    def __eq__(self, other: object) -> bool:
        """Same records in the same order (the ``line`` each came from does not count)."""
        if not isinstance(other, CompanyPool):
            return NotImplemented
        return all(
            getattr(self, t).drop("line", strict=False).equals(getattr(other, t).drop("line", strict=False))
            for t in ("companies", "company_segments", "relations"))

    __hash__ = None  # type: ignore[assignment]  # mutable tables: equal pools need not hash alike

    def __len__(self) -> int:
        return self.companies.height

    def replace(self, companies: pl.DataFrame | None = None, company_segments: pl.DataFrame | None = None,
                relations: pl.DataFrame | None = None) -> CompanyPool:
        """This pool with the given tables (``records_frame``), the others kept.

        The integer company keys are made again: the rows they point at may have moved.
        """
        given = {"companies": companies, "company_segments": company_segments, "relations": relations}
        frames = {table: getattr(self, table) if frame is None else frame for table, frame in given.items()}
        return CompanyPool(frames["companies"].drop("idx", strict=False),
                           frames["company_segments"].drop("company_idx", strict=False),
                           frames["relations"].drop("from_idx", "to_idx", strict=False))

    def records(self, table: str, model: type[BaseModel]) -> Iterator[BaseModel]:
        """Pydantic records (of ``model``) of one table, validated as the CSV loader validates them."""
        frame: pl.DataFrame = getattr(self, table)
        names = [n for n in model.model_fields if n in frame.columns]
        for row in frame.select(names).iter_rows(named=True):
            yield model.model_validate({k: v for k, v in row.items() if v is not None})

    @cached_property
    def company_ids(self) -> frozenset[str]:
        """Every company id (a Python set: for look-ups of a few ids prefer ``existing_ids``)."""
        return frozenset(self.companies.get_column("id").to_list())

    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` that are companies of the pool."""
        import polars as pl

        wanted = pl.Series("id", sorted(set(ids)), dtype=pl.String)
        # The few wanted ids are hashed, the million company ids only scanned.
        known = self.companies.get_column("id")
        return set(known.filter(known.is_in(wanted.implode())).to_list())

    def local_mask(self, region: Place) -> pl.Series:
        """``DataSet.is_local`` for every company row, vectorised (the same rule, see the test)."""
        import polars as pl

        c = pl.col
        expr = c("id").is_in(list(region.also_local)) | (
            (c("province") == region.province) & (c("city") == region.city)
            & (c("district") == region.district)
        )
        return self.companies.select(expr.fill_null(False).alias("is_local")).to_series()


def records_frame(model: type[BaseModel], records: Iterable[BaseModel]) -> pl.DataFrame:
    """A pool table of these records of ``model`` (lines unknown: null)."""
    import polars as pl

    specs = column_specs(model)
    rows = [r.model_dump() for r in records]
    columns: dict[str, pl.Series] = {}
    for spec in specs:
        values = [row[spec.name] for row in rows]
        if spec.kind == "list":
            values = [list(v) for v in values]
        elif spec.kind == "other":
            values = [None if v is None else str(v) for v in values]
        columns[spec.name] = pl.Series(spec.name, values, dtype=polars_dtype(spec))
    columns["line"] = pl.Series("line", [None] * len(rows), dtype=pl.Int64)
    return pl.DataFrame(columns)
