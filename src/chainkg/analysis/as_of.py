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

from chainkg.model.records import Company, DataSet

__all__ = ["as_of_data", "known_by"]


def known_by(year: int | None, day: date) -> bool:
    """Whether a fact dated only by its year (None: undated, always kept) was certainly true on ``day``."""
    return year is None or date(year, 12, 31) <= day


def _listed_then(company: Company, day: date) -> Company:
    """The company with only the listing codes it had on ``day`` (codes without a date are kept)."""
    if len(company.listed_since) != len(company.listed):
        return company  # no dates (or a mismatch validation reports): nothing to go by
    kept = [(code, since) for code, since in zip(company.listed, company.listed_since, strict=True)
            if date.fromisoformat(since) <= day]
    if len(kept) == len(company.listed):
        return company
    return company.model_copy(update={"listed": tuple(c for c, _ in kept),
                                      "listed_since": tuple(s for _, s in kept)})


def as_of_data(data: DataSet, day: date) -> DataSet:
    """``data`` without the facts dated after ``day`` (see the module docstring); a pure function."""
    unborn = {c.id for c in data.companies if c.founded is not None and date.fromisoformat(c.founded) > day}
    companies = tuple(_listed_then(c, day) for c in data.companies if c.id not in unborn)
    region = data.region
    region = region.model_copy(update={
        "partners": tuple(p for p in region.partners if p.company not in unborn and known_by(p.year, day)),
        "as_of": min(region.as_of, day) if region.as_of else None,
    })
    update: dict[str, object] = {
        "region": region,
        "relations": tuple(r for r in data.relations
                           if known_by(r.since, day) and not {r.from_id, r.to_id} & unborn),
        "signals": tuple(s for s in data.signals if s.date <= day and s.company not in unborn),
        "projects": tuple(p for p in data.projects if known_by(p.year, day) and p.company_id not in unborn),
        "progress": tuple(p for p in data.progress if p.as_of <= day),
        "anchor_needs": tuple(n for n in data.anchor_needs if n.company not in unborn),
    }
    if unborn or any(a is not b for a, b in zip(companies, data.companies, strict=False)):
        update["companies"] = companies
        update["company_segments"] = tuple(s for s in data.company_segments if s.company_id not in unborn)
    return data.model_copy(update=update)
