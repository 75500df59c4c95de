"""Safe normalisation of raw rows, and warnings for silent data mistakes.

Two jobs that sit beside the strict validation of ``load``:

* ``normalize_row`` tidies one raw CSV row before it is validated: list cells split on
  any separator (``专精特新，小巨人`` is two tags), full-width digits and letters in codes,
  place names completed (``洛阳`` → ``洛阳市``). What cannot be tidied safely comes back
  as warnings, never as errors.
* ``hygiene_warnings`` looks at the parsed data set for mistakes that validate but change
  results silently: tags scoring does not know, and firms that look local but are not.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, MutableMapping
from typing import TYPE_CHECKING, Any

from chainkg.dataset.normalize import halfwidth, normalize_place, split_list
from chainkg.model.issues import DataIssue

if TYPE_CHECKING:
    from chainkg.model.pool import CompanyPool
    from chainkg.model.records import DataSet, Region

__all__ = [
    "INFO_TAGS",
    "LIST_COLUMNS",
    "hygiene_warnings",
    "normalize_place_fields",
    "normalize_pool_places",
    "normalize_row",
    "pool_hygiene",
]

# CSV columns that hold lists (separated by |, or by what an IME types instead).
LIST_COLUMNS = frozenset({"aliases", "tags", "listed", "listed_since", "segment_ids"})
# Tags that describe a firm without being scored (documented in graph_data/README.md).
INFO_TAGS = ("上市", "央企", "国企", "地方国企", "民企", "外资", "合资")
_PLACE_FIELDS = {"省份": "province", "城市": "city", "区县": "district"}


def normalize_place_fields(raw: MutableMapping[str, Any]) -> list[tuple[str, str]]:
    """Complete province/city/district of a raw record in place; (field, problem) for the rest."""
    province, city, district = raw.get("province"), raw.get("city"), raw.get("district")
    place = normalize_place(province if isinstance(province, str) else "", city if isinstance(city, str) else "",
                            district if isinstance(district, str) else "")
    if place.province:
        raw["province"] = place.province
    if place.city:
        raw["city"] = place.city
    if place.district:
        raw["district"] = place.district
    return [(_PLACE_FIELDS[p[:2]], p) for p in place.problems]


def normalize_row(raw: dict[str, str], place: bool) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """A raw CSV row ready for its model: empty cells dropped, lists split, places completed.

    >>> normalize_row({"id": "a", "tags": "专精特新，小巨人", "city": "洛阳", "note": ""}, place=True)[0]
    {'id': 'a', 'tags': ['专精特新', '小巨人'], 'city': '洛阳市'}
    """
    result: dict[str, Any] = {}
    for key, value in raw.items():
        if value == "":
            continue  # an empty cell means "not given": the model default applies
        if key in LIST_COLUMNS:
            result[key] = list(split_list(halfwidth(value) if key == "listed" else value))
        elif key == "uscc":
            result[key] = halfwidth(value)
        else:
            result[key] = value
    problems = normalize_place_fields(result) if place else []
    return result, problems


def hygiene_warnings(
    data: DataSet, company_line: Callable[[int, str], int | None], known_tags: Collection[str],
) -> list[DataIssue]:
    """Warnings for companies: unknown tags, and a place that looks local but is not recorded so."""
    issues: list[DataIssue] = []
    region = data.region
    known = set(known_tags) | set(INFO_TAGS)
    hint = "、".join(sorted(set(known_tags))) or "—"
    for i, company in enumerate(data.companies):
        for tag in company.tags:
            if tag not in known:
                issues.append(DataIssue(
                    level="warning", file="companies.csv", line=company_line(i, "tags"), field="tags",
                    message=f"标签「{tag}」评分不认得，不计分（评分认得：{hint}；说明性标签："
                            f"{'、'.join(INFO_TAGS)}）；是否写错？",
                ))
        if data.is_local(company):
            continue
        d = company.district
        if (company.province == region.province and company.city == region.city
                and d and region.district.startswith(d)):
            issues.append(DataIssue(
                level="warning", file="companies.csv", line=company_line(i, "district"), field="district",
                message=f"企业「{company.id}」所在区县「{d}」像是本区「{region.district}」，但不算本地企业"
                        f"（本地企业须写 {region.province},{region.city},{region.district}，"
                        "或列入 region.yaml 的 also_local）",
            ))
    return issues


def pool_hygiene(pool: CompanyPool, region: Region, known_tags: Collection[str]) -> list[DataIssue]:
    """``hygiene_warnings`` on the company pool's table (vectorised: no record per company)."""
    import polars as pl

    c = pl.col
    known = sorted(set(known_tags) | set(INFO_TAGS))
    hint = "、".join(sorted(set(known_tags))) or "—"
    companies = pool.companies.with_row_index("_order")
    issues: list[tuple[int, int, DataIssue]] = []
    tags = (companies.select("_order", "line", "tags").explode("tags")
            .filter(c("tags").is_not_null() & ~c("tags").is_in(known)))
    for order, line, tag in tags.iter_rows():
        issues.append((order, 0, DataIssue(
            level="warning", file="companies.csv", line=line, field="tags",
            message=f"标签「{tag}」评分不认得，不计分（评分认得：{hint}；说明性标签：{'、'.join(INFO_TAGS)}）；是否写错？",
        )))
    local = pool.local_mask(region)
    district = c("district").fill_null("")
    lookalike = companies.filter(
        ~local & (c("province") == region.province) & (c("city") == region.city) & (district != "")
        & pl.lit(region.district).str.starts_with(district))
    for order, line, company_id, d in lookalike.select("_order", "line", "id", "district").iter_rows():
        issues.append((order, 1, DataIssue(
            level="warning", file="companies.csv", line=line, field="district",
            message=f"企业「{company_id}」所在区县「{d}」像是本区「{region.district}」，但不算本地企业"
                    f"（本地企业须写 {region.province},{region.city},{region.district}，"
                    "或列入 region.yaml 的 also_local）",
        )))
    return [issue for _o, _k, issue in sorted(issues, key=lambda t: (t[0], t[1]))]


