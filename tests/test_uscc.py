from __future__ import annotations

import pytest

from chainkg.dataset.uscc import uscc_problem


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000100006485K"])
def test_valid_codes(code: str) -> None:
    assert uscc_problem(code) is None


@pytest.mark.parametrize(("code", "message"), [
    ("91350100M000100Y4", "长度应为 18 位，实际为 17 位"),
    ("91350100M000100Y4I", "含有不允许的字符 I（只允许数字和除 I、O、S、V、Z 外的大写字母）"),
    ("91350100M000100Y44", "校验位应为 3，实际为 4"),
])
def test_invalid_codes(code: str, message: str) -> None:
    assert uscc_problem(code) == message
