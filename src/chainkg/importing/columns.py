"""Which export column holds what: the built-in recognition of 企查查/天眼查/启信宝-style headers,
and mapping files for other layouts.

Each import field may come from several columns (企业地址 and 注册地址, 国标行业门类 … 小类,
上市状态 and 股票代码); ``ColumnMap.columns`` keeps them in sheet order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainkg.dataset.readers import line_of, read_yaml
from chainkg.model.errors import ImportFileError
from chainkg.model.issues import DataIssue

__all__ = [
    "FIELD_LABELS",
    "HEADERS",
    "HEADER_SEARCH_ROWS",
    "ColumnMap",
    "Mapping",
    "find_header",
    "header_key",
    "read_mapping",
    "recognise",
]

# Import field → the header names exports use for it (compared after header_key).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("企业名称", "公司名称", "名称", "企业名", "单位名称", "机构名称", "企业全称", "公司全称"),
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "统一信用代码"),
    "former_names": ("曾用名", "历史名称", "曾用名称", "原名称"),
    "aliases": ("简称", "企业简称", "公司简称", "别名", "证券简称", "股票简称", "A股简称"),
    "status": ("登记状态", "经营状态", "企业状态", "营业状态", "状态"),
    "legal_rep": ("法定代表人", "法人代表", "法人", "负责人"),
    "registered_capital": ("注册资本", "注册资金"),
    "founded": ("成立日期", "成立时间", "注册日期"),
    "province": ("所属省份", "省份", "省", "所在省份", "所属省", "所在省"),
    "city": ("所属城市", "城市", "市", "所在城市", "所属市", "所在市", "所属地市"),
    "district": ("所属区县", "区县", "区/县", "所在区县", "所属区"),
    "address": ("企业地址", "注册地址", "地址", "通信地址", "住所", "企业注册地址", "经营地址", "公司地址"),
    "company_type": ("企业类型", "公司类型", "企业(机构)类型", "类型", "企业性质"),
    "industry": ("国标行业", "所属行业", "行业", "国民经济行业", "行业分类", "申万行业", "所属申万行业", "申万一级行业",
                 "证监会行业", "所属证监会行业"),
    "employees": ("参保人数", "从业人数", "员工人数", "社保人数", "职工人数"),
    "revenue": ("营业收入", "营收", "营业总收入"),
    "listing": ("上市状态", "股票代码", "证券代码", "上市信息", "上市板块", "A股代码", "交易所", "上市交易所",
                "证券交易所", "上市地点", "上市场所"),
    "listing_date": ("上市日期", "上市时间", "首发上市日期"),
    "business_scope": ("经营范围",),
    "tags": ("企业标签", "科技型企业", "标签", "资质", "企业资质", "科技型企业标签"),
    "products": ("主营产品", "产品", "主要产品", "主营业务", "产品名称"),
}

# The same fields in the team's words (report, errors, README table).
FIELD_LABELS: dict[str, str] = {
    "name": "企业名称", "uscc": "统一社会信用代码", "former_names": "曾用名", "aliases": "简称",
    "status": "登记状态", "legal_rep": "法定代表人", "registered_capital": "注册资本（万元）",
    "founded": "成立日期", "province": "省份", "city": "城市", "district": "区县", "address": "地址",
    "company_type": "企业类型", "industry": "国标行业", "employees": "参保人数",
    "revenue": "营业收入（万元）", "listing": "上市状态/股票代码/交易所", "listing_date": "上市日期",
    "business_scope": "经营范围",
    "tags": "企业标签", "products": "主营产品", "ignore": "（忽略）",
}

# "国标行业门类", "所属行业-大类", "行业小类代码" …: any industry level is an industry column.
_INDUSTRY_LEVEL = re.compile(r"^(国标行业|所属行业|行业|国民经济行业)[-_:：]?(门类|大类|中类|小类)(代码|名称)?$")
_BRACKETED = re.compile(r"[(（\[【].*?[)）\]】]")
HEADER_SEARCH_ROWS = 20  # titles such as "共 1,234 条数据" sit above the header


def header_key(text: str) -> str:
    """'注册资本（万元）' → '注册资本'; '企业 名称' → '企业名称'."""
    key = _BRACKETED.sub("", text) or text
    return re.sub(r"\s+", "", key).lower()


_LOOKUP = {header_key(h): f for f, names in HEADERS.items() for h in names}


def recognise(header: str) -> str | None:
    """The import field of a header cell, or None when it is not a known column.

    >>> recognise("注册资本(万元)"), recognise("国标行业小类"), recognise("电话")
    ('registered_capital', 'industry', None)
    """
    key = header_key(header)
    if key in _LOOKUP:
        return _LOOKUP[key]
    if _INDUSTRY_LEVEL.match(key):
        return "industry"
    return None


@dataclass
class Mapping:
    """A mapping file: columns named by the team, plus reading and matching options."""

    columns: dict[str, str] = field(default_factory=dict)  # export header → import field or "ignore"
    sheet: str | None = None
    header_row: int | None = None
    max_segments: int = 5
    segmenter: bool = True
    source: str | None = None


@dataclass
class ColumnMap:
    """Where the header is and which columns feed each import field."""

    header_row: int
    headers: list[str]
    columns: dict[str, list[int]]
    unknown: list[str]

    def values(self, cells: list[str], name: str) -> list[str]:
        """The non-empty cells of one field, in sheet order."""
        return [cells[i] for i in self.columns.get(name, ()) if i < len(cells) and cells[i]]


def _map_header(cells: list[str], mapping: Mapping) -> tuple[dict[str, list[int]], list[str]]:
    columns: dict[str, list[int]] = {}
    unknown: list[str] = []
    explicit = {header_key(k): v for k, v in mapping.columns.items()}
    for index, cell in enumerate(cells):
        if not cell:
            continue
        target = explicit.get(header_key(cell)) or recognise(cell)
        if target == "ignore":
            continue
        if target is None:
            unknown.append(cell)
        else:
            columns.setdefault(target, []).append(index)
    return columns, unknown


def find_header(rows: list[tuple[int, list[str]]], mapping: Mapping, file: str) -> ColumnMap:
    """The header among the first rows: the given header_row, else the first with a name column."""
    for number, cells in rows:
        if mapping.header_row is not None and number != mapping.header_row:
            continue
        columns, unknown = _map_header(cells, mapping)
        if "name" in columns:
            return ColumnMap(header_row=number, headers=cells, columns=columns, unknown=unknown)
        if mapping.header_row is not None:
            break
    where = f"第 {mapping.header_row} 行" if mapping.header_row else f"前 {HEADER_SEARCH_ROWS} 行"
    names = "、".join(HEADERS["name"][:4])
    raise ImportFileError([DataIssue(
        level="error", file=file, line=mapping.header_row,
        message=f"{where}中找不到企业名称列（{names} 等）；请用 --mapping 指定列，见 README「Importing companies」",
    )])


_MAPPING_KEYS = {"columns", "sheet", "header_row", "max_segments", "segmenter"}


def read_mapping(path: Path) -> Mapping:
    """Parse a mapping file; every mistake is reported with its line."""
    doc = read_yaml(path)
    issues = list(doc.issues)
    mapping = Mapping(source=path.name)
    data: Any = doc.data
    if not issues and not isinstance(data, dict):
        issues.append(DataIssue(level="error", file=path.name, line=1,
                                message="映射文件顶层应为键值映射，至少包含 columns:"))
    if issues:
        raise ImportFileError(issues)

    def error(key: str, message: str, where: Any = data) -> None:
        issues.append(DataIssue(level="error", file=path.name, line=line_of(where, key), field=key,
                                message=message))

    for key, value in data.items():
        if key not in _MAPPING_KEYS:
            error(key, f"未知的键；允许的键：{', '.join(sorted(_MAPPING_KEYS))}")
        elif key == "columns":
            if not isinstance(value, dict):
                error(key, "应为「导出表头: 字段」的映射")
                continue
            allowed = [*HEADERS, "ignore"]
            for header, target in value.items():
                if str(target) not in allowed:
                    error(str(header), f"字段「{target}」不存在；可用字段：{', '.join(allowed)}", value)
                else:
                    mapping.columns[str(header)] = str(target)
        elif key == "sheet":
            mapping.sheet = str(value)
        elif key in {"header_row", "max_segments"}:
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                error(key, f"「{value}」应为正整数")
            elif key == "header_row":
                mapping.header_row = value
            else:
                mapping.max_segments = value
        elif key == "segmenter":
            if not isinstance(value, bool):
                error(key, f"「{value}」应为 true（按分词匹配，默认）或 false（按字符串包含匹配）")
            else:
                mapping.segmenter = value
    if issues:
        raise ImportFileError(issues)
    return mapping
