#!/usr/bin/env python3
"""Benchmark of pmodocs against the hand-rolled pipeline, side by side. Not a test: CI times nothing.

The baseline is what a user would otherwise write: from the `site_src/` and `mkdocs.yml` that a
pmodocs build generates, a Makefile run with `make -j2` that builds the site with `mkdocs build`
and, for each deliverable page, converts it with pandoc (pypandoc's bundled binary) to DOCX and
to typst, and compiles the typst to PDF with the `typst` package (the site's download files are
copied from the pmodocs build, as the user's Makefile would copy its own). Every scenario alternates
pmodocs and the baseline run by run, so both see the same machine load, and reports the ratio
pmodocs / baseline of the medians. Each run is a fresh process; wall time, CPU time (user+sys of
the process and its children) and peak RSS are recorded. `pmodocs serve` is timed from outside,
over HTTP: first page after start, and from saving a content file to the preview page showing
the change and to the edited deliverable's DOCX and PDF being served anew.

    python bench/run.py [--runs 5] [--portfolio 1,2,4,8] [--quick] [--no-write]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "content"
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
       "SOURCE_DATE_EPOCH": "1793577600", "PYTHONPATH": str(ROOT / "src")}
"""Bytecode caching stays on, as on any machine after pmodocs' first run (a sandbox that sets
PYTHONDONTWRITEBYTECODE would otherwise recompile pmodocs' own modules on every build)."""

Run = tuple[float, float, float]  # wall s, CPU s, peak RSS MB


def timed(argv: list[str], cwd: Path | None = None) -> Run:
    """(wall seconds, CPU seconds of the process and its children, peak RSS MB) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=ENV, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv[:4])} failed:\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def timed_build(content: Path, out: Path) -> Run:
    """One `pmodocs build` in a fresh process."""
    return timed([sys.executable, "-m", "pmodocs.cli", "build", "--content", str(content),
                  "--out", str(out), "--quiet"])


def mtimes(root: Path) -> dict[str, int]:
    """Modification times of the published files (the lock and the build cache are not outputs)."""
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)}


def edit_one_deliverable(content: Path, tag: str) -> str:
    """Change one risk's title: a real edit of one deliverable (risk.yaml). Returns the new
    title's first word."""
    path = content / "deliverables" / "risk.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "\n    title: "  # the first risk's title (a plain scalar: a word in front keeps it one)
    i = text.index(marker) + len(marker)
    word = f"Edited{tag}"
    path.write_text(text[:i] + word + " " + text[i:], encoding="utf-8")
    return word


# The hand-rolled baseline ---------------------------------------------------------------------

TYPST_COMPILE = """import sys, typst
typst.compile(sys.argv[1], output=sys.argv[2])
"""


def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def deliverable_pages(site_src: Path) -> dict[str, str]:
    """kind -> its page under site_src/ (every deliverable has a PDF download next to its page)."""
    pages = {}
    for pdf in sorted((site_src / "downloads").glob("*.pdf")):
        found = sorted(site_src.glob(f"*/{pdf.stem}.md"))
        if found:
            pages[pdf.stem] = str(found[0].relative_to(site_src.parent))
    return pages


def makefile(site_src: Path, pandoc: str) -> str:
    """The Makefile a user would write: the site from every source file, and per deliverable page
    pandoc -> DOCX, pandoc -> typst -> PDF."""
    sources = sorted(str(p.relative_to(site_src.parent)) for p in site_src.rglob("*") if p.is_file())
    pages = deliverable_pages(site_src)
    docs = [f"out/docx/{k}.docx" for k in pages] + [f"out/pdf/{k}.pdf" for k in pages]
    lines = [f"PY := {sys.executable}", f"PANDOC := {pandoc}", "",
             f"all: site.stamp {' '.join(docs)}", "",
             f"site.stamp: mkdocs.yml {' '.join(sources)}",
             "\t$(PY) -m mkdocs build -q -f mkdocs.yml -d site", "\ttouch site.stamp", ""]
    for kind, page in pages.items():
        lines += [f"out/docx/{kind}.docx: {page}", "\t@mkdir -p out/docx",
                  "\t$(PANDOC) -f markdown -t docx -o $@ $<", "",
                  f"out/typ/{kind}.typ: {page}", "\t@mkdir -p out/typ",
                  "\t$(PANDOC) -f markdown -t typst -s -o $@ $<", "",
                  f"out/pdf/{kind}.pdf: out/typ/{kind}.typ", "\t@mkdir -p out/pdf",
                  "\t$(PY) typst_compile.py $< $@", ""]
    return "\n".join(lines)


