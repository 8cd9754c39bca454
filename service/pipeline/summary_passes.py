"""The reading passes over the summary's kept sentences, in reading order: two agreed points
to one sentence, a person's second statement as "X also said", an outlet's second report in a
row as "Outlet also reports that". Each rewrite is kept only when it passes the sentence
checks."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from service.pipeline.summary_build import Builder, Item
from service.pipeline.summary_checks import sentence_problems
from service.schemas import SummaryKind
from service.text.speech import pos_tags


def merge_consensus(items: list[Item], b: Builder) -> list[Item]:
    """Two agreed points to a sentence ("A (X, Y); B (X, Y)."), when the merge passes."""
    out: list[Item] = []
    for it in items:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind is SummaryKind.consensus
            and it.kind is SummaryKind.consensus
            and ";" not in prev.text
            and said_by(prev.text) is None
        ):
            merged = Item(
                prev.order,
                SummaryKind.consensus,
                prev.text.rstrip(".") + "; " + it.text[0].lower() + it.text[1:]
                if _lower_ok(it.text)
                else prev.text.rstrip(".") + "; " + it.text,
                prev.claim_ids + it.claim_ids,
                f"{prev.group_id}+{it.group_id}",
                prev.worded + it.worded,
            )
            if not sentence_problems(
                merged.text, [b.claims[c] for c in merged.claim_ids], b.sources
            ):
                out[-1] = merged
                continue
        out.append(it)
    return out


# "Bob Etheridge said: …" (his words) or "Larry Summers said that …" (reported speech).
_SAID = re.compile(r"^((?:[A-Z][\w.'’-]*\s){1,4})said(: | that )")


def said_by(text: str) -> str | None:
    """The name a sentence opens on when it gives that person's words ("Bob Etheridge said:
    "…"")."""
    m = _SAID.match(text)
    return m.group(1).strip() if m and m.group(2) == ": " else None


def said_again(items: list[Item], b: Builder) -> list[Item]:
    """A second statement of one person reads "Etheridge also said: …" ("Summers also said
    that …"), not the full name and the same frame again (BASIL raters: "Bob Etheridge said:
    …; Bob Etheridge said: …", "two consecutive 'Larry Summers said that' lines")."""
    seen: Counter[str] = Counter()
    out: list[Item] = []
    for it in items:
        m = _SAID.match(it.text)
        who = m.group(1).strip() if m else None
        if m is not None and who is not None and seen[who] and len(who.split()) > 1:
            rest = it.text[m.end() :]
            if m.group(2) == ": ":
                frame = "also said: " if seen[who] == 1 else "added: "
            else:
                frame = "also said that " if seen[who] == 1 else "added that "
            text = f"{who.split()[-1]} {frame}{rest}"
            cited = [b.claims[c] for c in it.claim_ids]
            if not sentence_problems(text, cited, b.sources, earlier=[o.text for o in out]):
                it = replace(it, text=text)
        if who is not None:
            seen[who] += 1
        out.append(it)
    return out


def reports_again(items: list[Item], b: Builder) -> list[Item]:
    """An outlet's second report in a row reads "HuffPost also reports that …", not the same
    frame again (NeuS and BASIL raters: "a list of 'Outlet C reports that' lines")."""
    out: list[Item] = []
    for it in items:
        prev = out[-1].text if out else ""
        for name in set(b.outlet.values()):
            frame = f"{name} reports that "
            if it.text.startswith(frame) and prev.startswith(frame):
                it = replace(it, text=f"{name} also reports that {it.text[len(frame) :]}")
                break
        out.append(it)
    return out


def _lower_ok(text: str) -> bool:
    tags = pos_tags(text.split(" ", 1)[0])
    return bool(tags) and tags[0][1] in {"DET", "ADV", "PRON"}
