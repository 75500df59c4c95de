"""The optional fields the second data pass added: Relation.since, Target baselines, region channels."""

from __future__ import annotations

from pathlib import Path

from chainkg.dataset.load import load_dataset, load_valid
from conftest import Edit

CHANNELS = """channels:
  - id: fair
    name: 牡丹花会专场签约活动
    kind: 招商节会
    source: test
  - id: fair
    name: 投洽会
    kind: 招商节会
    source: test
"""


def _errors(data_dir: Path) -> list[str]:
    return [str(i) for i in load_dataset(data_dir)[1] if i.level == "error"]


def test_new_fields_are_optional(tiny_dir: Path) -> None:
    data, _warnings = load_valid(tiny_dir)
    assert all(r.since is None for r in data.relations)
    assert all(t.baseline is None and t.baseline_year is None and t.note == "" for t in data.region.targets)
    assert data.region.channels == ()


def test_since_baseline_and_channels_are_read(edit: Edit) -> None:
    edit("relations.csv", "from_id,type,to_id,note,source\nout-integrator,SUPPLIES,loc-anchor,供应集成服务,test",
         "from_id,type,to_id,note,source,since\nout-integrator,SUPPLIES,loc-anchor,供应集成服务,test,2023")
    edit("region.yaml", '    comparison: ">="\n    source: test\n',
         '    comparison: ">="\n    source: test\n    baseline: 2\n    baseline_year: 2021\n    note: 口径相同\n')
    data_dir = edit("region.yaml", "targets:\n", CHANNELS.replace("  - id: fair\n    name: 投洽会", "  - id: fair2\n    name: 投洽会")
                    + "targets:\n")
    data, _warnings = load_valid(data_dir)
    assert data.relations[0].since == 2023
    target = data.region.targets[0]
    assert (target.baseline, target.baseline_year, target.note) == (2, 2021, "口径相同")
    assert [c.id for c in data.region.channels] == ["fair", "fair2"]


def test_since_must_be_a_year(edit: Edit) -> None:
    data_dir = edit("relations.csv",
                    "from_id,type,to_id,note,source\nout-integrator,SUPPLIES,loc-anchor,供应集成服务,test",
                    "from_id,type,to_id,note,source,since\nout-integrator,SUPPLIES,loc-anchor,供应集成服务,test,去年")
    assert _errors(data_dir) == ["错误 relations.csv:2 [since]: 「去年」不是整数"]


def test_baseline_must_be_a_number(edit: Edit) -> None:
    data_dir = edit("region.yaml", '    comparison: ">="\n    source: test\n',
                    '    comparison: ">="\n    source: test\n    baseline: 约三万\n')
    assert _errors(data_dir) == ["错误 region.yaml:27 [targets.0.baseline]: 「约三万」不是数字"]


def test_duplicate_channel_id_is_an_error(edit: Edit) -> None:
    data_dir = edit("region.yaml", "targets:\n", CHANNELS + "targets:\n")
    assert _errors(data_dir) == ["错误 region.yaml:23 [channels.id]: id「fair」重复"]


def test_channel_needs_a_kind(edit: Edit) -> None:
    data_dir = edit("region.yaml", "targets:\n", "channels:\n  - id: fair\n    name: 投洽会\n    source: test\ntargets:\n")
    assert _errors(data_dir) == ["错误 region.yaml:19 [channels.0.kind]: 缺少必填值"]
