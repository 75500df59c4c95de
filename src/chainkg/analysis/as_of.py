"""The data as they would have looked on a past day (``rank --as-of``, the landings back-test).

``as_of_data(data, day)`` drops every fact dated after ``day``:

- signals dated after the day; progress reported after it;
- relations whose ``since`` year, projects whose ``year`` and strategic partners whose
  agreement ``year`` is not over by the day: a fact known only by its year may have happened
  on any day of it, so it counts from the year's last day (no look-ahead in a replay);
- listing codes whose ``listed_since`` is after the day (the company was not listed then);
- companies ``founded`` after the day, with their segment rows, relations, signals, needs,
  partner entries and projects.

Undated facts (a relation without ``since``, a project without ``year``, segment rows, tags,
notes) are kept: the data cannot say when they became true.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from chainkg.model.records import DataSet

__all__ = ["as_of_data", "known_by"]


def known_by(year: int | None, day: date) -> bool:
    """Whether a fact dated only by its year (None: undated, always kept) was certainly true on ``day``."""
    return year is None or date(year, 12, 31) <= day


def _listed_then(companies: pl.DataFrame, day: date) -> pl.DataFrame:
    """The companies with only the listing codes they had on ``day`` (codes without a date are kept;
    a company whose codes and dates do not pair up — no dates, or a mismatch validation reports — as is)."""
    c = pl.col
    dated = companies.filter((c("listed_since").list.len() > 0)
                             & (c("listed_since").list.len() == c("listed").list.len()))
    later = dated.filter(c("listed_since").list.eval(pl.element() > day.isoformat()).list.any())
    if later.height == 0:
        return companies
    # A few listed companies: their codes by row, in Python.
    listed, since = [], []
    for codes, dates in later.select("listed", "listed_since").iter_rows():
        kept = [(code, when) for code, when in zip(codes, dates, strict=True) if date.fromisoformat(when) <= day]
        listed.append([code for code, _ in kept])
        since.append([when for _, when in kept])
    then = pl.DataFrame({"idx": later.get_column("idx"),
                         "listed_then": pl.Series(listed, dtype=companies.schema["listed"]),
                         "since_then": pl.Series(since, dtype=companies.schema["listed_since"])})
    changed = c("listed_then").is_not_null()
    return (companies.join(then, on="idx", how="left", maintain_order="left")
            .with_columns(pl.when(changed).then(c("listed_then")).otherwise(c("listed")).alias("listed"),
                          pl.when(changed).then(c("since_then")).otherwise(c("listed_since")).alias("listed_since"))
            .drop("listed_then", "since_then"))


def as_of_data(data: DataSet, day: date) -> DataSet:
    """``data`` without the facts dated after ``day`` (see the module docstring); a pure function.

    The company pool is filtered as tables (a million companies as records would take minutes).
    """
    c = pl.col
    pool = data.pool
    # ISO days (validated YYYY-MM-DD) order as strings do.
    born_later = c("founded").is_not_null() & (c("founded") > day.isoformat())
    unborn_ids = pool.companies.filter(born_later).get_column("id")
    unborn = set(unborn_ids.to_list())
    companies = _listed_then(pool.companies, day).filter(~born_later.fill_null(False))
    # A fact known only by its year counts from the year's last day (known_by).
    last_year = day.year if (day.month, day.day) == (12, 31) else day.year - 1
    gone = unborn_ids.implode()
    relations = pool.relations.filter((c("since").is_null() | (c("since") <= last_year))
                                      & ~c("from_id").is_in(gone) & ~c("to_id").is_in(gone))
    company_segments = pool.company_segments.filter(~c("company_id").is_in(gone))
    region = data.region
    region = region.model_copy(update={
        "partners": tuple(p for p in region.partners if p.company not in unborn and known_by(p.year, day)),
        "as_of": min(region.as_of, day) if region.as_of else None,
    })
    return data.model_copy(update={
        "region": region,
        "pool": pool.replace(companies=companies, company_segments=company_segments, relations=relations),
        "signals": tuple(s for s in data.signals if s.date <= day and s.company not in unborn),
        "projects": tuple(p for p in data.projects if known_by(p.year, day) and p.company_id not in unborn),
        "progress": tuple(p for p in data.progress if p.as_of <= day),
        "anchor_needs": tuple(n for n in data.anchor_needs if n.company not in unborn),
    })
