"""Sign-off: fingerprints bound to content, approval states, approve, status, packets, verify."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

# the verbs run through pmodocs.cli.main in this process (test_cli.py runs the command line)
from conftest import EXAMPLE, edit_yaml, run_here as run
from pmodocs.load import load_content
from pmodocs.contentedit import record_approval
from pmodocs.signoff import fingerprint, signoff


def fp(content_dir: Path, kind: str) -> str:
    return fingerprint(load_content(content_dir), kind)


def approve(content_dir: Path, kind: str, person: str, decision: str = "approved",
            day: date = date(2026, 11, 2), comment: str | None = None) -> None:
    record_approval(content_dir, kind, person, decision, day, comment)


# --- fingerprints -------------------------------------------------------------------------------

def test_fingerprint_ignores_key_order(content_copy):
    before = fp(content_copy, "risk")
    path = content_copy / "deliverables/risk.yaml"

    def reverse_control(d):
        items = list(d["control"].items())
        for key, _ in items:
            del d["control"][key]
        for key, value in reversed(items):
            d["control"][key] = value

    edit_yaml(path, reverse_control)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[lines.index("control:") + 1].strip().startswith("revisions:")
    assert fp(content_copy, "risk") == before


def test_fingerprint_ignores_comments_and_whitespace(content_copy):
    before = fp(content_copy, "risk")
    path = content_copy / "deliverables/risk.yaml"
    text = path.read_text(encoding="utf-8")
    changed = ("# a new comment at the top\n\n" + text.replace("control:\n", "control:   # note\n\n")
               + "\n\n# trailing comment\n")
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    assert fp(content_copy, "risk") == before


def test_fingerprint_ignores_the_approvals_themselves(content_copy):
    before = fp(content_copy, "risk")
    approve(content_copy, "risk", "marisol-ortega")
    assert fp(content_copy, "risk") == before


@pytest.mark.parametrize("kind, change", [
    ("risk", lambda d: d["control"].__setitem__("title", d["control"]["title"] + " ")),  # text
    ("mo-plan", lambda d: d["block_cycles"][0].__setitem__("hours", 3201)),  # number
    ("risk", lambda d: d["control"].__setitem__("date", date(2026, 10, 29))),  # date
    ("communication", lambda d: d["reports"][0].__setitem__(
        "expenditure", not d["reports"][0]["expenditure"])),  # bool
    ("risk", lambda d: d["control"]["distribution"].append("kevin-tran")),  # list item added
    ("risk", lambda d: d["control"]["distribution"].reverse()),  # list order
], ids=["text", "number", "date", "bool", "list-item", "list-order"])
def test_fingerprint_changes_when_any_value_changes(content_copy, kind, change):
    before = fp(content_copy, kind)
    edit_yaml(content_copy / f"deliverables/{kind}.yaml", change)
    assert fp(content_copy, kind) != before


# --- states -------------------------------------------------------------------------------------

def state(content_dir: Path, kind: str) -> str:
    return signoff(load_content(content_dir), kind).state


def test_an_author_draft_without_decisions_is_draft(content_copy):
    assert load_content(content_copy).deliverables["continuity"].control.status == "draft"
    assert state(content_copy, "continuity") == "draft"


def test_a_deliverable_with_some_approvals_missing_is_in_review(content_copy):
    approve(content_copy, "launch-agenda", "marisol-ortega")
    so = signoff(load_content(content_copy), "launch-agenda")
    assert so.state == "in review" and so.waiting_for == ["denise-carmichael"]


def test_every_required_approval_of_the_current_content_makes_it_approved(content_copy):
    approve(content_copy, "launch-agenda", "marisol-ortega")
    approve(content_copy, "launch-agenda", "denise-carmichael")
    so = signoff(load_content(content_copy), "launch-agenda")
    assert so.state == "approved" and so.waiting_for == []


def test_one_rejection_makes_it_rejected(content_copy):
    approve(content_copy, "launch-agenda", "marisol-ortega")
    approve(content_copy, "launch-agenda", "denise-carmichael", "rejected",
            comment="Item 4 needs the county liaisons.")
    assert state(content_copy, "launch-agenda") == "rejected"


def test_stale_approval_is_flagged_when_content_changes(content_copy):
    approve(content_copy, "launch-agenda", "marisol-ortega")
    approve(content_copy, "launch-agenda", "denise-carmichael")
    edit_yaml(content_copy / "deliverables/launch-agenda.yaml",
              lambda d: d["control"].__setitem__("purpose", d["control"]["purpose"] + " Revised."))
    so = signoff(load_content(content_copy), "launch-agenda")
    assert so.state == "changed since approval"
    assert all(a.decision == "approved" and not a.current for a in so.approvers)


def test_a_new_decision_on_the_changed_content_counts_again(content_copy):
    approve(content_copy, "launch-agenda", "marisol-ortega")
    edit_yaml(content_copy / "deliverables/launch-agenda.yaml",
              lambda d: d["control"].__setitem__("purpose", d["control"]["purpose"] + " Revised."))
    approve(content_copy, "launch-agenda", "marisol-ortega", day=date(2026, 11, 3))
    approve(content_copy, "launch-agenda", "denise-carmichael", day=date(2026, 11, 3))
    assert state(content_copy, "launch-agenda") == "approved"


def test_the_example_shows_approved_and_changed_since_approval():
    states = {k: so.state for k, so in
              ((k, signoff(load_content(EXAMPLE), k)) for k in load_content(EXAMPLE).deliverables)}
    assert "approved" in states.values() and "changed since approval" in states.values()


# --- approve --------------------------------------------------------------------------------------

def test_approve_appends_a_record_with_the_current_fingerprint_and_keeps_comments(content_copy):
    path = content_copy / "approvals.yaml"
    before = path.read_text(encoding="utf-8")
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments, "the example approvals.yaml should carry comments"
    result = run("approve", "launch-agenda", "--by", "denise-carmichael", "--date", "2026-11-02",
                 "--comment", "Agreed: timings fit.", "--content", str(content_copy))
    assert result.returncode == 0, result.stderr
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n")), "existing text, comments and records must survive"
    records = load_content(content_copy).approvals
    new = records[-1]
    assert (new.deliverable, new.approver, new.decision, new.date, new.comment) == (
        "launch-agenda", "denise-carmichael", "approved", date(2026, 11, 2), "Agreed: timings fit.")
    assert new.fingerprint == fp(content_copy, "launch-agenda")
    assert run("check", "--content", str(content_copy)).returncode == 0


def test_approve_turns_an_empty_flow_list_into_block_records(content_copy):
    path = content_copy / "approvals.yaml"
    path.write_text("# kept\napprovals: []  # none yet\n", encoding="utf-8")
    approve(content_copy, "risk", "marisol-ortega")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# kept\n") and "\n  - deliverable: risk\n" in text
    assert len(load_content(content_copy).approvals) == 1


def test_approve_date_defaults_to_source_date_epoch(content_copy):
    env_run = run("approve", "launch-agenda", "--by", "denise-carmichael", "--content",
                  str(content_copy), env={"SOURCE_DATE_EPOCH": "1794182400"})  # 2026-11-09
    assert env_run.returncode == 0, env_run.stderr
    assert load_content(content_copy).approvals[-1].date == date(2026, 11, 9)


@pytest.mark.parametrize("args, message", [
    (["no-such-plan", "--by", "marisol-ortega"], "'no-such-plan' is not a deliverable"),
    (["role-card", "--by", "marisol-ortega"], "did you mean 'role-cards'?"),
    (["risk", "--by", "nobody"], "'nobody' is not a person in people.yaml"),
    (["risk", "--by", "kevin-tran"], "kevin-tran is not a required approver of risk"),
    (["risk", "--by", "zoe-bronte", "--date", "2026-02-30"], "--date '2026-02-30' is not a date"),
], ids=["unknown-deliverable", "near-miss", "unknown-person", "not-an-approver", "bad-date"])
def test_approve_refuses_with_a_clear_message_and_writes_nothing(content_copy, args, message):
    before = (content_copy / "approvals.yaml").read_bytes()
    result = run("approve", *args, "--content", str(content_copy))
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert (content_copy / "approvals.yaml").read_bytes() == before


def test_approve_refuses_invalid_content_with_its_problems(content_copy):
    edit_yaml(content_copy / "deliverables/risk.yaml",
              lambda d: d["risks"][0].__setitem__("owner", "nobody"))
    before = (content_copy / "approvals.yaml").read_bytes()
    result = run("approve", "risk", "--by", "zoe-bronte", "--content", str(content_copy))
    assert result.returncode == 1
    assert "risks[0].owner: 'nobody' is not a person" in result.stderr
    assert (content_copy / "approvals.yaml").read_bytes() == before


def test_approve_refuses_to_record_the_same_decision_twice(content_copy):
    approve(content_copy, "risk", "marisol-ortega")
    result = run("approve", "risk", "--by", "marisol-ortega", "--content", str(content_copy))
    assert result.returncode == 2 and "already approved risk" in result.stderr


# --- status ---------------------------------------------------------------------------------------

def test_status_json_lists_every_deliverable_in_the_documented_shape(content_copy):
    approve(content_copy, "risk", "marisol-ortega", comment="Fine.")
    result = run("status", "--json", "--content", str(content_copy))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    content = load_content(content_copy)
    assert [r["id"] for r in rows] == list(content.deliverables)
    for row in rows:
        assert set(row) == {"id", "title", "state", "todo", "fingerprint", "approvers"}
        assert row["todo"] == 0  # the example program has no TODO left
        assert row["state"] in ("draft", "in review", "approved", "rejected", "changed since approval")
        assert row["fingerprint"] == fingerprint(content, row["id"])
        for a in row["approvers"]:
            assert set(a) == {"person", "decision", "date", "current", "evidence"}
    risk = next(r for r in rows if r["id"] == "risk")
    marisol = next(a for a in risk["approvers"] if a["person"] == "marisol-ortega")
    assert marisol == {"person": "marisol-ortega", "decision": "approved", "date": "2026-11-02",
                       "current": True, "evidence": "recorded"}


def test_status_table_names_who_still_has_to_sign(content_copy):
    approve(content_copy, "launch-agenda", "marisol-ortega")
    result = run("status", "--content", str(content_copy), env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if line.startswith(" launch-agenda "))
    cells = re.split(r"\s{2,}", row.strip())
    assert cells[2:] == ["in review", "0", fp(content_copy, "launch-agenda")[:12],
                         "denise-carmichael"]  # "0": no field of it still says TODO; a person id


# --- verify a deliverable -------------------------------------------------------------------------

def test_verify_deliverable_passes_when_every_decision_is_for_the_current_content(content_copy):
    approve(content_copy, "risk", "marisol-ortega")
    result = run("verify", "risk", "--content", str(content_copy))
    assert result.returncode == 0, result.stderr
    assert fp(content_copy, "risk")[:12] in result.stdout


def test_verify_deliverable_fails_naming_the_stale_approval(content_copy):
    approve(content_copy, "risk", "marisol-ortega")
    edit_yaml(content_copy / "deliverables/risk.yaml",
              lambda d: d["risks"][0].__setitem__("title", "Something else"))
    result = run("verify", "risk", "--content", str(content_copy))
    assert result.returncode == 7
    assert "marisol-ortega" in result.stderr and "no longer counts" in result.stderr


def test_verify_an_unknown_path_is_a_usage_error(content_copy):
    result = run("verify", "nothing-here", "--content", str(content_copy))
    assert result.returncode == 2 and "is not a packet folder" in result.stderr


# --- packets --------------------------------------------------------------------------------------

def awaited(content_dir: Path) -> dict[str, list[str]]:
    from pmodocs.packets import awaiting
    from pmodocs.signoff import all_signoffs

    content = load_content(content_dir)
    return awaiting(content, all_signoffs(content))


def test_every_approver_with_work_waiting_gets_a_packet_and_only_they(built_example):
    expected = awaited(EXAMPLE)
    assert expected, "the example should leave someone with documents to decide"
    packets = built_example / "dist/packets"
    assert sorted(p.name for p in packets.iterdir() if p.is_dir()) == sorted(expected)
    assert sorted(p.stem for p in packets.glob("*.zip")) == sorted(expected)
    for person, kinds in expected.items():
        files = sorted(p.name for p in (packets / person).iterdir())
        resign = [k for k in kinds if (built_example / f"dist/redline/{k}.docx").is_file()
                  and any(a.person == person and a.decision and not a.current
                          for a in signoff(load_content(EXAMPLE), k).approvers)]
        assert files == sorted(["transmittal-memo.docx", "manifest.json", "SHA256SUMS"]
                               + [f"{k}.docx" for k in kinds] + [f"{k}.pdf" for k in kinds]
                               + [f"{k}-redline.docx" for k in resign])


def test_packets_skip_author_drafts_and_deliverables_already_decided(built_example):
    content = load_content(EXAMPLE)
    for person, kinds in awaited(EXAMPLE).items():
        for kind in kinds:
            so = signoff(content, kind)
            assert content.deliverables[kind].control.status != "draft"
            assert person in so.waiting_for


def test_packet_manifest_and_sums_hash_every_file(built_example):
    folder = next(p for p in sorted((built_example / "dist/packets").iterdir()) if p.is_dir())
    names = {p.name for p in folder.iterdir()}
    sums = dict(reversed(line.split("  ", 1)) for line in
                (folder / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == names - {"SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {f["path"] for f in manifest["files"]} == names - {"SHA256SUMS", "manifest.json"}
    for entry in manifest["files"]:
        assert hashlib.sha256((folder / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    content = load_content(EXAMPLE)
    for doc in manifest["documents"]:
        assert doc["fingerprint"] == fingerprint(content, doc["id"])
        assert (folder / doc["file"]).read_bytes() == (built_example / f"dist/docx/{doc['id']}.docx").read_bytes()


def test_the_memos_are_made_while_the_pdfs_render_and_packed_as_made(monkeypatch):
    """A memo needs the redlines, not the PDFs: the build makes every memo while its PDFs still
    render (the last PDF to start waits for them here), and the packets carry those memos."""
    import threading

    from pmodocs import outputs, packets
    from pmodocs.outputs import BuildOptions, compose_program, largest_first, load_checked
    from pmodocs.redline import all_redlines

    content, _, facts = load_checked(EXAMPLE)
    docs, signoffs = compose_program(content, facts)
    redlines = all_redlines(content, docs, signoffs)
    people = set(packets.awaiting(content, signoffs))
    made: list[str] = []
    all_made = threading.Event()

    def memo(content, person, *args, **kwargs):
        data = real_memo(content, person, *args, **kwargs)
        made.append(person)
        if set(made) == people:
            all_made.set()
        return data

    def pdf(self, kind, doc):
        if kind == largest_first(docs)[-1]:
            assert all_made.wait(60), f"memos made before the PDFs were done: {made}"
        return real_pdf(self, kind, doc)

    real_memo, real_pdf = packets.transmittal_memo, outputs._Renderer.pdf
    monkeypatch.setattr(packets, "transmittal_memo", memo)
    monkeypatch.setattr(outputs._Renderer, "pdf", pdf)
    files = outputs.program_documents(content, docs, signoffs, redlines, BuildOptions(),
                                      lambda _: None, None)
    assert people and sorted(made) == sorted(people)  # each memo made once
    again = packets.packet_memos(content, docs, signoffs, files)
    for person in people:
        assert files[f"dist/packets/{person}/{packets.MEMO}"] == again[person]


def test_transmittal_memo_says_to_whom_what_and_by_when(built_example):
    import docx

    person, kinds = next(iter(awaited(EXAMPLE).items()))
    folder = built_example / "dist/packets" / person
    manifest = json.loads((folder / "manifest.json").read_text())
    memo = docx.Document(str(folder / "transmittal-memo.docx"))
    header = {row.cells[0].text: row.cells[1].text for row in memo.tables[0].rows}
    content = load_content(EXAMPLE)
    assert content.person(person).name in header["To"]
    due = date.fromisoformat(manifest["respond_by"])
    assert header["Please sign and return by"].startswith(f"{due:%A} {due.day} {due:%B %Y}")
    assert manifest["respond_by"] > manifest["date"]
    listed = [row.cells[0].text for row in memo.tables[1].rows[1:]]
    assert listed == [d["number"] for d in manifest["documents"]]
    text = "\n".join(p.text for p in memo.paragraphs)
    for doc in manifest["documents"]:
        assert doc["fingerprint"] in text


def test_packet_zip_is_byte_identical_across_builds(built_example, rebuilt_example):
    zips = sorted((built_example / "dist/packets").glob("*.zip"))
    assert zips
    for z in zips:
        assert (rebuilt_example / f"dist/packets/{z.name}").read_bytes() == z.read_bytes(), z.name
    with zipfile.ZipFile(zips[0]) as zf:
        names = zf.namelist()
        assert names == sorted(names) and all(n.startswith(zips[0].stem + "/") for n in names)
        assert {i.date_time for i in zf.infolist()} == {(2026, 11, 2, 0, 0, 0)}
        methods = {i.filename.rsplit(".", 1)[-1]: i.compress_type for i in zf.infolist()}
        assert zf.testzip() is None
    # the Word and PDF files are compressed already and stored as they are; the text deflated
    assert methods["pdf"] == methods["docx"] == zipfile.ZIP_STORED
    assert methods["json"] == zipfile.ZIP_DEFLATED


def test_verify_accepts_an_untouched_packet_folder_and_zip(built_example):
    zip_path = next((built_example / "dist/packets").glob("*.zip"))
    for target in (zip_path, zip_path.with_suffix("")):
        result = run("verify", str(target))
        assert result.returncode == 0, result.stderr
        assert "every file matches" in result.stdout


def test_a_packet_with_one_byte_changed_fails_verify(built_example, tmp_path):
    source = next(p for p in sorted((built_example / "dist/packets").iterdir()) if p.is_dir())
    folder = tmp_path / source.name
    shutil.copytree(source, folder)
    target = next(p for p in sorted(folder.glob("*.docx")) if p.name != "transmittal-memo.docx")
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    result = run("verify", str(folder))
    assert result.returncode == 7
    assert f"{target.name}: SHA-256 differs from SHA256SUMS" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_zip_packet_with_one_byte_changed_fails_verify(built_example, tmp_path):
    source = next((built_example / "dist/packets").glob("*.zip"))
    with zipfile.ZipFile(source) as zf:
        entries = {i.filename: zf.read(i) for i in zf.infolist()}
    name = next(n for n in entries if n.endswith("manifest.json"))
    entries[name] = entries[name].replace(b'"date"', b'"Date"', 1)
    tampered = tmp_path / source.name
    with zipfile.ZipFile(tampered, "w") as zf:
        for n, data in entries.items():
            zf.writestr(n, data)
    result = run("verify", str(tampered))
    assert result.returncode == 7 and "manifest.json: SHA-256 differs" in result.stderr


def test_a_file_added_to_a_packet_fails_verify(built_example, tmp_path):
    source = next(p for p in sorted((built_example / "dist/packets").iterdir()) if p.is_dir())
    folder = tmp_path / source.name
    shutil.copytree(source, folder)
    (folder / "extra.docx").write_bytes(b"not from pmodocs")
    result = run("verify", str(folder))
    assert result.returncode == 7 and "extra.docx: is not listed in SHA256SUMS" in result.stderr


def test_packet_zip_contains_exactly_the_packet_folder(built_example):
    packets = built_example / "dist/packets"
    for z in packets.glob("*.zip"):
        with zipfile.ZipFile(io.BytesIO(z.read_bytes())) as zf:
            inside = {n.split("/", 1)[1]: zf.read(n) for n in zf.namelist()}
        folder = {p.name: p.read_bytes() for p in (packets / z.stem).iterdir()}
        assert inside == folder


def memo_text(folder: Path) -> tuple[str, str]:
    """(body and table text, header and footer XML) of a packet's transmittal memo."""
    import docx

    memo = docx.Document(str(folder / "transmittal-memo.docx"))
    body = "\n".join([p.text for p in memo.paragraphs]
                     + [c.text for t in memo.tables for row in t.rows for c in row.cells])
    furniture = "".join(s.header._element.xml + s.footer._element.xml for s in memo.sections)
    return body, furniture


