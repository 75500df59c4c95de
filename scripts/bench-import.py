#!/usr/bin/env python3
"""Benchmark `chainkg import companies` on generated 100k-row exports (XLSX and CSV).

Usage: python3 scripts/bench-import.py [ROWS] [WORKDIR]
       python3 scripts/bench-import.py --phases EXPORT DATA_DIR   (peak RSS after each step, in-process)

Writes a 企查查-style XLSX (openpyxl write-only) and the same rows as a UTF-8 CSV, then imports
each into a fresh copy of graph_data/ with the installed `chainkg` command in a child process,
and prints wall time and the child's peak RSS (ru_maxrss). Deterministic (seeded).
"""

from __future__ import annotations

import csv
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from chainkg.dataset.uscc import CHARSET, WEIGHTS  # the check digit, without 31 trial validations per row

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["企业名称", "统一社会信用代码", "曾用名", "登记状态", "法定代表人", "注册资本", "成立日期", "所属省份",
          "所属城市", "所属区县", "企业地址", "企业类型", "国标行业", "参保人数", "股票代码", "经营范围", "企业标签",
          "联系电话"]
CLAUSES = [
    "工业机器人制造", "谐波减速器研发", "伺服电机销售", "机器视觉系统开发", "数控机床制造", "轴承制造", "滚动轴承销售",
    "锂离子电池制造", "储能系统集成", "燃料电池系统研发", "电线电缆制造", "铜箔生产", "耐火材料制造", "高温合金冶炼",
    "防火墙产品开发", "数据安全服务", "云计算平台运营", "数据中心建设", "工业软件开发", "智能语音技术研发",
    "光模块制造",
    "连接器制造", "硅片加工", "光刻胶研发", "原油加工", "改性塑料制造", "浮法玻璃生产", "防水材料销售", "兽用疫苗生产",
    "体外诊断试剂研发", "养老服务", "智能手环研发", "灯光秀策划", "电竞赛事运营", "民宿服务", "饲料生产", "跨境电商",
    "保税仓储服务", "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广", "五金产品批发", "机械设备销售",
    "货物进出口", "机电机械设备销售", "日用百货销售", "软件开发", "信息技术咨询服务",
]
PLACES = [("河南省", "洛阳市", "涧西区"), ("江苏省", "苏州市", "工业园区"), ("广东省", "深圳市", "南山区"),
          ("浙江省", "杭州市", "滨江区"), ("上海市", "上海市", "浦东新区"), ("湖北省", "武汉市", "洪山区")]
CODES = ["C3491 工业机器人制造", "C3453 齿轮及齿轮减速、变速箱制造", "C3451 滚动轴承制造", "I6513 应用软件开发",
         "C3841 锂离子电池制造", "F5179 其他机械设备及电子产品批发", "M7320 工程和技术研究和试验发展",
         "C3831 电线、电缆制造"]


def check_digit(prefix: str) -> str:
    total = sum(CHARSET.index(c) * w for c, w in zip(prefix, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def rows(count: int) -> list[list[object]]:
    rng = random.Random(10)
    out: list[list[object]] = []
    for i in range(count):
        prefix = f"91{rng.randint(110000, 659999)}MA{i:07d}"[:17]
        code = prefix + check_digit(prefix) if i % 2 == 0 else ""
        province, city, district = rng.choice(PLACES)
        status = "注销" if i % 97 == 0 else "存续（在营、开业、在册）"
        out.append([
            f"测试{i}号{rng.choice(['智能', '精密', '新材料', '信息', '生物'])}科技有限公司", code, "", status,
            f"法人{i % 500}", f"{rng.randint(10, 50000)}万元人民币",
            f"{rng.randint(1995, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            province, city, district, f"{city}{district}某路{i}号",
            "有限责任公司（自然人投资或控股）", rng.choice(CODES), rng.randint(0, 3000), "",
            "；".join(rng.sample(CLAUSES, rng.randint(2, 4))),
            rng.choice(["", "高新技术企业", "专精特新|科技型中小企业"]),
            "0379-00000000",
        ])
    return out


def write_exports(workdir: Path, count: int) -> tuple[Path, Path]:
    data = rows(count)
    xlsx, text = workdir / f"export-{count}.xlsx", workdir / f"export-{count}.csv"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("企业列表")
    sheet.append([f"共 {count} 条数据"])
    sheet.append(HEADER)
    for values in data:
        sheet.append(values)
    workbook.save(xlsx)
    with text.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(data)
    return xlsx, text


def run(export: Path, workdir: Path) -> tuple[float, float, float, str]:
    target = workdir / f"data-{export.suffix[1:]}"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(ROOT / "graph_data", target)
    beside = Path(sys.executable).with_name("chainkg")  # the venv running this script
    chainkg = str(beside) if beside.exists() else shutil.which("chainkg") or "chainkg"
    out_path, err_path = workdir / "stdout.txt", workdir / "stderr.txt"
    start = time.perf_counter()
    with out_path.open("w") as out, err_path.open("w") as err:
        child = subprocess.Popen([chainkg, "import", "companies", str(export), "--data", str(target),
                                  "--show", "0"], stdout=out, stderr=err)
        _pid, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, peak RSS included
    elapsed = time.perf_counter() - start
    if status:
        raise SystemExit(f"import failed: {err_path.read_text()}")
    peak = usage.ru_maxrss / 1024  # KiB on Linux → MiB
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, peak, out_path.read_text().strip().splitlines()[-1]


def phases(export: Path, data_dir: Path) -> None:
    """Peak RSS after planning, rendering and the final check of one import (wraps the library's steps)."""
    import chainkg.importing as importing

    def peak() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def probe(name: str, step: Any) -> Any:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            result = step(*args, **kwargs)
            print(f"after {name}: peak RSS {peak():.0f} MiB, {time.perf_counter() - start:.1f} s")
            return result
        return wrapped

    for name in ("plan_import", "render", "check_rendered"):
        setattr(importing, name, probe(name, getattr(importing, name)))
    start = time.perf_counter()
    print(f"start: peak RSS {peak():.0f} MiB")
    importing.import_companies(export, data_dir)


def main() -> None:
    if sys.argv[1:2] == ["--phases"]:
        phases(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    workdir = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("/tmp/chainkg-bench-import")
    workdir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    xlsx, text = write_exports(workdir, count)
    print(f"generated {count} rows in {time.perf_counter() - start:.1f} s: {xlsx} "
          f"({xlsx.stat().st_size / 1e6:.1f} MB), {text} ({text.stat().st_size / 1e6:.1f} MB)")
    for export in (xlsx, text):
        elapsed, cpu, peak_mb, summary = run(export, workdir)
        print(f"{export.name}: {elapsed:.1f} s wall, {cpu:.1f} s CPU, peak RSS {peak_mb:.0f} MiB; {summary}")


if __name__ == "__main__":
    main()
