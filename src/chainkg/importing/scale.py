"""Company scale (大型/中型/小型/微型) from an export's 参保人数 and 营业收入, by the NBS rule.

Source: 国家统计局《统计上大中小微型企业划分办法（2017）》(国统字〔2017〕213号), its table of
thresholds by industry. Large, medium and small firms must reach *every* lower bound of their
class, otherwise they drop a class; a firm below any small-class bound is micro. So:

- both indicators known → the highest class whose bounds are all met, else ``micro``;
- an indicator missing → ``micro`` only when the known one is already below the small bound
  (that alone decides it), otherwise ``unknown`` — the rule cannot be applied, we do not guess;
- industries whose thresholds use 资产总额 (建筑业, 房地产开发经营, 租赁和商务服务), 铁路运输, and those
  outside the rule (金融业, 教育, 卫生, 公共管理, 国际组织, 自有房地产经营) → ``unknown``.

Which 大类 the table's industries cover is said in the notes of the 办法: 工业 is B, C and D;
交通运输业 is G54–G58 and 装卸搬运 (G591), not 铁路运输 (G53); 仓储业 the rest of G59; 邮政业 G60;
信息传输业 I63 and I64; 其他未列明行业 M, N, O, 社会工作 (Q85), R, 房地产中介服务 (K703) and 其他房地产业
(K709).

参保人数 (insured employees) stands in for 从业人员; it is never larger, so the class can only
come out lower than the official one, never higher.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Thresholds", "nbs_scale", "scale_problem", "thresholds_for"]


class Thresholds(NamedTuple):
    """Lower bounds of large, medium and small; None where the industry does not use the indicator."""

    employees: tuple[int, int, int] | None
    revenue: tuple[float, float, float] | None  # 万元


_INDUSTRY = Thresholds((1000, 300, 20), (40000, 2000, 300))
_TRANSPORT = Thresholds((1000, 300, 20), (30000, 3000, 200))  # 交通运输业（不含铁路运输业）
_WAREHOUSING = Thresholds((200, 100, 20), (30000, 1000, 100))  # 仓储业
_LODGING = Thresholds((300, 100, 10), (10000, 2000, 100))  # 住宿业, 餐饮业
_INFORMATION = Thresholds((2000, 100, 10), (100000, 1000, 100))  # 信息传输业
_OTHER = Thresholds((300, 100, 10), None)  # 其他未列明行业
# Keyed by 门类 letter, 大类 (letter + two digits) or 中类 (letter + three digits): the longest key wins.
_TABLE: dict[str, Thresholds] = {
    "A": Thresholds(None, (20000, 500, 50)),  # 农、林、牧、渔业
    "B": _INDUSTRY, "C": _INDUSTRY, "D": _INDUSTRY,  # 工业
    "F51": Thresholds((200, 20, 5), (40000, 5000, 1000)),  # 批发业
    "F52": Thresholds((300, 50, 10), (20000, 500, 100)),  # 零售业
    **{f"G{d}": _TRANSPORT for d in range(54, 59)}, "G591": _TRANSPORT,  # 道路…多式联运和运输代理, 装卸搬运
    **{f"G59{d}": _WAREHOUSING for d in (2, 3, 4, 5, 6, 9)},  # 通用、低温、危险品、农产品、中药材、其他仓储
    "G60": Thresholds((1000, 300, 20), (30000, 2000, 100)),  # 邮政业
    "H61": _LODGING, "H62": _LODGING,
    "I63": _INFORMATION, "I64": _INFORMATION,
    "I65": Thresholds((300, 100, 10), (10000, 1000, 50)),  # 软件和信息技术服务业
    "K702": Thresholds((1000, 300, 100), (5000, 1000, 500)),  # 物业管理
    "K703": _OTHER, "K709": _OTHER,  # 房地产中介服务, 其他房地产业
    "M": _OTHER, "N": _OTHER, "O": _OTHER, "Q85": _OTHER, "R": _OTHER,
}
_CLASSES = ("large", "medium", "small")


def thresholds_for(industry_code: str | None) -> Thresholds | None:
    """The NBS thresholds for a GB/T 4754-2017 code, or None when chainkg does not apply the rule."""
    if not industry_code:
        return None
    return next((_TABLE[key] for key in (industry_code[:4], industry_code[:3], industry_code[:1]) if key in _TABLE),
                None)


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


def scale_problem(industry_code: str | None, employees: int | None, revenue: float | None) -> str | None:
    """Why ``nbs_scale`` says unknown, in the report's words; None when it could decide.

    >>> scale_problem("C3491", 500, None), scale_problem("J6620", 500, 1e5)
    ('缺少营业收入', '国标行业 J6620 不在划分办法内或需要资产总额')
    """
    if nbs_scale(industry_code, employees, revenue) != "unknown":
        return None
    rule = thresholds_for(industry_code)
    if not industry_code:
        return "没有国标行业"
    if rule is None:
        return f"国标行业 {industry_code} 不在划分办法内或需要资产总额"
    missing = [label for label, value, bounds in (("参保人数", employees, rule.employees),
                                                   ("营业收入", revenue, rule.revenue))
               if bounds is not None and value is None]
    return "缺少" + "和".join(missing)
