"""Company scale (大型/中型/小型/微型) from an export's 参保人数 and 营业收入, by the NBS rule.

Source: 国家统计局《统计上大中小微型企业划分办法（2017）》(国统字〔2017〕213号), its table of
thresholds by industry. Large, medium and small firms must reach *every* lower bound of their
class, otherwise they drop a class; a firm below any small-class bound is micro. So:

- both indicators known → the highest class whose bounds are all met, else ``micro``;
- an indicator missing → ``micro`` only when the known one is already below the small bound
  (that alone decides it), otherwise ``unknown`` — the rule cannot be applied, we do not guess;
- industries whose thresholds use 资产总额 (建筑业, 房地产, 租赁和商务服务) or that the table
  splits below the 大类 level (交通运输、仓储和邮政) and 金融业 → ``unknown``.

参保人数 (insured employees) stands in for 从业人员; it is never larger, so the class can only
come out lower than the official one, never higher.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Thresholds", "nbs_scale", "thresholds_for"]


class Thresholds(NamedTuple):
    """Lower bounds of large, medium and small; None where the industry does not use the indicator."""

    employees: tuple[int, int, int] | None
    revenue: tuple[float, float, float] | None  # 万元


_INDUSTRY = Thresholds((1000, 300, 20), (40000, 2000, 300))
_OTHER = Thresholds((300, 100, 10), None)  # 其他未列明行业
# Keyed by 门类 letter or by 大类 (letter + two digits), the longer key winning.
_TABLE: dict[str, Thresholds] = {
    "A": Thresholds(None, (20000, 500, 50)),  # 农、林、牧、渔业
    "B": _INDUSTRY, "C": _INDUSTRY, "D": _INDUSTRY,  # 工业
    "F51": Thresholds((200, 20, 5), (40000, 5000, 1000)),  # 批发业
    "F52": Thresholds((300, 50, 10), (20000, 500, 100)),  # 零售业
    "H61": Thresholds((300, 100, 10), (10000, 2000, 100)),  # 住宿业
    "H62": Thresholds((300, 100, 10), (10000, 2000, 100)),  # 餐饮业
    "I63": Thresholds((2000, 100, 10), (100000, 1000, 100)),  # 信息传输业
    "I64": Thresholds((2000, 100, 10), (100000, 1000, 100)),
    "I65": Thresholds((300, 100, 10), (10000, 1000, 50)),  # 软件和信息技术服务业
    "M": _OTHER, "N": _OTHER, "O": _OTHER, "P": _OTHER, "Q": _OTHER, "R": _OTHER,
}
_CLASSES = ("large", "medium", "small")


def thresholds_for(industry_code: str | None) -> Thresholds | None:
    """The NBS thresholds for a GB/T 4754-2017 code, or None when chainkg does not apply the rule."""
    if not industry_code:
        return None
    return _TABLE.get(industry_code[:3]) or _TABLE.get(industry_code[:1])


def nbs_scale(industry_code: str | None, employees: int | None, revenue: float | None) -> str:
    """large / medium / small / micro by the NBS 2017 rule, or unknown (see the module docstring).

    >>> nbs_scale("C3491", 1200, 50000), nbs_scale("C3491", 1200, 1500), nbs_scale("C3491", 15, None)
    ('large', 'small', 'micro')
    >>> nbs_scale("C3491", 500, None), nbs_scale("M7320", 150, None), nbs_scale(None, 5000, 1e6)
    ('unknown', 'medium', 'unknown')
    """
    rule = thresholds_for(industry_code)
    if rule is None:
        return "unknown"
    checks = [(value, bounds) for value, bounds in ((employees, rule.employees), (revenue, rule.revenue))
              if bounds is not None]
    if any(value is not None and value < bounds[2] for value, bounds in checks):
        return "micro"
    if any(value is None for value, _bounds in checks):
        return "unknown"
    for index, name in enumerate(_CLASSES):
        if all(value is not None and value >= bounds[index] for value, bounds in checks):
            return name
    return "micro"  # unreachable: every value reached the small bounds above
