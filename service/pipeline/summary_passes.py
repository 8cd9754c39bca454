"""The reading passes over the summary's kept sentences, in reading order: two agreed points
to one sentence, a person's second statement as "X also said", an outlet's second report in a
row as "Outlet also reports that", a speaker's title at their first mention, a person named
again by surname, an outlet's loaded term in its own narration inside quotation marks. Each
rewrite is kept only when it passes the sentence checks."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from service.pipeline.summary_build import Builder, Item
from service.pipeline.summary_checks import sentence_problems, unintroduced_name
from service.pipeline.summary_text import REPORTS_THAT
from service.schemas import AsserterKind, Source, SummaryKind
from service.text.loaded_terms import loaded_term_matches
from service.text.quotes import find_quotes
from service.text.speech import nlp, pos_tags
from service.text.speech.rules import lists


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


TITLE_MAX_WORDS = 4  # "House Judiciary Committee Chairman", "Homeland Security Secretary"


# Capitalised at a sentence's start, never part of a title: "Said Sen. Bob Menendez ..."
_NOT_TITLE = frozenset(
    "the a an said says told according by with from and but as when after before in on at for to".split()
)


def title_of(name: str, article: str) -> str | None:
    """The title the article writes right before a person's full name ("House Judiciary
    Committee Chairman Jerry Nadler", "Homeland Security Secretary Alejandro Mayorkas", "Sen. Bob
    Menendez"): capitalised words ending on a role word or its abbreviation, at most
    `TITLE_MAX_WORDS`, never across a sentence's end."""
    if len(name.split()) < 2:
        return None
    roles = lists().role_words
    abbreviations = set(lists().abbreviations)
    for m in re.finditer(rf"((?:[A-Z][\w.&’'-]*\s+){{1,6}}){re.escape(name)}\b", article):
        run = m.group(1).split()
        last = run[-1].rstrip(".").lower()
        if last not in roles and last not in abbreviations:
            continue
        kept: list[str] = []
        for word in reversed(run):
            bare = word.rstrip(".").lower()
            if word.endswith(".") and bare not in abbreviations and kept:
                break  # "Congress." ends the sentence before the title
            if bare in _NOT_TITLE or len(kept) == TITLE_MAX_WORDS:
                break
            kept.insert(0, word)
        return " ".join(kept) if kept else None
    return None


def role_after(name: str, source: Source) -> str | None:
    """The role the article gives a person in an apposition right after the full name
    ("said Steve Pitt, general counsel to Kentucky Gov. Matt Bevin."): a lower-case phrase of
    at most eight words holding a role word, up to the next comma or the sentence's end."""
    if len(name.split()) < 2:
        return None
    roles = lists().role_words
    for span in source.sentences:
        at = span.text.find(f"{name}, ")
        if at < 0:
            continue
        rest = span.text[at + len(name) + 2 :]
        phrase = rest.split(",", 1)[0]
        if phrase == rest:
            phrase = rest.rstrip().removesuffix(".")  # the apposition ends the sentence
        ws = [w.rstrip(".").lower() for w in phrase.split()]
        if phrase[:1].islower() and len(ws) <= 8 and roles & set(ws) and '"' not in phrase:
            return phrase
    return None


def with_titles(items: list[Item], b: Builder) -> list[Item]:
    """A speaker's first sentence gives the title their article gives them ("Homeland Security
    Secretary Alejandro Mayorkas said that ..."; NeuS and BASIL raters: "'Steve Pitt said'
    does not say who he is", "Menendez is not identified")."""
    out: list[Item] = []
    for it in items:
        m = _SAID.match(it.text)
        who = m.group(1).strip() if m else None
        surname = who.split()[-1] if who else ""
        if who and it.worded and not any(surname in o.text for o in out):
            source = b.sources[it.worded[0].source_id]
            title = title_of(who, source.text)
            text = ""
            if title and title.lower() not in it.text.lower():
                text = f"{title} {it.text}"
            elif (role := role_after(who, source)) and role.lower() not in it.text.lower():
                text = f"{who}, {role},{it.text[len(who) :]}"
            if text:
                cited = [b.claims[c] for c in it.claim_ids]
                if not sentence_problems(text, cited, b.sources, earlier=[o.text for o in out]):
                    it = replace(it, text=text)
        out.append(it)
    return out


def in_full(item: Item | None, b: Builder, earlier: list[Item]) -> Item | None:
    """The item with the bare surname it opens with ("DeMint, who said ...") written as the
    name its article gives in full ("Jim DeMint, who said ..."), outside quotation marks, when
    no earlier sentence introduced the person (BASIL raters: "DeMint appears without first
    name, title or party"); None when there is none to write or the result fails a check."""
    if item is None or not item.worded:
        return None
    cited = [b.claims[c] for c in item.claim_ids if c in b.claims]
    articles = [b.sources[c.source_id].text for c in cited if c.source_id in b.sources]
    told = [e.text for e in earlier]
    body = REPORTS_THAT.sub("", item.text, count=1)  # "Fox News reports that DeMint ..."
    full = unintroduced_name(body, articles, told, list(b.outlet.values()))
    if full is None:
        return None
    surname = full.split()[-1]
    quoted = find_quotes(item.text)
    at = next(
        (
            m.start()
            for m in re.finditer(rf"\b{re.escape(surname)}\b", item.text)
            if not any(a <= m.start() < e for a, e in quoted)
        ),
        None,
    )
    if at is None:
        return None
    text = item.text[:at] + full + item.text[at + len(surname) :]
    if sentence_problems(text, cited, b.sources, earlier=told):
        return None
    return replace(item, text=text)


