"""bench/run.py keeps working: its smallest mode runs pmodocs, the hand-rolled baseline and
`pmodocs serve` end to end and prints the ratios. Nothing is timed here (CI times nothing).

The harness is what is tested, not pmodocs' speed: it runs on a fresh `pmodocs new` program (ten
deliverables with one row each, not the example's hundreds) and `pmodocs serve` is edited once,
not three times, so the smoke test costs a fraction of a real benchmark."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from conftest import ROOT, require_tool, run_here


def small_program(folder: Path) -> Path:
    """A fresh scaffold whose first risk has a plain title (the benchmark's edit prefixes a word)."""
    assert run_here("new", str(folder), "--program", "Bench Smoke", "--acronym", "BS").returncode == 0
    risk = folder / "deliverables/risk.yaml"
    text = risk.read_text(encoding="utf-8")
    assert '\n    title: "TODO: title"' in text
    risk.write_text(text.replace('\n    title: "TODO: title"', "\n    title: Smoke test risk", 1),
                    encoding="utf-8")
    return folder


@pytest.mark.slow
def test_bench_quick_mode_runs_end_to_end_and_prints_the_ratios(tmp_path, monkeypatch, capsys):
    require_tool("make", "the baseline is a Makefile run with make -j2")
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    monkeypatch.setattr(bench, "EXAMPLE", small_program(tmp_path / "program"))
    serve = bench.scenario_serve
    monkeypatch.setattr(bench, "scenario_serve", lambda runs, work: serve(1, work))
    monkeypatch.setattr(sys, "argv", ["run.py", "--runs", "1", "--quick", "--portfolio", "",
                                      "--no-write"])
    assert bench.main() == 0
    out = capsys.readouterr().out
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
