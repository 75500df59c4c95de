"""统一社会信用代码 (USCC) check digit, GB 32100-2015."""

from __future__ import annotations

__all__ = ["uscc_problem"]

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_problem(code: str) -> str | None:
    """What is wrong with a USCC, or None when it is well-formed with a correct check digit.

    >>> uscc_problem("91350100M000100Y43") is None
    True
    >>> uscc_problem("91350100M000100Y44")
    '校验位应为 3，实际为 4'
    """
    if len(code) != 18:
        return f"长度应为 18 位，实际为 {len(code)} 位"
    bad = sorted({c for c in code if c not in CHARSET})
    if bad:
        return f"含有不允许的字符 {''.join(bad)}（只允许数字和除 I、O、S、V、Z 外的大写字母）"
    total = sum(CHARSET.index(c) * w for c, w in zip(code[:17], WEIGHTS, strict=True))
    expected = CHARSET[(31 - total % 31) % 31]
    if code[17] != expected:
        return f"校验位应为 {expected}，实际为 {code[17]}"
    return None