NAME_OPENS_WITHIN = 3  # words before the name: "Vice President", "Outlet B reports that"


def named_again(items: list[Item], b: Builder) -> list[Item]:
    """A person an earlier sentence names in full is named by surname at the head of a later
    one, without the title or the description the article put around the name ("David
    Axelrod, the president's chief political adviser, said on CNN ..." after "... and David
    Axelrod, the president's top political adviser" reads "Axelrod said on CNN ..."): BASIL
    and NeuS raters, "introduces Axelrod twice", "repeated full name". Not when the earlier
    mentions give the person no title or description and this one does ("Mike Pence vowed
    ..." then "Vice President Mike Pence said ...": the title would be lost), nor when
    another person of the summary has the same surname."""
    out: list[Item] = []
    for it in items:
        text = _by_surname(it.text, [o.text for o in out])
        if text is not None:
            cited = [b.claims[c] for c in it.claim_ids]
            if not sentence_problems(text, cited, b.sources, earlier=[o.text for o in out]):
                it = replace(it, text=text)
        out.append(it)
    return out


def _by_surname(text: str, earlier: list[str]) -> str | None:
    if not earlier:
        return None
    body_at = m.end() if (m := REPORTS_THAT.match(text)) else 0
    doc = nlp()(text)
    start = next((t.i for t in doc if t.idx >= body_at), None)
    if start is None:
        return None
    ent = next(
        (
            e
            for e in doc.ents
            if e.label_ == "PERSON" and len(e) > 1 and start <= e.start <= start + NAME_OPENS_WITHIN
        ),
        None,
    )
    if ent is None or not any(ent.text in e for e in earlier):
        return None
    surname = ent[-1].text
    told = " ".join(earlier)
    others = {e.text for e in nlp()(told).ents if e.label_ == "PERSON" and e[-1].text == surname}
    if any(not ent.text.endswith(o) and not o.endswith(ent.text) for o in others):
        return None  # "Bill Clinton" and "Hillary Clinton": the surname is not enough
    lo, hi = ent.start, ent.end  # token range to replace by the surname
    title = doc[start : ent.start]
    if title and all(t.text[:1].isupper() for t in title):
        lo = start  # "Vice President Mike Pence", "Sen. Bob Menendez"
    elif title:
        return None  # the name is not at the clause's head
    appos = [c for c in ent.root.children if c.dep_ == "appos" and c.i >= ent.end]
    if appos and hi < len(doc) and doc[hi].text == ",":
        end = max(t.i for t in appos[-1].subtree) + 1
        if end < len(doc) and doc[end].text == ",":
            hi = end + 1
    if (lo < ent.start or hi > ent.end) and not _described(ent.text, told):
        return None  # the earlier mentions give no title or description: keep this one's
    head = text[: doc[lo].idx]
    tail = text[doc[hi - 1].idx + len(doc[hi - 1].text) :]
    joined = tail if tail.startswith((" ", ",", "'", "’")) else " " + tail
    return f"{head}{surname}{joined}"


def _described(name: str, told: str) -> bool:
    """An earlier sentence gives the person a title before the name or a description after."""
    return bool(
        re.search(rf"[A-Z][\w.]*\s+{re.escape(name)}\b", told)
        or re.search(rf"{re.escape(name)},\s+(?:a|an|the|one|his|her|who)\b", told)
    )


def loaded_quoted(items: list[Item], b: Builder) -> list[Item]:
    """In a sentence that tells one outlet's own narration, a term the style guides call
    loaded (`service/text/loaded_terms.yaml`) goes inside quotation marks: the outlet's word,
    shown as its word ('... in a post-impeachment "revenge plot"', '... Steele's
    "gaffe-prone" tenure'). The credit alone did not tell readers whose word it is (NeuS and
    BASIL raters: "carries Outlet A's loaded 'post-impeachment revenge plot' (attributed)",
    "'gaffe-prone tenure' carries HuffPost's epithet, though tagged"). Not in a party's
    reported words, whose exact words the outlet does not give."""
    out: list[Item] = []
    for it in items:
        # The outlet is the asserter: its words, whoever the sentence is about ("A federal
        # appeals court ... denied ... a controversial, temporary travel ban", NeuS).
        narration = bool(it.worded) and all(
            c.asserter.kind is AsserterKind.outlet for c in it.worded
        )
        if narration and (text := _quoted_terms(it.text)) != it.text:
            cited = [b.claims[c] for c in it.claim_ids]
            if not sentence_problems(text, cited, b.sources, earlier=[o.text for o in out]):
                it = replace(it, text=text)
        out.append(it)
    return out


def _quoted_terms(text: str) -> str:
    spans = sorted({m.span() for m in _term_spans(text)}, reverse=True)
    for start, end in spans:
        text = f'{text[:start]}"{text[start:end]}"{text[end:]}'
    return text


def _term_spans(text: str) -> list[re.Match[str]]:
    found = []
    for term, _rule in loaded_term_matches(text):
        m = re.search(rf"(?<![\w\"“-]){re.escape(term)}(?![\w\"”-])", text)
        if m is not None:
            found.append(m)
    return found