def sync_sources(pmodocs_out: Path, project: Path) -> list[str]:
    """Copy mkdocs.yml and site_src/ from a pmodocs build into the baseline project, touching only
    files whose bytes changed (so make redoes only what an edit reaches). Returns what changed."""
    changed = []
    wanted = {"mkdocs.yml": pmodocs_out / "mkdocs.yml"}
    wanted.update({str(p.relative_to(pmodocs_out)): p
                   for p in (pmodocs_out / "site_src").rglob("*") if p.is_file()})
    for rel, source in wanted.items():
        target = project / rel
        data = source.read_bytes()
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            changed.append(rel)
    return changed


def baseline_project(pmodocs_out: Path, project: Path, pandoc: str) -> Path:
    """A fresh baseline project from a pmodocs build's generated sources."""
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    sync_sources(pmodocs_out, project)
    (project / "typst_compile.py").write_text(TYPST_COMPILE, encoding="utf-8")
    (project / "Makefile").write_text(makefile(project / "site_src", pandoc), encoding="utf-8")
    return project


def timed_make(project: Path) -> Run:
    return timed(["make", "-s", "-j2", "-C", str(project)])


def check_baseline(project: Path, kinds: int) -> None:
    """The baseline really made what it claims: a site, and a DOCX and a PDF per deliverable."""
    docx = list((project / "out/docx").glob("*.docx"))
    pdfs = list((project / "out/pdf").glob("*.pdf"))
    if not (project / "site/index.html").is_file() or len(docx) != kinds or len(pdfs) != kinds:
        raise SystemExit(f"the baseline did not build everything in {project}")
    if not all(p.read_bytes().startswith(b"%PDF") for p in pdfs):
        raise SystemExit("the baseline made a file that is not a PDF")


# Scenarios ------------------------------------------------------------------------------------

def summarise(name: str, runs: list[Run], note: str = "") -> dict:
    walls = [r[0] for r in runs]
    cpu = statistics.median(r[1] for r in runs)
    return {"scenario": name, "median": statistics.median(walls), "min": min(walls),
            "max": max(walls), "cpu": cpu, "ratio_cpu": cpu / statistics.median(walls),
            "rss": max(r[2] for r in runs), "note": note}


def scenario_cold(runs: int, work: Path, pandoc: str) -> tuple[dict, dict]:
    """pmodocs from scratch, then the baseline from scratch, alternately."""
    ours, theirs = [], []
    kinds = 0
    for i in range(runs):
        out = work / f"cold-{i}"
        ours.append(timed_build(EXAMPLE, out))
        project = baseline_project(out, work / f"baseline-cold-{i}", pandoc)
        kinds = len(deliverable_pages(project / "site_src"))
        theirs.append(timed_make(project))
        check_baseline(project, kinds)
    return (summarise("pmodocs: cold build", ours, "site, DOCX, PDF, packets, redlines, workbook"),
            summarise("baseline: cold `make -j2`", theirs,
                      f"mkdocs build + {kinds} × (pandoc → DOCX, pandoc → typst → PDF)"))


def scenario_noop(runs: int, work: Path) -> dict:
    out = work / "noop"
    timed_build(EXAMPLE, out)
    before = mtimes(out)
    results = [timed_build(EXAMPLE, out) for _ in range(runs)]
    rewritten = sum(1 for k, v in mtimes(out).items() if before.get(k) != v)
    return summarise("pmodocs: rebuild, nothing changed", results, f"{rewritten} files rewritten")


def scenario_edit(runs: int, work: Path, pandoc: str) -> tuple[dict, dict]:
    """One risk's title edited: pmodocs rebuilds; the baseline redoes the site and the document."""
    content = work / "edit-content"
    shutil.copytree(EXAMPLE, content)
    out = work / "edit"
    timed_build(content, out)
    project = baseline_project(out, work / "baseline-edit", pandoc)
    timed_make(project)
    ours, theirs, rewritten, redone = [], [], [], []
    for i in range(runs):
        before = mtimes(out)
        edit_one_deliverable(content, str(i))
        ours.append(timed_build(content, out))
        rewritten.append(sorted(k for k, v in mtimes(out).items() if before.get(k) != v))
        changed = sync_sources(out, project)  # what the user's edit changed in the Markdown
        made_before = mtimes(project / "out")
        theirs.append(timed_make(project))
        redone.append(sorted(k for k, v in mtimes(project / "out").items() if made_before.get(k) != v)
                      + [f"(sources changed: {', '.join(changed)})"])
    sample = rewritten[-1]
    shown = ", ".join(sample[:6]) + (f", … ({len(sample)} files)" if len(sample) > 6 else "")
    return (summarise("pmodocs: one deliverable edited", ours, f"rewritten: {shown}"),
            summarise("baseline: site + one document redone", theirs,
                      "redone: site, " + ", ".join(redone[-1])))


