"""What stands before a sentence and is no part of it: a wire dateline ("HARTFORD, Conn. — ")
or an update label ("UPDATE: "). Parsed with the sentence, the place or the label became its
subject and was credited with what the sentence reports. The patterns are data
(`dateline`, `update_label` in service/text/speech/rules.yaml); the id of the rule that cut a
lead-in is recorded on the claims of its sentence (`unit.dateline`, `unit.update_label`)."""

from __future__ import annotations

import re

from service.text.speech.rules import lists


def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    ls = lists()
    return (("unit.dateline", ls.dateline), ("unit.update_label", ls.update_label))


def lead_in(text: str) -> tuple[int, str] | None:
    """The length of the lead-in at the start of `text` and the id of the rule that finds it
    (None when there is none, or when nothing would be left of the sentence)."""
    for rule, pattern in _patterns():
        m = pattern.match(text)
        if m is not None and m.end() < len(text):
            return m.end(), rule
    return None


def strip_lead_in(text: str) -> str:
    """`text` without its lead-in (a claim's statement in the summary)."""
    found = lead_in(text)
    return text[found[0] :] if found else text


def lead_in_before(text: str, start: int, since: int) -> str | None:
    """The id of the rule whose lead-in was cut right before the sentence unit that starts at
    `start`, when the unit before it ended at `since` (read back from the article, so that a
    source given with its sentences records the cut as well as one split here)."""
    gap = text[since:start]
    begin = since + len(gap) - len(gap.lstrip())
    if begin >= start:
        return None
    found = lead_in(text[begin : start + 1])
    return found[1] if found and begin + found[0] == start else None


def hedge_before(text: str, cue_start: int) -> str | None:
    """The hedge ("reportedly", "allegedly") right before a cue at `cue_start` (pattern
    `hedge_before_cue`, rule `cue.hedged`), or None."""
    m = lists().hedge_before_cue.search(text[max(0, cue_start - 20) : cue_start])
    return m.group(1) if m else None