def normalize_pool_places(pool: CompanyPool, issues: list[DataIssue]) -> CompanyPool:
    """``normalize_place_fields`` for every company of the pool, once per distinct place.

    Place names are completed in the table and the problems reported per row, as
    ``normalize_row`` does record by record.
    """
    import polars as pl

    from chainkg.model.pool import CompanyPool

    c = pl.col
    places = ("province", "city", "district")
    companies = pool.companies
    rows = []
    for province, city, district in companies.select(*places).unique(maintain_order=True).iter_rows():
        raw: dict[str, Any] = {k: v for k, v in zip(places, (province, city, district), strict=True) if v}
        problems = normalize_place_fields(raw)
        rows.append((province, city, district, raw.get("province", province), raw.get("city", city),
                     raw.get("district", district), [f for f, _m in problems], [m for _f, m in problems]))
    schema: dict[str, Any] = {"province": pl.String, "city": pl.String, "district": pl.String, "_province": pl.String,
              "_city": pl.String, "_district": pl.String, "_fields": pl.List(pl.String),
              "_messages": pl.List(pl.String)}
    mapping = pl.DataFrame(rows, schema=schema, orient="row")
    changed = mapping.filter((c("province") != c("_province")) | (c("city") != c("_city"))
                             | (c("district") != c("_district")) | (c("_fields").list.len() > 0))
    if changed.height == 0:
        return pool
    joined = companies.select("line", *places).join(changed, on=list(places), how="left", nulls_equal=True,
                                                    maintain_order="left")
    for line, fields, messages in joined.filter(c("_fields").list.len() > 0).select(
            "line", "_fields", "_messages").iter_rows():
        issues.extend(DataIssue(level="warning", file="companies.csv", line=line, field=f, message=m)
                      for f, m in zip(fields, messages, strict=True))
    tidy = companies.with_columns(
        pl.coalesce(joined.get_column(f"_{p}"), companies.get_column(p)).alias(p) for p in places)
    return CompanyPool(tidy, pool.company_segments, pool.relations)
