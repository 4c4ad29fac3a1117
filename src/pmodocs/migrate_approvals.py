"""Carry approvals over to document-tree fingerprints where the approved content is unchanged.

Fingerprints used to hash the deliverable's own model only; they now hash the composed document
tree (see contenttree.py). An approval recorded under the old scheme still binds if the
deliverable's file is exactly what was approved: its record gets the new fingerprint of that
content. A kept snapshot of the old kind (the model JSON) is composed into a tree with today's
directory and stored under its new fingerprint, so its redline still works; the records naming
it follow. Everything else (an approval whose content changed since) is left alone and keeps
not counting. Running it again changes nothing.

    python -m pmodocs.migrate_approvals content/     (also a step of `pmodocs migrate`)

After a change to how documents are composed (every fingerprint changes with it), the example's
approvals are regenerated from the last revision that still had model-only fingerprints:

    python -m pmodocs.migrate_approvals content/ --from-git a45b7ca
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import sys
from pathlib import Path
from typing import Any, cast

from .model import DELIVERABLE_KINDS, Content


def carry_over_approvals(content_dir: Path) -> list[str]:
    """Rewrite old-scheme fingerprints in approvals.yaml (and old snapshots); one line per change."""
    from .load import load_content
    from .redline import SNAPSHOTS
    from .contentedit import remove_content, write_content
    from .signoff import content_bytes, fingerprint, model_fingerprint

    content_dir = Path(content_dir)
    content = load_content(content_dir)
    renamed: dict[tuple[str, str], str] = {}
    notes: list[str] = []
    for kind, doc in content.by_kind.items():
        renamed[(kind, model_fingerprint(doc))] = fingerprint(content, kind)
        folder = content_dir / SNAPSHOTS / kind
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            new = _convert_snapshot(content, kind, path)
            if new:
                renamed[(kind, path.stem)] = new
                notes.append(f"{path}: converted to a document tree, now {new[:12]}.json")
    changed = [(kind, old, new) for (kind, old), new in renamed.items() if old != new]
    wanted = {(r.deliverable, r.fingerprint) for r in content.approvals}
    for kind, old, new in changed:
        if (kind, old) not in wanted:
            continue
        path = content_dir / SNAPSHOTS / kind / f"{new}.json"
        if not path.is_file() and new == fingerprint(content, kind):
            write_content(path, content_bytes(content, kind))
    notes += _rewrite_records(content_dir / "approvals.yaml",
                              {(k, o): n for k, o, n in changed if (k, o) in wanted})
    for kind, old, new in changed:  # old snapshots go once nothing needs them
        stale = content_dir / SNAPSHOTS / kind / f"{old}.json"
        if stale.is_file() and old != new and not _is_tree(stale.read_bytes()):
            remove_content(stale)
    return notes


def _is_tree(data: bytes) -> bool:
    try:
        return json.loads(data).get("type") == "Document"
    except (ValueError, AttributeError):
        return False


def _convert_snapshot(content: Content, kind: str, path: Path) -> str | None:
    """The new fingerprint of an old-scheme snapshot (model JSON), written beside it; else None."""
    from .contentedit import write_content
    from .signoff import content_bytes

    data = path.read_bytes()
    if _is_tree(data) or hashlib.sha256(data).hexdigest() != path.stem:
        return None
    model = DELIVERABLE_KINDS[kind].model_validate_json(data)
    then = dataclasses.replace(content, deliverables=cast(Any, {**content.deliverables, kind: model}))
    tree = content_bytes(then, kind)
    new = hashlib.sha256(tree).hexdigest()
    target = path.with_name(f"{new}.json")
    if not target.is_file():
        write_content(target, tree)
    return new


def _rewrite_records(path: Path, renamed: dict[tuple[str, str], str]) -> list[str]:
    """Each record's fingerprint replaced in place (ruamel round-trip keeps comments and layout)."""
    from ruamel.yaml import YAML

    from .contentedit import write_content

    if not renamed:
        return []
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    yaml.preserve_quotes = True
    data = yaml.load(path.read_text(encoding="utf-8"))
    notes = []
    for record in data.get("approvals") or []:
        key = (record.get("deliverable"), record.get("fingerprint"))
        if key in renamed:
            record["fingerprint"] = renamed[key]
            notes.append(f"{path}: {key[0]}: {record.get('approver')}'s decision of "
                         f"{record.get('date')} carried over: {key[1][:12]} -> {renamed[key][:12]}")
    out = io.StringIO()
    yaml.dump(data, out)
    write_content(path, out.getvalue())
    return notes


def restore_from_git(content_dir: Path, rev: str) -> None:
    """approvals.yaml and snapshots/ as they were at git revision `rev` (model-only fingerprints),
    so `carry_over_approvals` can carry them over again after the composed documents changed."""
    import subprocess

    content_dir = Path(content_dir)
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=content_dir, check=True,
                         capture_output=True, text=True).stdout.strip()
    rel = content_dir.resolve().relative_to(Path(top).resolve()).as_posix()
    show = lambda path: subprocess.run(  # noqa: E731
        ["git", "show", f"{rev}:{rel}/{path}"], cwd=top, check=True, capture_output=True).stdout
    from .contentedit import replace_folder, write_content

    listing = subprocess.run(["git", "ls-tree", "-r", "--name-only", rev, f"{rel}/snapshots/"],
                             cwd=top, check=True, capture_output=True, text=True).stdout.split()
    snapshots = {Path(name).relative_to(f"{rel}/snapshots").as_posix():
                 show(Path(name).relative_to(rel).as_posix()) for name in listing}
    write_content(content_dir / "approvals.yaml", show("approvals.yaml"))
    replace_folder(content_dir / "snapshots", snapshots)


if __name__ == "__main__":  # pragma: no cover - a thin command line over the functions
    args = sys.argv[1:]
    folder = Path(args[0] if args and not args[0].startswith("--") else "content")
    if "--from-git" in args:
        restore_from_git(folder, args[args.index("--from-git") + 1])
    for line in carry_over_approvals(folder):
        print(line)
