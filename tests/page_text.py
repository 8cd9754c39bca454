"""The text a reader sees on a rendered page: no script or style, nothing inside the closed
"For developers" box (`<details class="dev">`), whitespace collapsed."""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
# What a reader must never see: claim and quote ids, the template marker, setting names,
# command-line flags other than the outlet hint, nested attributions.
CLAIM_ID = re.compile(r"\bS\d+\.[CQE]\d+\b")
DEVELOPER_TEXT = re.compile(r"\(template\)|RASHOMON_[A-Z_]+|\(as reported by [^()]*\(", re.I)


class _Text(HTMLParser):
    def __init__(self, root_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.root_id = root_id
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, skipped, inside root)
        self.parts: list[str] = []

    def _state(self) -> tuple[bool, bool]:
        return (
            (self.stack[-1][1], self.stack[-1][2]) if self.stack else (False, self.root_id is None)
        )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        skipped, inside = self._state()
        classes = (a.get("class") or "").split()
        skipped = (
            skipped
            or tag in ("script", "style", "template", "title")
            or (tag == "details" and "dev" in classes)
        )
        inside = inside or (self.root_id is not None and a.get("id") == self.root_id)
        if tag not in VOID:
            self.stack.append((tag, skipped, inside))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        skipped, inside = self._state()
        if inside and not skipped:
            self.parts.append(data)


def reader_text(page: str, root_id: str | None = None) -> str:
    """The visible text of `page` (of the element with id `root_id`, when given)."""
    parser = _Text(root_id)
    parser.feed(page)
    parser.close()
    return " ".join(" ".join(parser.parts).split())
