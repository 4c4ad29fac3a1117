#!/usr/bin/env python3
"""Benchmark of pmodocs builds (stdlib + the project only). Not a test: CI times nothing.

Each scenario runs `pmodocs build` in fresh processes several times and records wall time, CPU
time (user+sys, to see whether both cores work) and peak RSS of each run, then prints and
writes bench/RESULTS.md.

    python bench/run.py [--runs 5] [--portfolio 1,2,4]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "content"
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
       "SOURCE_DATE_EPOCH": "1793577600", "PYTHONPATH": str(ROOT / "src")}
"""Bytecode caching stays on, as on any machine after pmodocs' first run (a sandbox that sets
PYTHONDONTWRITEBYTECODE would otherwise recompile pmodocs' own modules on every build)."""


def timed_build(content: Path, out: Path) -> tuple[float, float, float]:
    """(wall seconds, cpu seconds, peak RSS MB) of one `pmodocs build` in a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "pmodocs.cli", "build", "--content", str(content),
                             "--out", str(out), "--quiet"], env=ENV, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def mtimes(root: Path) -> dict[str, int]:
    """Modification times of the published files (the lock and the build cache are not outputs)."""
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)}


def edit_one_deliverable(content: Path, n: int) -> None:
    """Change one risk's title: a real edit of one deliverable (risk.yaml)."""
    path = content / "deliverables" / "risk.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "\n    title: "  # the first risk's title (a plain scalar: a word in front keeps it one)
    i = text.index(marker) + len(marker)
    path.write_text(text[:i] + f"Edited{n} " + text[i:], encoding="utf-8")


def portfolio(folder: Path, copies: int) -> Path:
    """A portfolio of `copies` programs: the example under a different name each time, so no
    program's documents can be reused from another's in the build cache."""
    for i in range(copies):
        target = folder / f"program-{i + 1}"
        shutil.copytree(EXAMPLE, target)
        program = target / "program.yaml"
        text = program.read_text(encoding="utf-8")
        program.write_text(text.replace("  name: ", f"  name: Program {i + 1} ", 1), encoding="utf-8")
    return folder


def summarise(name: str, runs: list[tuple[float, float, float]], note: str = "") -> dict:
    walls = [r[0] for r in runs]
    return {"scenario": name, "median": statistics.median(walls), "min": min(walls),
            "max": max(walls), "cpu": statistics.median(r[1] for r in runs),
            "rss": max(r[2] for r in runs), "note": note}


def scenario_cold(runs: int, work: Path) -> dict:
    results = []
    for i in range(runs):
        out = work / f"cold-{i}"
        results.append(timed_build(EXAMPLE, out))
    return summarise("full cold build", results)


def scenario_noop(runs: int, work: Path) -> dict:
    out = work / "noop"
    timed_build(EXAMPLE, out)
    before = mtimes(out)
    results = [timed_build(EXAMPLE, out) for _ in range(runs)]
    rewritten = sum(1 for k, v in mtimes(out).items() if before.get(k) != v)
    return summarise("rebuild, nothing changed", results, f"{rewritten} files rewritten")


def scenario_edit(runs: int, work: Path) -> dict:
    content = work / "edit-content"
    shutil.copytree(EXAMPLE, content)
    out = work / "edit"
    timed_build(content, out)
    results, rewritten = [], []
    for i in range(runs):
        before = mtimes(out)
        edit_one_deliverable(content, i)
        results.append(timed_build(content, out))
        rewritten.append(sorted(k for k, v in mtimes(out).items() if before.get(k) != v))
    sample = rewritten[-1]
    shown = ", ".join(sample[:8]) + (f", … ({len(sample)} files)" if len(sample) > 8 else "")
    return summarise("one deliverable edited", results, f"rewritten: {shown}")


def scenario_portfolio(runs: int, work: Path, sizes: list[int]) -> list[dict]:
    rows = []
    for n in sizes:
        folder = portfolio(work / f"portfolio-{n}", n)
        results = [timed_build(folder, work / f"portfolio-{n}-out-{i}") for i in range(runs)]
        rows.append(summarise(f"portfolio of {n} program(s), cold", results))
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| scenario | median s | min s | max s | CPU s (median) | peak RSS MB | note |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        lines.append(f"| {r['scenario']} | {r['median']:.2f} | {r['min']:.2f} | {r['max']:.2f} | "
                     f"{r['cpu']:.2f} | {r['rss']:.0f} | {r['note']} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--portfolio", default="1,2,4",
                        help="portfolio sizes (comma-separated); empty to skip")
    args = parser.parse_args()
    sizes = [int(n) for n in args.portfolio.split(",") if n.strip()]
    with tempfile.TemporaryDirectory(prefix="pmodocs-bench-") as tmp:
        work = Path(tmp)
        rows = [scenario_cold(args.runs, work), scenario_noop(args.runs, work),
                scenario_edit(args.runs, work)]
        if sizes:
            rows += scenario_portfolio(max(1, args.runs // 2), work, sizes)
    header = (f"# Benchmark results\n\nMachine: {os.cpu_count()} cores, {platform.machine()}, "
              f"Python {platform.python_version()}; {args.runs} runs per scenario, each in a fresh "
              "process (`python bench/run.py`), with Python's bytecode cache on. CPU s above "
              "wall s means both cores worked.\n\n")
    report = header + table(rows) + "\n"
    print(report)
    (ROOT / "bench" / "RESULTS.md").write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
