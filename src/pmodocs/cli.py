"""Verbs only: parse arguments, call the pipeline, print the project's errors, set the exit code."""

from __future__ import annotations

import argparse
import errno
import gc
import os
import sys
from pathlib import Path
from typing import Any, Callable, Protocol

from . import __version__
from .errors import (
    EXIT_INTERNAL, EXIT_OK, EXIT_SYSTEM, EXIT_USAGE, PmodocsError, UsageError, terminal_safe,
)

EPILOG = """exit codes: 0 success; 1 content errors; 2 usage error; 3 a required tool (typst,
mkdocs) is missing; 4 a template or engine failed; 5 another build holds the output
folder; 6 the signing certificate cannot be used; 7 verify found a mismatch; 8 the system
refused a file operation (disk full, no permission, read-only); 70 internal error (a bug: rerun with PMODOCS_DEBUG=1 for the traceback)."""


class Verbs(Protocol):
    """What the verb tables need of `add_subparsers()`'s result (argparse's public method)."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser: ...


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pmodocs", description="Publish a program office's plans from YAML content to a "
        "site, Word and PDF.", epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"pmodocs {__version__}")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")

    def verb(name: str, help_text: str, out: bool = False) -> argparse.ArgumentParser:
        p = verbs.add_parser(name, help=help_text, description=help_text, epilog=EPILOG)
        p.add_argument("--content", type=Path, default=Path("content"),
                       help="content folder (default: content/)")
        if out:  # only the verbs that write outputs take an output folder
            p.add_argument("--out", type=Path, default=Path("."), help="output folder for "
                           "site_src/, site/, dist/ and mkdocs.yml (default: .)")
        return p

    b = verb("build", "validate the content and publish the site, every DOCX and every PDF", out=True)
    b.add_argument("--quiet", action="store_true", help="print only errors and a one-line summary")
    b.add_argument("--sign-with", type=Path, metavar="CERT.p12", help="sign the PDF of every "
                   "approved deliverable with this PKCS#12 certificate (PAdES)")
    b.add_argument("--passphrase-file", type=Path, metavar="FILE", help="file holding the "
                   "certificate's passphrase (else PMODOCS_SIGN_PASSPHRASE)")
    verb("check", "validate the content and cross-document rules; write nothing")
    s = verb("serve", "live preview on 127.0.0.1: rebuilds when a content file changes and shows "
             "content errors in the page")
    s.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    x = verb("export", "write the registers (risks, change requests, RACI, inventory, decision "
             "makers) as an Excel workbook, one sheet each", out=True)
    x.add_argument("--format", choices=["xlsx"], default="xlsx", help="file format (xlsx)")
    x.add_argument("--output", type=Path, help="file to write (default: OUT/registers.xlsx)")
    n = verbs.add_parser("new", help="scaffold a complete content tree for a new program",
                         description="write a complete content tree for a new program into DIR: "
                         "every deliverable, every field commented, text still to write as TODO",
                         epilog=EPILOG)
    n.add_argument("dir", type=Path, metavar="DIR", help="folder to create (must be new or empty)")
    n.add_argument("--program", required=True, help="the program's name")
    n.add_argument("--acronym", help="short upper-case acronym (default: the name's initials)")
    n.add_argument("--vocabulary", choices=["state-mo", "federal-m3", "none"], default="state-mo",
                   help="the default vocabulary and labels to adopt (default: state-mo)")
    g = verbs.add_parser("migrate", help="rewrite content written for an older schema into "
                         "today's shape, keeping comments and layout", epilog=EPILOG,
                         description="rewrite content written for an older schema into today's "
                         "shape (comments and layout kept) and print what changed; running it "
                         "again changes nothing")
    g.add_argument("--content", type=Path, default=Path("content"),
                   help="content folder (default: content/)")
    g.add_argument("--dry-run", action="store_true", help="print what would change; write nothing")
    _signoff_verbs(verbs)
    _authoring_verbs(verbs)
    return parser


def _authoring_verbs(verbs: Verbs) -> None:
    """schema and import: editing content in an editor that knows the schema, or in Excel."""
    sc = verbs.add_parser("schema", help="write the JSON Schema (draft-07) of every content file, "
                          "for editors", description="write one JSON Schema (draft-07) per content "
                          "file kind, generated from the model, so an editor such as VS Code "
                          "checks and completes content as it is typed", epilog=EPILOG)
    sc.add_argument("--out", type=Path, default=Path("schemas"),
                    help="folder to write the schemas into (default: schemas/)")
    im = verbs.add_parser("import", help="read an edited register workbook (from `pmodocs export`) "
                          "back into the content", description="read an edited register workbook "
                          "back: rows added, changed and removed by id, every value checked as "
                          "content is; the YAML files are edited in place, comments kept",
                          epilog=EPILOG)
    im.add_argument("workbook", type=Path, metavar="FILE.xlsx", help="the edited workbook")
    im.add_argument("--content", type=Path, default=Path("content"),
                    help="content folder (default: content/); in a portfolio, the program's folder")
    im.add_argument("--dry-run", action="store_true", help="print the changes; write nothing")


def verb_names() -> set[str]:
    """Every verb the command line knows (build.py uses it to tell a verb from build options)."""
    return set(HANDLERS)


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
        code = HANDLERS[args.verb](args)
        sys.stdout.flush()  # a closed pipe shows up here, inside our handlers
        return code
    except PmodocsError as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("pmodocs: interrupted; the published outputs were not changed", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`pmodocs status --json | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        if exc.errno not in _REFUSED_BY_THE_SYSTEM or os.environ.get("PMODOCS_DEBUG"):
            return _internal(exc)
        where = f": {terminal_safe(str(exc.filename))}" if exc.filename else ""
        print(f"pmodocs: {exc.strerror}{where}; nothing was published half-way. Free some space "
              "or fix the permissions, then run it again.", file=sys.stderr)
        return EXIT_SYSTEM
    except Exception as exc:  # an unexpected error is a bug: say so, without a traceback
        return _internal(exc)


_REFUSED_BY_THE_SYSTEM = {errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS,
                          errno.EMFILE, errno.ENFILE}
"""Errors that are the machine's, not pmodocs' (a full disk, a read-only or forbidden folder)."""


def _internal(exc: BaseException) -> int:
    """An unexpected error is a bug: say so, without a traceback (unless PMODOCS_DEBUG)."""
    if os.environ.get("PMODOCS_DEBUG"):
        raise exc
    print(f"pmodocs: internal error: {type(exc).__name__}: {terminal_safe(str(exc))}. "
          "This is a bug in pmodocs; rerun with PMODOCS_DEBUG=1 to see the traceback.",
          file=sys.stderr)
    return EXIT_INTERNAL


def _print_warnings(warnings: list) -> None:
    for w in warnings:
        print(f"{w} [warning]", file=sys.stderr)


def _check(args: argparse.Namespace) -> int:
    from .portfolio import load_programs

    programs = load_programs(args.content)
    warnings = [w for p in programs for w in p.warnings]
    _print_warnings(warnings)
    if programs[0].id:  # a portfolio
        print(f"portfolio in {args.content} is valid: {len(programs)} programs ("
              + ", ".join(p.id for p in programs) + ")"
              + (f", {len(warnings)} warning(s)" if warnings else ""))
        return EXIT_OK
    content = programs[0].content
    print(f"content in {args.content} is valid: {len(content.deliverables)} deliverables, "
          f"{len(content.people)} people, {len(content.roles)} roles"
          + (f", {len(warnings)} warning(s)" if warnings else ""))
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from .serve import serve

    if not args.content.is_dir():
        from .errors import UsageError

        raise UsageError(f"content folder {args.content} does not exist (pass --content DIR)")
    serve(args.content, args.port)
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from .pipeline import export_registers

    for target in export_registers(args.content, args.out, args.output):
        print(f"wrote {target}")
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from .contentedit import write_schemas

    written = write_schemas(args.out)
    print(f"wrote {len(written)} JSON Schemas (draft-07) into {args.out}")
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from .authoring.workbook import import_workbook
    from .contentedit import write_changed

    result = import_workbook(args.workbook, args.content)
    for line in result.lines:
        print(line)
    if not result.lines:
        print(f"{args.workbook}: no changes; the content was left as it was")
    elif args.dry_run:
        print(f"dry run: {len(result.lines)} change(s) in {', '.join(sorted(result.files))}; "
              "nothing was written")
    else:
        write_changed(args.content, result.files)
        print(f"wrote {', '.join(str(args.content / f) for f in sorted(result.files))}")
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from .scaffold import scaffold
    from .dates import today

    written = scaffold(args.dir, args.program, args.acronym, today(), args.vocabulary)
    print(f"wrote {len(written)} content files into {args.dir}; fill in the TODO texts "
          f"(`pmodocs check --content {args.dir}` lists them), then `pmodocs build --content {args.dir}`")
    return EXIT_OK


def _migrate(args: argparse.Namespace) -> int:
    from .migrate import migrate, report

    changes, written = migrate(args.content, write=not args.dry_run)
    print(report(changes, written, args.content, args.dry_run))
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from .pipeline import build
    from .progress import BuildProgress

    progress = BuildProgress(args.quiet)
    try:
        report = build(args.content, args.out, progress, options=_build_options(args))
    finally:
        progress.close()
    if report.warnings:
        print(f"{len(report.warnings)} warning(s); `pmodocs check --content {args.content}` "
              "lists them with their lines", file=sys.stderr)
    print(build_summary(report, args.out))
    return EXIT_OK


def build_summary(report, out: Path) -> str:  # type: ignore[no-untyped-def]
    """The one line every build ends with: what was built, what was reused, how long it took."""
    if report.unchanged:
        return (f"nothing changed since the last build; {out} left as it was "
                f"({report.seconds:.2f} s)")
    total = len(report.rendered) + len(report.reused)
    summary = (f"built {out}: {len(report.rendered)} of {total} deliverables rendered "
               f"({len(report.reused)} reused from the cache) as DOCX and PDF, and the site; "
               f"{report.kept} unchanged files kept; {report.seconds:.1f} s")
    if report.cache_unwritable:
        from .cache import CACHE_DIR

        summary += (f"; the build cache could not be written ({report.cache_unwritable}): "
                    "later builds may render again what this one rendered (delete "
                    f"{out / CACHE_DIR} to start the cache afresh)")
    return summary


def _signoff_verbs(verbs: Verbs) -> None:
    """approve, status and verify: recording decisions and checking what they bind."""
    def verb(name: str, help_text: str) -> argparse.ArgumentParser:
        p = verbs.add_parser(name, help=help_text, description=help_text, epilog=EPILOG)
        p.add_argument("--content", type=Path, default=Path("content"),
                       help="content folder (default: content/)")
        return p

    a = verb("approve", "record a required approver's decision on a deliverable's current content "
             "in approvals.yaml")
    a.add_argument("deliverable", metavar="DELIVERABLE", help="deliverable id, e.g. charter "
                   "(in a portfolio PROGRAM/DELIVERABLE, e.g. alpha/charter)")
    a.add_argument("--by", metavar="PERSON", help="person id from people.yaml")
    a.add_argument("--signed", type=Path, metavar="FILE.pdf", help="instead of --by: record the "
                   "approvals proven by the approvers' signatures in this PDF (checked first)")
    a.add_argument("--trust", type=Path, action="append", default=[], metavar="ROOT.pem",
                   help="a root certificate approvers' certificates may chain to (besides "
                   "program.signoff.trust); may be repeated")
    a.add_argument("--decision", choices=["approved", "rejected"], default="approved")
    a.add_argument("--date", metavar="YYYY-MM-DD", help="date of the decision (default: "
                   "SOURCE_DATE_EPOCH's date if set, else today)")
    a.add_argument("--comment", metavar="TEXT", help="the approver's comment (say why when "
                   "rejecting)")
    s = verb("status", "show every deliverable's approval state and who still has to sign")
    s.add_argument("--json", action="store_true", help="print JSON for scripts")
    v = verb("verify", "check a packet (folder or zip), a signed PDF or a deliverable's approvals")
    v.add_argument("path", metavar="PATH", help="packet folder or .zip, .pdf file, or deliverable "
                   "id (in a portfolio PROGRAM/DELIVERABLE)")
    v.add_argument("--trust", type=Path, action="append", default=[], metavar="CERT",
                   help="PEM or DER certificate a PDF's signatures must chain to (may be repeated)")
    d = verb("diff", "print what changed in a deliverable since it was approved (+ added, "
             "- removed, ~ changed)")
    d.add_argument("deliverable", metavar="DELIVERABLE", help="deliverable id, e.g. communication "
                   "(in a portfolio PROGRAM/DELIVERABLE)")
    d.add_argument("--from", dest="from_fp", metavar="FINGERPRINT", help="compare with this kept "
                   "snapshot (at least 6 characters; default: the last approval that no longer "
                   "counts)")


def _build_options(args: argparse.Namespace):
    """BuildOptions from --sign-with and the passphrase (file or environment, never an argument)."""
    from .pipeline import BuildOptions

    if args.sign_with is None:
        if args.passphrase_file:
            raise UsageError("--passphrase-file goes with --sign-with CERT.p12 (it is the "
                             "certificate's passphrase)")
        return BuildOptions()
    from .signing import load_signer

    passphrase = None
    if args.passphrase_file:
        try:
            passphrase = args.passphrase_file.read_bytes().rstrip(b"\r\n")
        except OSError as exc:
            raise UsageError(f"--passphrase-file {args.passphrase_file}: {exc.strerror}") from None
    elif os.environ.get("PMODOCS_SIGN_PASSPHRASE"):
        passphrase = os.environ["PMODOCS_SIGN_PASSPHRASE"].encode("utf-8")
    load_signer(args.sign_with, passphrase)  # a bad certificate fails before the long build
    return BuildOptions(sign_with=args.sign_with, passphrase=passphrase)


def program_folder(content: Path, deliverable: str) -> tuple[Path, str]:
    """(program folder, deliverable id) of a deliverable named on the command line.

    In a portfolio a deliverable is named with its program, `alpha/charter`, as the site and
    dist/ name it; in a lone program folder, by its id alone.
    """
    from .portfolio import is_portfolio, program_ids

    if not is_portfolio(content):
        return content, deliverable
    programs = program_ids(content)
    program, _, kind = deliverable.partition("/")
    if not kind or program not in programs:
        raise UsageError(f"{content} is a portfolio: name the deliverable with its program, as "
                         f"PROGRAM/DELIVERABLE (e.g. {programs[0]}/charter; programs: "
                         f"{', '.join(programs)})")
    return content / program, kind


def _approve(args: argparse.Namespace) -> int:
    from .contentedit import approval_date, record_approval

    folder, kind = program_folder(args.content, args.deliverable)
    if (args.by is None) == (args.signed is None):
        raise UsageError("approve needs either --by PERSON (record a decision) or --signed "
                         "FILE.pdf (collect the approvers' signatures), not both")
    if args.signed is not None:
        from .contentedit import collect

        for record in collect(folder, kind, args.signed, args.trust):
            assert record.signature is not None, "a collected decision names its signature"
            print(f"recorded: {record.approver} approved {args.deliverable} on "
                  f"{record.date.isoformat()} for content {record.fingerprint[:12]}, signed by "
                  f"{record.signature.subject} ({folder / 'approvals.yaml'}; signed file kept as "
                  f"{folder / record.signature.file})")
        return EXIT_OK
    record = record_approval(folder, kind, args.by, args.decision, approval_date(args.date),
                             args.comment)
    print(f"recorded: {record.approver} {record.decision} {args.deliverable} on "
          f"{record.date.isoformat()} for content {record.fingerprint[:12]} "
          f"({folder / 'approvals.yaml'})")
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    import json

    from .portfolio import load_programs
    from .signoff import all_signoffs, status_rows

    programs = load_programs(args.content)
    portfolio = bool(programs[0].id)
    if args.json:  # in a portfolio every row starts with its program's id
        rows = [({"program": p.id} if portfolio else {}) | row
                for p in programs for row in status_rows(p.content)]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    def cell(value: str) -> str:  # content is text, never rich markup ([link=...], [/bold])
        return escape(terminal_safe(value))

    title = "Portfolio" if portfolio else programs[0].content.program.acronym
    signoffs = {p.id: all_signoffs(p.content) for p in programs}
    listed = [(p, row) for p in programs for row in status_rows(p.content, signoffs[p.id])]
    table = Table(title=cell(f"{title} deliverables: approval state"), box=box.SIMPLE_HEAD,
                  pad_edge=False)
    # ids are what approve and diff take: never cut, however narrow the terminal; text folds
    if portfolio:
        table.add_column("Program", no_wrap=True, min_width=max(len(p.id) for p in programs))
    table.add_column("Deliverable", no_wrap=True, min_width=max(len(r["id"]) for _, r in listed))
    table.add_column("Title", overflow="fold",
                     min_width=min(8, max(len(w) for _, r in listed for w in r["title"].split())))
    table.add_column("State", min_width=max(len(w) for _, r in listed for w in r["state"].split()))
    table.add_column("TODO")
    table.add_column("Fingerprint", no_wrap=True, min_width=12)
    waiting = {(p.id, row["id"]): signoffs[p.id][row["id"]].waiting_for for p, row in listed}
    table.add_column("Still to sign", no_wrap=True,
                     min_width=max((len(w) for ids in waiting.values() for w in ids), default=1))
    for p, row in listed:  # person ids, one a line: what `approve --by` takes
        table.add_row(*(cell(v) for v in ((p.id,) if portfolio else ()) + (
            row["id"], row["title"], row["state"], str(row["todo"]), row["fingerprint"][:12])),
            "\n".join(cell(w) for w in waiting[p.id, row["id"]]) or "—")
    Console(highlight=False).print(table)
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from .outputs import redline_since
    from .render.redline_text import redline_lines

    folder, kind = program_folder(args.content, args.deliverable)
    red, so = redline_since(folder, kind, args.from_fp)
    if red is None:
        print(f"{args.deliverable}: no approval of other content to compare with; state: "
              f"{so.state}")
        return EXIT_OK
    lines = redline_lines(red)
    while lines and not "".join(text for text, _ in lines[-1]):
        lines.pop()  # the text's trailing blank lines: the console ends the last line
    from rich.console import Console
    from rich.text import Text

    colour = {"del": "red", "ins": "green", "": ""}
    styled = Text("\n").join(Text.assemble(*((text, colour[mark]) for text, mark in line))
                             for line in lines)
    Console(soft_wrap=True, highlight=False).print(styled)
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    from .errors import VerifyFailed

    path = Path(args.path)
    if path.is_dir() or path.suffix.lower() == ".zip":
        from .packets import verify_packet

        if not path.exists():
            raise UsageError(f"{path}: no such packet folder or .zip (give the path of a packet "
                             "from dist/packets/)")
        problems = verify_packet(path)
        if problems:
            raise VerifyFailed(problems)
        print(f"{path}: every file matches SHA256SUMS and manifest.json")
    elif path.suffix.lower() == ".pdf":
        from .signing import verify_pdf

        if not path.is_file():
            raise UsageError(f"{path}: no such PDF file")
        for trust in args.trust:
            if not trust.is_file():
                raise UsageError(f"--trust {trust}: no such certificate file (expected a PEM or "
                                 "DER certificate)")
        from .portfolio import lone_program_or_none
        from .signatures import verify_approver_pdf

        lines = verify_approver_pdf(path, args.trust, lone_program_or_none(args.content))
        if lines is not None:
            print("\n".join(lines))
            return EXIT_OK
        for r in verify_pdf(path, args.trust[0] if args.trust else None):
            trust = "trusted" if r.trusted else "not checked against a trust root (--trust CERT)"
            print(f"{path}: signature by {r.signer} at {r.signed_at} is intact and covers the "
                  f"whole file; certificate {trust}")
    else:
        from .outputs import load_and_check
        from .signoff import signoff, stale_approvals

        folder, kind = program_folder(args.content, args.path)
        content, _ = load_and_check(folder)
        if kind not in content.deliverables:
            raise UsageError(f"{args.path} is not a packet folder, .zip, .pdf or deliverable id "
                             f"(deliverables: {', '.join(content.deliverables)})")
        problems = stale_approvals(content, kind)
        from .signatures import verify_evidence

        problems += verify_evidence(content, kind, args.trust)
        if problems:
            raise VerifyFailed(problems)
        so = signoff(content, kind)
        print(f"{args.path}: every recorded decision is for the current content "
              f"{so.fingerprint[:12]}; state: {so.state}")
    return EXIT_OK


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "build": _build, "check": _check, "new": _new, "export": _export, "approve": _approve,
    "status": _status, "verify": _verify, "serve": _serve, "diff": _diff, "schema": _schema,
    "import": _import, "migrate": _migrate,
}
"""Each verb's handler; the parser's verbs and these are the same set (a test says so)."""


def run(argv: list[str] | None = None) -> None:
    """The `pmodocs` command: `main` in a process of its own, started and ended for speed.

    Python's cyclic garbage collector is off for the life of the process: a command allocates a
    great deal (model classes, document trees, XML) and keeps nearly all of it until it exits,
    so the collector would only re-scan live objects (12 % of an edited rebuild, measured);
    reference counting still frees everything that is not a cycle (peak memory of the example's
    cold build: 246 MB instead of 234 MB). And the process ends with `os._exit` once its output
    is flushed, skipping the interpreter's teardown of that heap (up to 0.1 s): every file a
    command writes is closed and every worker joined before `main` returns.
    `pmodocs serve` runs for hours, so it keeps the collector and the ordinary exit; `main`
    itself changes neither, for callers in a longer-lived process.
    """
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["serve"]:
        raise SystemExit(main(args))
    gc.disable()
    code = main(args)
    from .files import exit_now

    exit_now(code)


if __name__ == "__main__":
    run()
