"""The command line: verbs, exit codes, and clean messages without tracebacks."""

from __future__ import annotations

import re
import shutil
import sys

from conftest import EXAMPLE, ROOT, ColdBuild, edit_yaml, python, run, tree_digest


def test_check_accepts_the_example_program_and_writes_nothing(tmp_path):
    result = run("check", "--content", str(EXAMPLE), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "is valid: 10 deliverables" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_content_errors_exit_1_with_located_messages_and_no_traceback(content_copy):
    edit_yaml(content_copy / "deliverables/risk.yaml",
              lambda d: d["risks"][0].__setitem__("owner", "nobody"))
    result = run("check", "--content", str(content_copy))
    assert result.returncode == 1
    assert "risk.yaml:" in result.stderr and "risks[0].owner: 'nobody' is not a person" in result.stderr
    assert "Traceback" not in result.stderr
    assert "1 problem found; nothing was written." in result.stderr


def test_a_usage_error_exits_2():
    assert run("build", "--no-such-flag").returncode == 2
    assert run().returncode == 2


def test_a_missing_content_folder_is_a_usage_error(tmp_path):
    result = run("check", "--content", str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_help_lists_the_verbs_and_exit_codes():
    result = run("--help")
    assert result.returncode == 0
    assert "build" in result.stdout and "check" in result.stdout and "exit codes" in result.stdout
    assert "--content" in run("build", "--help").stdout


def test_build_py_is_the_same_as_pmodocs_build(cold_example: ColdBuild, tmp_path):
    """build.py given a copy of the example's cold build (made by `pmodocs build`) with a PDF
    deleted: it builds again, and publishes exactly what `pmodocs build` published."""
    out = tmp_path / "out"
    shutil.copytree(cold_example.out, out, symlinks=True)
    (out / "dist/pdf/charter.pdf").unlink()
    result = python(str(ROOT / "build.py"), "--content", str(EXAMPLE), "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(rf"built {re.escape(str(out))}: \d+ of 10 deliverables rendered .*\n",
                        result.stdout) and result.stderr == ""
    assert (out / "dist/pdf/charter.pdf").is_file() and (out / "site/index.html").is_file()
    assert tree_digest(out) == tree_digest(cold_example.out)


def test_a_closed_pipe_ends_quietly_without_an_internal_error(monkeypatch, capsys, tmp_path):
    """`pmodocs status --json | head -1`: the reader leaves early; no traceback, no 'bug' message."""
    from pmodocs.cli import main

    class ClosedPipe:
        def __init__(self):
            self.handle = open(tmp_path / "sink", "w")

        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self):
            raise BrokenPipeError(32, "Broken pipe")

        def fileno(self):
            return self.handle.fileno()

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["status", "--json", "--content", str(EXAMPLE)]) == 0
    err = capsys.readouterr().err
    assert "internal error" not in err and "Traceback" not in err


def test_a_build_without_a_terminal_prints_plain_progress_lines_and_quiet_prints_none(
        cold_example: ColdBuild, tmp_path):
    # the run's shared cold build is `pmodocs build --content EXAMPLE --out OUT`, output captured
    assert "charter: rendered (docx, pdf)" in cold_example.stderr
    assert ("building the site (mkdocs --strict)" in cold_example.stderr
            and "publishing" in cold_example.stderr)
    assert "\x1b[" not in cold_example.stderr  # no terminal control codes in a log
    shutil.copytree(cold_example.out, tmp_path, symlinks=True, dirs_exist_ok=True)
    (tmp_path / "dist/pdf/charter.pdf").unlink()
    quiet = run("build", "--content", str(EXAMPLE), "--out", str(tmp_path), "--quiet")
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert len(quiet.stdout.strip().splitlines()) == 1


def test_build_py_reaches_every_verb_of_the_command_line():
    """`python build.py VERB` runs that verb; anything else is `pmodocs build …`."""
    from pmodocs.cli import verb_names

    assert {"build", "check", "new", "serve", "export", "approve", "status", "verify",
            "diff"} <= verb_names()
    result = python(str(ROOT / "build.py"), "status", "--json", "--content", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    assert '"id": "charter"' in result.stdout


def test_only_the_verbs_that_write_outputs_offer_an_output_folder():
    for verb in ("build", "export"):
        assert "--out" in run(verb, "--help").stdout, verb
    for verb in ("check", "status", "approve", "verify", "diff", "serve"):
        help_text = run(verb, "--help").stdout
        assert help_text.startswith("usage:") and "--out" not in help_text, verb
    assert run("check", "--content", str(EXAMPLE), "--out", "x").returncode == 2


def test_every_verb_the_parser_offers_has_a_handler_and_the_reverse():
    import re

    from pmodocs.cli import verb_names

    help_text = run("--help").stdout
    listed = help_text[help_text.index("  VERB\n"):]
    offered = set(re.findall(r"^    ([a-z]+) ", listed, flags=re.M))
    assert offered == verb_names()


def test_paths_that_do_not_exist_are_usage_errors_not_mismatches(tmp_path):
    missing = tmp_path / "missing"
    for args in (("verify", str(missing) + ".pdf"), ("verify", str(missing) + ".zip"),
                 ("verify", str(ROOT / "pyproject.toml") + ".pdf", "--trust", str(missing)),
                 ("build", "--out", str(tmp_path), "--passphrase-file", str(missing))):
        result = run(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr and result.stderr.strip(), args


def test_a_trust_file_that_does_not_exist_is_a_usage_error(tmp_path):
    pdf = tmp_path / "some.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    result = run("verify", str(pdf), "--trust", str(tmp_path / "root.pem"))
    assert result.returncode == 2 and "root.pem" in result.stderr


def test_status_never_cuts_an_id_on_an_80_column_terminal_or_a_pipe():
    from pmodocs.load import load_content
    from pmodocs.signoff import all_signoffs

    result = run("status", "--content", str(EXAMPLE), env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    words = set(result.stdout.split())
    content = load_content(EXAMPLE)
    assert set(content.deliverables) <= words  # communication, configuration, launch-agenda...
    waiting = {p for so in all_signoffs(content).values() for p in so.waiting_for}
    assert waiting and waiting <= words, waiting - words
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