def test_the_memo_speaks_to_a_reader_who_never_opens_a_terminal(built_example):
    content = load_content(EXAMPLE)
    for person, kinds in awaited(EXAMPLE).items():
        folder = built_example / "dist/packets" / person
        body, furniture = memo_text(folder)
        assert "pmodocs" not in body and "--" not in body and "sha256sum" not in body
        assert "PIV or CAC card" in body and "Adobe Acrobat" in body
        assert f"Signature of {content.person(person).name}" in body
        for kind in kinds:
            owner = content.person(content.deliverables[kind].control.owner)
            assert f"{kind}.pdf: e-mail the signed file to {owner.name} ({owner.email})" in body
        assert "Transmittal memorandum to " + content.person(person).name in furniture
        assert "PAGE" in furniture and "NUMPAGES" in furniture and "Page " in furniture


def test_packets_carry_the_pdf_to_sign_next_to_the_docx(built_example):
    from pmodocs.packets import verify_packet
    from pmodocs.sigfields import pdf_fingerprint

    for person, kinds in awaited(EXAMPLE).items():
        folder = built_example / "dist/packets" / person
        manifest = json.loads((folder / "manifest.json").read_text())
        for doc in manifest["documents"]:
            pdf = (folder / doc["sign"]).read_bytes()
            assert doc["sign"] == f"{doc['id']}.pdf"
            assert pdf == (built_example / f"dist/pdf/{doc['id']}.pdf").read_bytes()
            assert pdf_fingerprint(pdf) == doc["fingerprint"]
        assert verify_packet(folder) == []