def portfolio(folder: Path, copies: int) -> Path:
    """A portfolio of `copies` programs: the example under a different name each time, so no
    program's documents can be reused from another's in the build cache. Every YAML file also
    gets a comment naming its program, so that no two programs share a file's text, as in a
    real portfolio (a process validates a text once: load._read_model)."""
    for i in range(copies):
        target = folder / f"program-{i + 1}"
        shutil.copytree(EXAMPLE, target)
        program = target / "program.yaml"
        text = program.read_text(encoding="utf-8")
        program.write_text(text.replace("  name: ", f"  name: Program {i + 1} ", 1), encoding="utf-8")
        for path in sorted(target.rglob("*.yaml")):
            with path.open("a", encoding="utf-8") as handle:
                handle.write(f"# program {i + 1}\n")
    return folder


def scenario_portfolio(runs: int, work: Path, sizes: list[int]) -> list[dict]:
    rows = []
    for n in sizes:
        folder = portfolio(work / f"portfolio-{n}", n)
        results = [timed_build(folder, work / f"portfolio-{n}-out-{i}") for i in range(runs)]
        rows.append(summarise(f"pmodocs: portfolio of {n} program(s), cold", results))
    return rows


# pmodocs serve --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read()
    except OSError:
        return b""


def poll(test, seconds: float = 120.0) -> float:
    """Seconds until test() holds (polled every 10 ms)."""
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        if test():
            return time.perf_counter() - start
        time.sleep(0.01)
    raise SystemExit("pmodocs serve did not show the change in time")


def docx_has(data: bytes, text: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return text in z.read("word/document.xml").decode("utf-8")
    except (zipfile.BadZipFile, KeyError):
        return False


def scenario_serve(runs: int, work: Path) -> dict:
    """Start `pmodocs serve`, time the first page, then `runs` edits of one risk's title."""
    content = work / "serve-content"
    shutil.copytree(EXAMPLE, content)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    lines: list[tuple[float, str]] = []
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "pmodocs.cli", "serve", "--content", str(content),
                             "--port", str(port)], env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)

    def read() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            lines.append((time.perf_counter() - start, line.rstrip()))
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        first = poll(lambda: b"Deliverables" in fetch(f"{base}/index.html"))
        poll(lambda: any(line.startswith("ready") for _, line in lines))
        ready = next(t for t, line in lines if line.startswith("ready"))
        pages, docxs, pdfs = [], [], []
        complete = lambda since: any(line.startswith("preview complete") for _, line in lines[since:])
        poll(lambda: complete(0))  # the first build's downloads and full site are in place
        for i in range(runs):
            settled = len(lines)
            old_pdf = fetch(f"{base}/downloads/risk.pdf")
            word = edit_one_deliverable(content, f"Serve{i}")
            pages.append(poll(lambda: word.encode() in fetch(f"{base}/plans/risk.html")))
            docxs.append(poll(lambda: docx_has(fetch(f"{base}/downloads/risk.docx"), word))
                         + pages[-1])
            pdfs.append(poll(lambda: (lambda b: b.startswith(b"%PDF") and b != old_pdf)(
                fetch(f"{base}/downloads/risk.pdf"))) + docxs[-1])
            poll(lambda: complete(settled))  # edit again once the preview is complete
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if os.environ.get("BENCH_SERVE_LOG"):
        print("\n".join(f"{t:7.2f} {line}" for t, line in lines))
    starting = next((t for t, line in lines if "starting" in line), None)
    return {"first_page": first, "ready": ready, "starting_message": starting,
            "page": statistics.median(pages), "docx": statistics.median(docxs),
            "pdf": statistics.median(pdfs), "pages": pages, "pdfs": pdfs,
            "documents": statistics.median(max(d, p) for d, p in zip(docxs, pdfs)), "runs": runs}


# Report ---------------------------------------------------------------------------------------

def table(rows: list[dict]) -> str:
    lines = ["| scenario | median s | min s | max s | CPU s (median) | CPU/wall | peak RSS MB | note |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        lines.append(f"| {r['scenario']} | {r['median']:.2f} | {r['min']:.2f} | {r['max']:.2f} | "
                     f"{r['cpu']:.2f} | {r['ratio_cpu']:.2f} | {r['rss']:.0f} | {r['note']} |")
    return "\n".join(lines)


