"""Verbs only: parse arguments, call the pipeline, print the project's errors, set the exit code."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .errors import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, PmodocsError

EPILOG = """exit codes: 0 success; 1 content errors; 2 usage error; 3 a required tool (pandoc,
typst, mkdocs) is missing; 4 a template or engine failed; 5 another build holds the output
folder; 70 internal error (a bug: rerun with PMODOCS_DEBUG=1 for the traceback)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pmodocs", description="Publish a program office's M&O plans from YAML content to a "
        "site, Word and PDF.", epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"pmodocs {__version__}")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")

    def verb(name: str, help_text: str) -> argparse.ArgumentParser:
        p = verbs.add_parser(name, help=help_text, description=help_text, epilog=EPILOG)
        p.add_argument("--content", type=Path, default=Path("content"),
                       help="content folder (default: content/)")
        p.add_argument("--out", type=Path, default=Path("."),
                       help="output folder for site_src/, site/, dist/ and mkdocs.yml (default: .)")
        return p

    b = verb("build", "validate the content and publish the site, every DOCX and every PDF")
    b.add_argument("--quiet", action="store_true", help="print only errors and a one-line summary")
    verb("check", "validate the content and cross-document rules; write nothing")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    if args.verb is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return {"build": _build, "check": _check}[args.verb](args)
    except PmodocsError as exc:
        for line in exc.lines():
            print(f"pmodocs: {line}" if not line.startswith(str(args.content)) else line,
                  file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("pmodocs: interrupted; the published outputs were not changed", file=sys.stderr)
        return 130
    except Exception as exc:  # an unexpected error is a bug: say so, without a traceback
        if os.environ.get("PMODOCS_DEBUG"):
            raise
        print(f"pmodocs: internal error: {type(exc).__name__}: {exc}. This is a bug in pmodocs; "
              "rerun with PMODOCS_DEBUG=1 to see the traceback.", file=sys.stderr)
        return EXIT_INTERNAL


def _print_warnings(warnings: list) -> None:
    for w in warnings:
        print(f"{w} [warning]", file=sys.stderr)


def _check(args: argparse.Namespace) -> int:
    from .pipeline import load_and_check

    content, warnings = load_and_check(args.content)
    _print_warnings(warnings)
    print(f"content in {args.content} is valid: {len(content.deliverables)} deliverables, "
          f"{len(content.people)} people, {len(content.roles)} roles"
          + (f", {len(warnings)} warning(s)" if warnings else ""))
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from .pipeline import build

    def progress(step: str) -> None:
        if not args.quiet:
            print(f"  built {step}", file=sys.stderr)

    report = build(args.content, args.out, progress)
    _print_warnings(report.warnings)
    docs = sum(1 for f in report.files if f.startswith("dist/"))
    print(f"built {docs} documents and the site into {args.out} in {report.seconds:.1f} s")
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
