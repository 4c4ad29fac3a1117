"""What a build shows while it runs: a rich progress display on a terminal, plain lines elsewhere
(CI logs), nothing with --quiet. The pipeline reports events; this module only displays them."""

from __future__ import annotations

import sys
from typing import Any

STAGES = {"site": "building the site (mkdocs --strict)", "publish": "publishing"}


class BuildProgress:
    """A progress callback for pipeline.build: events are 'rendered:<id>', 'reused:<id>',
    'site' and 'publish'."""

    def __init__(self, quiet: bool, total_documents: int | None = None):
        self.quiet = quiet
        self.live = not quiet and sys.stderr.isatty()
        self.total = total_documents
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}

    def __call__(self, event: str) -> None:
        if self.quiet:
            return
        kind, _, name = event.partition(":")
        if self.live:
            self._rich(kind, name)
        elif name:
            what = "reused from the cache" if kind == "reused" else "rendered (docx, pdf)"
            print(f"  {name}: {what}", file=sys.stderr, flush=True)
        else:
            print(f"  {STAGES.get(kind, kind)}", file=sys.stderr, flush=True)

    def _rich(self, kind: str, name: str) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        if self._progress is None:
            self._progress = Progress(TextColumn("{task.description}"), BarColumn(),
                                      MofNCompleteColumn(), TimeElapsedColumn(), transient=False)
            self._progress.start()
            self._tasks["documents"] = self._progress.add_task("documents", total=self.total)
        if name:
            self._progress.update(self._tasks["documents"], advance=1, description=f"documents ({name})")
            return
        for task in self._tasks.values():
            self._progress.update(task, completed=self._progress.tasks[task].total or 1, total=self._progress.tasks[task].total or 1)
        self._tasks[kind] = self._progress.add_task(STAGES.get(kind, kind), total=1)

    def close(self) -> None:
        if self._progress is not None:
            for task in self._tasks.values():
                total = self._progress.tasks[task].total or 1
                self._progress.update(task, completed=total, total=total)
            self._progress.stop()
