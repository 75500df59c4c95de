"""Reading a 经营范围 the way the business registry writes it: its items, with the registry's boilerplate left out.

Since the 2021 reform the registry words scopes from its standard list (经营范围规范表述目录): items separated
by ；, grouped under 许可项目： and 一般项目：, each group closed by a legal note in brackets. Many items are
added to almost every firm whatever it does — 货物进出口, 技术进出口, 进出口代理 and the block 技术服务、技术开发、
技术咨询、技术交流、技术转让、技术推广 — and they say nothing about the firm's chain, so they are dropped
before matching (they no longer send every manufacturer to 跨境电商 nor count towards the over-match limit).
The registry's item for the whole 中类 C345, 轴承、齿轮和传动部件制造/销售, is dropped too: it names bearings
alongside gears and couplings, so it does not say that a reducer maker makes bearings.

What is left is numbered per group (first, second … item of 一般项目), because firms list their own line
first and the long tail last, and each item says whether it only *sells* (销售, 批发, 零售, 经营 … with no
制造, 生产, 加工, 研发 …): the registry adds a 销售 item for what a firm makes and for whatever it resells.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["ScopeItem", "makes_things", "scope_items", "sells_only"]

# Bracketed legal notes: （除依法须经批准的项目外，凭营业执照依法自主开展经营活动）, （依法须经批准的项目，…）.
_LEGAL_NOTE = re.compile(r"[（(][^（）()]*(?:依法|批准|营业执照|许可证件)[^（）()]*[）)]")
_GROUP_HEADER = re.compile(r"(?:一般项目|许可项目|经营范围|一般经营项目|许可经营项目)\s*[:：]")
_ITEM_SEPARATOR = re.compile(r"[；;。\n]+")
# Item parts (between 、) the registry adds to almost every scope.
_BOILERPLATE_PARTS = frozenset({
    "技术服务", "技术开发", "技术咨询", "技术交流", "技术转让", "技术推广", "货物进出口", "技术进出口", "进出口代理",
    "货物及技术进出口", "货物和技术进出口", "进出口业务",
})
# The old wording of the same, wherever it stands in an item: 自营和代理各类商品和技术的进出口业务（国家限定…除外）,
# 从事货物和技术的进出口业务, 货物或技术进出口, and the old 经营本企业自产产品及技术的出口业务和本企业所需的机械设备、
# 零配件、原辅材料及技术的进口业务（…除外）.
_BOILERPLATE_PHRASE = re.compile(
    r"(?:(?:自营和代理|代理和自营|自营|代理)(?:各类)?)?(?:商品|货物)(?:和|及|与|或)技术的?进出口(?:业务)?"
    r"(?:[（(][^（）()]*[）)])?"
    r"|经营本企业自产产品及技术的出口业务.*?进口业务(?:[（(][^（）()]*[）)])?"
    r"|(?<=[（(])[^（）()]*进出口[^（）()]*除外(?=[）)])"
)
_BRACKETS_LEFT = re.compile(r"[（(]\s*[）)]")
_CONNECTORS = "、，, 及和与并"
# The registry's item for the whole 中类 C345: it lists bearings with gears and couplings.
_CATCH_ALL = re.compile(r"轴承、齿轮和传动部件(?:制造|销售|加工)?")
_SELLS = re.compile(r"销售|批发|零售|经销|经营|代销|购销")
_MAKES = re.compile(r"制造|生产|加工|研发|研制|开发|设计|组装|装配|冶炼|养殖|种植|培育|施工|安装|维修|服务|运营|"
                    r"租赁|检测|试验|处理|治理|利用|回收")
# A firm with an item of its own making has a line of its own: its 销售 items are then what it sells on.
_OWN_LINE = re.compile(r"制造|生产|加工|研发|研制|开发|设计|组装|冶炼|养殖|种植|培育")


class ScopeItem(NamedTuple):
    """One item of a 经营范围 after the boilerplate is dropped."""

    text: str
    position: int  # 0 for the first item of its group (一般项目 / 许可项目), 1 for the second …
    sales_only: bool


def scope_items(scope: str) -> tuple[ScopeItem, ...]:
    """The items of a 经营范围 that can say what the firm does, in order.

    >>> [i.text for i in scope_items("一般项目：减速机制造；货物进出口；技术服务、技术开发、技术咨询、"
    ...                               "技术交流、技术转让、技术推广；轴承、齿轮和传动部件销售；机械零件销售。"
    ...                               "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）")]
    ['减速机制造', '机械零件销售']
    >>> [i.text for i in scope_items("机器人的研发、生产、销售及货物和技术进出口（国家禁止的除外）；"
    ...                               "经营本企业自产产品及技术的出口业务和本企业所需的机械设备、零配件、原辅材料及"
    ...                               "技术的进口业务（国家限定公司经营或禁止进出口的商品及技术除外）")]
    ['机器人的研发、生产、销售']
    >>> [(i.position, i.sales_only) for i in scope_items("许可项目：兽药生产。一般项目：兽药销售；宠物诊疗服务")]
    [(0, False), (0, True), (1, False)]
    """
    items: list[ScopeItem] = []
    for group in _GROUP_HEADER.split(_LEGAL_NOTE.sub("；", scope)):
        position = 0
        for raw in _ITEM_SEPARATOR.split(group):
            text = _clean(raw)
            if not text:
                continue
            sales_only = sells_only(text)
            items.append(ScopeItem(text, position, sales_only))
            position += 1
    return tuple(items)


def sells_only(text: str) -> bool:
    """True for a text that only sells: 轴承销售, 农业机械批发 (a 国标 class of the trade), not 轴承制造、销售.

    >>> sells_only("轴承销售"), sells_only("农业机械批发"), sells_only("轴承制造、销售"), sells_only("宠物诊疗服务")
    (True, True, False, False)
    """
    return bool(_SELLS.search(text)) and not _MAKES.search(text)


def makes_things(items: tuple[ScopeItem, ...]) -> bool:
    """True when one of the items makes, develops or grows something (not only sells or serves)."""
    return any(_OWN_LINE.search(item.text) for item in items)


def _clean(item: str) -> str:
    item = _BRACKETS_LEFT.sub("", _BOILERPLATE_PHRASE.sub("", _CATCH_ALL.sub("", item.strip())))
    parts = [p.strip() for p in item.split("、")]
    kept = [p for p in parts if p and p not in _BOILERPLATE_PARTS]
    item = "、".join(kept) if len(kept) != len(parts) else item
    return item.strip(_CONNECTORS)
