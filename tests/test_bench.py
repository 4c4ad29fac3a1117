"""bench/run.py keeps working: its smallest mode runs pmodocs, the hand-rolled baseline and
`pmodocs serve` end to end and prints the ratios. Nothing is timed here (CI times nothing)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require_tool

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_bench_quick_mode_runs_end_to_end_and_prints_the_ratios():
    require_tool("make", "the baseline is a Makefile run with make -j2")
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--runs", "1",
                             "--quick", "--portfolio", "", "--no-write"], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    number = r"\d+\.\d\d"
    for name in ("cold", "edit"):
        assert re.search(rf"ratio {name}: pmodocs/baseline = {number} s / {number} s = {number}", out), out
    assert re.search(rf"serve first page: {number} s", out), out
    assert re.search(rf"serve edit -> page: {number} s", out), out
    assert re.search(rf"serve edit -> DOCX and PDF: {number} s", out), out
    # the baseline really redid the edited deliverable's documents, and pmodocs rewrote its DOCX
    redone = next(line for line in out.splitlines() if "site + one document redone" in line)
    assert "docx/risk.docx" in redone and "pdf/risk.pdf" in redone
    assert "dist/docx/risk.docx" in out
    assert "0 files rewritten" in out  # the no-op rebuild
