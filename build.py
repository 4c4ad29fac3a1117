#!/usr/bin/env python3
"""`python build.py [ARGS]` is `pmodocs build [ARGS]`; `python build.py check` runs another verb."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from pmodocs.cli import run, verb_names  # noqa: E402

if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or args[0] not in verb_names() | {"-h", "--help", "--version"}:
        args = ["build", *args]
    run(args)