def ratio_lines(cold: tuple[dict, dict], edit: tuple[dict, dict]) -> list[str]:
    out = []
    for name, (ours, theirs), target in (("cold", cold, 0.5), ("edit", edit, 0.25)):
        ratio = ours["median"] / theirs["median"]
        out.append(f"ratio {name}: pmodocs/baseline = {ours['median']:.2f} s / {theirs['median']:.2f} s"
                   f" = {ratio:.2f} (target <= {target}: {'met' if ratio <= target else 'NOT met'})")
    return out


def serve_lines(s: dict) -> list[str]:
    def verdict(value: float, target: float) -> str:
        return f"{value:.2f} s (target <= {target} s: {'met' if value <= target else 'NOT met'})"
    starting = (f"{s['starting_message']:.2f} s" if s["starting_message"] is not None
                else "no message")
    return [f"serve first page: {verdict(s['first_page'], 3.0)}; 'starting' message at {starting}; "
            f"'ready' at {s['ready']:.2f} s",
            f"serve edit -> page: {verdict(s['page'], 0.3)} (median of {s['runs']}; all: "
            + ", ".join(f"{x:.2f}" for x in s["pages"]) + ")",
            f"serve edit -> DOCX and PDF: {verdict(s['documents'], 1.0)} (DOCX {s['docx']:.2f} s, "
            f"PDF {s['pdf']:.2f} s)"]


def load_note() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "load average unknown"
    note = f"load average {one:.1f} (1 min), {five:.1f} (5 min) when the run ended"
    if max(one, five) > (os.cpu_count() or 1):
        note += (". **The machine was shared and noisy** (more runnable processes than cores: "
                 "other people's tests ran on the same cores), so absolute seconds vary from run to "
                 "run; pmodocs and the baseline ran alternately under the same load, which is why "
                 "the ratios side by side are the figures to read")
    return note


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--portfolio", default="1,2,4,8",
                        help="portfolio sizes (comma-separated); empty to skip")
    parser.add_argument("--quick", action="store_true",
                        help="smallest run that exercises everything: no portfolio beyond 1 program")
    parser.add_argument("--no-serve", action="store_true", help="skip the serve latencies")
    parser.add_argument("--serve-only", action="store_true", help="only the serve latencies")
    parser.add_argument("--no-write", action="store_true", help="print only; keep bench/RESULTS.md")
    args = parser.parse_args()
    sizes = [int(n) for n in args.portfolio.split(",") if n.strip()]
    if args.quick:
        sizes = sizes[:1]
    pandoc = pandoc_path()
    if args.serve_only:
        with tempfile.TemporaryDirectory(prefix="pmodocs-bench-") as tmp:
            print("\n".join(serve_lines(scenario_serve(max(3, args.runs), Path(tmp)))))
        return 0
    with tempfile.TemporaryDirectory(prefix="pmodocs-bench-") as tmp:
        work = Path(tmp)
        cold = scenario_cold(args.runs, work, pandoc)
        print(table(list(cold)), flush=True)
        edit = scenario_edit(args.runs, work, pandoc)
        rows = [*cold, *edit, scenario_noop(args.runs, work)]
        if sizes:
            rows += scenario_portfolio(max(1, args.runs // 2) if not args.quick else 1, work, sizes)
        serve = None if args.no_serve else scenario_serve(max(3, args.runs), work)
    ratios = ratio_lines(cold, edit)
    header = (f"# Benchmark results\n\nMachine: {os.cpu_count()} cores, {platform.machine()}, "
              f"Python {platform.python_version()}; {args.runs} runs per scenario, pmodocs and the "
              f"baseline alternating run by run, each in a fresh process (`python bench/run.py`), "
              f"with Python's bytecode cache on; {load_note()}. CPU/wall above 1 means both cores "
              "worked.\n\n")
    report = header + "\n".join(f"- {line}" for line in ratios + (serve_lines(serve) if serve else []))
    report += "\n\n" + table(rows) + "\n"
    print(report)
    if not args.no_write:
        results = ROOT / "bench" / "RESULTS.md"
        text = results.read_text(encoding="utf-8") if results.is_file() else ""
        marker = "\n## Where the time goes"  # the profile notes below the figures are kept
        kept = text[text.index(marker):] if marker in text else ""
        results.write_text(report + kept, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
