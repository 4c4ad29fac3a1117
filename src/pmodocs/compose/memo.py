"""The transmittal memo as a document tree: the covering memo of a signatory's packet.

For a reader who never opens a terminal: what to read, how to sign in Acrobat with a PIV/CAC
card, where to send the signed file, and by when. The packet (packets.py) decides who gets
which documents, the due date and the files' names, and passes them in; the DOCX writer
(render/docx.py `render_memo`) serialises the tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..document import BulletList, Document, Fields, Heading, Memo, MemoBlock, Paragraph, Table
from ..model import Content
from ..facts import Signoff


@dataclass(frozen=True)
class PacketFiles:
    """What the packet calls its files, so the memo names them as the packet does: for each
    deliverable kind the file to read, the file to sign and its redline; and the two checksum
    files."""

    read: dict[str, str]
    sign: dict[str, str]
    redline: dict[str, str]
    manifest: str
    sums: str


def transmittal_memo(content: Content, person: str, kinds: list[str], docs: dict[str, Document],
                     signoffs: dict[str, Signoff], sent: date, due: date, redlines: list[str],
                     why: str, files: PacketFiles) -> Memo:
    """The memo to `person` sent on `sent` about `kinds`, to decide by `due` (`why` says why that
    day), with a redline for each kind in `redlines`."""
    p, program = content.person(person), content.program
    owners = _owners(content, kinds)
    plural = "s" if len(kinds) != 1 else ""
    blocks: list[MemoBlock] = [
        Fields((
            ("To", f"{p.name}, {p.title}, {content.organisation(p.organisation).name}"),
            ("From", "; ".join(f"{o.name}, {o.title}" for o in owners)),
            ("Date", day(sent)),
            ("Subject", f"Approval of {program.acronym} {program.labels.documents} "
                        f"({len(kinds)} document{plural})"),
            ("Please sign and return by", day(due) + (f" ({why})" if why else "")),
        )),
        Paragraph(
            f"You are a required approver of the document{plural} below. "
            f"Please read each one, and if you approve it, sign it digitally and send it back by "
            f"{day(due)}. Your signature approves exactly the version you were sent; if the "
            "document changes before you sign, you will receive a new packet."),
        Table("Documents for decision",
              ("Number", "Title", "Version", "State", "Fingerprint", "Files"),
              tuple((docs[k].meta.number, docs[k].meta.title, docs[k].meta.version,
                     signoffs[k].state, docs[k].meta.short_fingerprint,
                     f"{files.read[k]} (read), {files.sign[k]} (sign)") for k in kinds),
              kind="memo-documents"),
        Heading(2, "What to read"),
        BulletList(tuple(
            f"{docs[k].meta.number} {docs[k].meta.title}, version {docs[k].meta.version}: read "
            f"{files.read[k]} (Word) or {files.sign[k]}; they hold the same words. The approval "
            "page at the end lists every approver." for k in kinds)),
    ]
    if redlines:
        blocks.append(Heading(2, "What changed since you signed"))
        blocks += [Paragraph(
            f"{docs[k].meta.number} changed after your earlier decision, which no longer "
            f"counts. {files.redline[k]} is the current document with every change since "
            "the approved version shown as Word tracked changes (Review, then Next change).")
            for k in redlines]
    blocks += [
        Heading(2, "How to sign with your PIV or CAC card"),
        BulletList(tuple(signing_steps(p.name)), numbered=True),
        Heading(2, "Where to send the signed file"),
        BulletList(tuple(_send_to(content, k, person, files.sign[k], due) for k in kinds)),
        Heading(2, "If you do not approve"),
        Paragraph(
            "Do not sign. Reply to the document owner by the same date saying what must change; "
            "your rejection and its reasons are recorded, and a revised document will be sent to "
            "you."),
        Heading(2, "For the program office"),
        Paragraph(
            f"Each document is identified by its content fingerprint, printed on its approval page "
            f"and listed below; {files.manifest} and {files.sums} hold the SHA-256 hash of every "
            f"file in this packet, so the office can confirm that nothing was changed on the way. "
            f"Signed files are checked (signer, certificate, and that nothing but signatures was "
            f"added) before the approval is recorded."),
        *[Paragraph(f"{docs[k].meta.number}: {signoffs[k].fingerprint}") for k in kinds],
    ]
    return Memo(
        subtitle=f"{program.name} ({program.acronym})",
        title="Transmittal memorandum: documents for your signature",
        header=f"{program.acronym} · Transmittal memorandum to {p.name} · sign by "
               f"{due.isoformat()}",
        footer=f"{program.acronym} · ", properties_title=f"Transmittal to {p.name}",
        author="; ".join(f"{o.name}, {o.title}" for o in owners),
        category="Transmittal memorandum", date=sent, blocks=tuple(blocks))


def _send_to(content: Content, kind: str, person: str, sign: str, due: date) -> str:
    owner = content.person(content.by_kind[kind].control.owner)
    others = [content.person(a).name for a in content.by_kind[kind].control.approvers
              if a != person]
    return (f"{sign}: e-mail the signed file to {owner.name} ({owner.email}) by {day(due)}. "
            + (f"The same file is then signed in turn by {_and(others)}; {owner.name} forwards it."
               if others else ""))


def signing_steps(name: str) -> list[str]:
    return [
        "Insert your PIV or CAC card into the card reader of your computer.",
        "Open the PDF in Adobe Acrobat or the free Adobe Acrobat Reader (a web browser's PDF "
        "viewer cannot sign). Go to the approval page at the end, headed \"Approval\".",
        f"Click the signature box marked \"Signature of {name}\" (your name). Sign only your "
        "own box; the other boxes belong to the other approvers.",
        "When Acrobat asks for a digital ID, choose the certificate on your card meant for "
        "signing (it shows your name), then Continue and Sign.",
        "Save the signed file under the same name when Acrobat asks, and enter your card's PIN.",
        "Do not change anything else: no comments, highlights, stamps, text or pages. Any change "
        "besides signatures voids the signature for this approval.",
    ]


def _owners(content: Content, kinds: list[str]) -> list[Any]:
    ids = sorted({content.by_kind[k].control.owner for k in kinds})
    return [content.person(i) for i in ids]


def day(d: date) -> str:
    """A date as a reader says it: "Wednesday 11 November 2026"."""
    return f"{d:%A} {d.day} {d:%B %Y}"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