def test_a_pdf_in_a_packet_made_for_other_content_is_a_mismatch(built_example, tmp_path):
    from pmodocs.packets import verify_packet

    person = next(iter(awaited(EXAMPLE)))
    folder = tmp_path / person
    shutil.copytree(built_example / "dist/packets" / person, folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    doc = manifest["documents"][0]
    doc["fingerprint"] = "0" * 64
    (folder / "manifest.json").write_text(json.dumps(manifest))
    problems = verify_packet(folder)
    assert any(doc["sign"] in p and "carries fingerprint" in p for p in problems)


def test_the_launch_agenda_decision_is_due_before_its_meeting(built_example):
    content = load_content(EXAMPLE)
    meeting = content.deliverables["launch-agenda"].meeting.date
    for person, kinds in awaited(EXAMPLE).items():
        if "launch-agenda" not in kinds:
            continue
        manifest = json.loads((built_example / f"dist/packets/{person}/manifest.json").read_text())
        due = date.fromisoformat(manifest["respond_by"])
        assert date.fromisoformat(manifest["date"]) < due < meeting and due.weekday() < 5
        body, _ = memo_text(built_example / f"dist/packets/{person}")
        from pmodocs.compose.memo import day as _day
        from pmodocs.packets import respond_by

        if respond_by(date.fromisoformat(manifest["date"])) >= meeting:  # the meeting sets it
            assert f"before its meeting on {meeting.isoformat()}" in body
        assert _day(due) in body


def test_a_meeting_sooner_than_the_review_period_sets_the_due_date(content_copy):
    from pmodocs.packets import decision_due

    def sooner(d):
        d["meeting"]["date"] = date(2026, 11, 9)
    edit_yaml(content_copy / "deliverables/launch-agenda.yaml", sooner)
    due, why = decision_due(load_content(content_copy), ["launch-agenda"], date(2026, 11, 2))
    assert due == date(2026, 11, 6) and "before its meeting on 2026-11-09" in why  # a Friday
