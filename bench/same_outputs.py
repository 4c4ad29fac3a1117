"""Build both example programs at a git revision and from the working tree; compare every byte.

A refactor must leave what the build publishes unchanged. This builds `content/`,
`examples/federal/` and a portfolio of the two twice, once from a clean checkout of REV (default: HEAD) and once from the
working tree, each with the same SOURCE_DATE_EPOCH, and lists every published file that is
missing, extra or different. The build cache (`.pmodocs-cache/`) and the lock file are not
outputs and are left out. Exit status 0 when every output is byte-identical, 1 when not.

    .venv/bin/python bench/same_outputs.py [--ref REV] [--keep DIR]
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ("content", "examples/federal", "portfolio")
PORTFOLIO = {"alpha": "content", "beta": "examples/federal"}
"""The portfolio case: a folder holding both examples as its programs."""
NOT_OUTPUTS = (".pmodocs-cache", ".pmodocs.lock")
EPOCH = "1767225600"  # 2026-01-01, any fixed value will do


def build(tree: Path, content: str, out: Path) -> None:
    """Run `build.py build` of the checkout at `tree` on one example, into `out`."""
    env = dict(os.environ, PYTHONPATH=str(tree / "src"), SOURCE_DATE_EPOCH=EPOCH)
    env.pop("PMODOCS_DEBUG", None)
    folder = tree / content
    if content == "portfolio":  # the tree's own examples, as the programs of one portfolio
        folder = out.parent / f"{out.name}-content"
        for program, example in PORTFOLIO.items():
            shutil.copytree(tree / example, folder / program)
    cmd = [sys.executable, str(tree / "build.py"), "build", "--quiet",
           "--content", str(folder), "--out", str(out)]
    done = subprocess.run(cmd, env=env, cwd=tree, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"build of {content} at {tree} failed ({done.returncode}):\n"
                 f"{done.stdout}{done.stderr}")


def digests(out: Path) -> dict[str, str]:
    """Map each published file (relative path) to its SHA-256."""
    found = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if path.is_file() and rel.parts[0] not in NOT_OUTPUTS:
            found[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def compare(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """One line for each file missing, extra or different."""
    lines = [f"missing  {p}" for p in sorted(before.keys() - after.keys())]
    lines += [f"extra    {p}" for p in sorted(after.keys() - before.keys())]
    lines += [f"differs  {p}" for p in sorted(before.keys() & after.keys())
              if before[p] != after[p]]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="HEAD", help="git revision to compare with (HEAD)")
    parser.add_argument("--keep", type=Path, help="keep both builds under this folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pmodocs-same-")) if args.keep is None else args.keep
    ref_tree = work / "ref-checkout"
    subprocess.run(["git", "worktree", "add", "--detach", "--force", str(ref_tree), args.ref],
                   cwd=ROOT, check=True, capture_output=True)
    failed = False
    try:
        for content in EXAMPLES:
            name = content.replace("/", "-")
            build(ref_tree, content, work / "before" / name)
            build(ROOT, content, work / "after" / name)
            before = digests(work / "before" / name)
            after = digests(work / "after" / name)
            diff = compare(before, after)
            print(f"{content}: {len(before)} files at {args.ref}, {len(after)} now, "
                  f"{len(diff)} not byte-identical")
            for line in diff:
                print("  " + line)
            failed = failed or bool(diff)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(ref_tree)],
                       cwd=ROOT, capture_output=True)
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
