"""Which attribution rules fire on a short passage (the cases test and the rule report use it)."""

from __future__ import annotations

from service.pipeline.sources import sentence_units
from service.schemas import Source


def rules_fired(text: str, *, last_only: bool = True) -> set[str]:
    """Rule ids on the claims of the passage's last sentence (or of every sentence): earlier
    sentences are context (the person a pronoun refers to, the quotation carried over)."""
    # Imported here: the account step imports this package, not the other way round.
    from service.pipeline.accounts import assemble_account
    from service.text.speech import analyse_article

    spans = sentence_units(text)
    source = Source(source_id="S1", outlet="Wire", text=text, sentences=spans)
    account = assemble_account(source, analyse_article(text, spans))
    last = len(spans)
    return {
        rid
        for c in (*account.claims, *account.editorial)
        if not last_only or last in c.sentence_ids
        for rid in c.rule_ids
    }
