"""Step 4: the neutral reconciled summary, a short text that reads as one.

In reading order: the event in one plain sentence; the points the outlets agree on, each
stated once in plain words and credited to every outlet whose article supports it; each real
difference as a named point ("On whether …: A said …; B said …") with who holds each version;
then single-source points that bear on the story, while the word budget (which grows with the
articles' length) lasts. The budget is spent in order of importance: the event, the
differences, the agreements, the rest.

Every clause is built from one claim's own words (`summary_text.clause`): the holder is the
claim's speaker or channel, the outlet's narration stays the outlet's, and quotation marks
appear only where the article itself quotes the words. Every sentence then passes
`summary_checks.sentence_problems` (verbatim quotes, credits each outlet supports, no
fragment, no dangling pronoun, no repeat, no headline); a sentence that fails is rebuilt from
its point's next claim or dropped, never shown. Editorial claims (kind opinion) never reach
this step. With `summary_mode="model"` the model names the event and the differences
(`summary_prose`), each answer verified, these templates the fallback."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace

from service.llm.structured import StepMeter, StructuredLLM
from service.pipeline.progress import Progress, ProgressCallback
from service.pipeline.summary_build import Builder, Item, Stated
from service.pipeline.summary_checks import (
    headline_problems,
    novelty,
    restates,
    sentence_problems,
)
from service.pipeline.summary_labels import core
from service.pipeline.summary_passes import (
    in_full,
    loaded_quoted,
    merge_consensus,
    named_again,
    reports_again,
    said_again,
    said_by,
    with_titles,
)
from service.pipeline.summary_points import Dispute, choose_dispute, question_for, whether
from service.pipeline.summary_repeats import new_figure, retells_lead, thin
from service.pipeline.summary_select import (
    group_position,
    headline_claims,
    lead_points,
    names_someone,
    relevance,
    select_groups,
    shared_voices,
    summary_points,
    unnamed_actor,
)
from service.pipeline.summary_text import cap, denial_of, full_stop
from service.pipeline.summary_told import without_told
from service.pipeline.summary_trim import words
from service.schemas import (
    AsserterKind,
    Claim,
    ClaimGroup,
    ClaimKind,
    GroupStatus,
    RunWarning,
    Source,
    Summary,
    SummaryKind,
    SummarySentence,
)

ONE_SOURCE_NOTE = "Only one article was given: there is nothing to reconcile across sources."
# The word budget: about 120 words for three short articles (NeuS openings, ~600 words in
# all), about 250 for three long ones (BASIL, ~2,500 words). Never under 120 (issue 17's
# figure for three short articles): at 100, the NeuS excerpts of 150-300 words in all gave
# summaries of 73 words on average, and raters listed what the budget had cut (Wyden's
# tax-law concern, the GM strike behind the jobs figure, Trump's reaction to the ruling).
BUDGET_BASE, BUDGET_PER_WORD, BUDGET_MIN, BUDGET_MAX = 90, 0.065, 120, 300
MAX_DISPUTES = 4  # differences shown as points (the groups list every one)
SINGLE_MIN_RELEVANCE = 0.35  # a single-source point this close to the others' reports matters
SINGLE_FLOOR = 0.1  # below this a single-source point is an aside, never shown
FILL_SHARE = 0.8  # a summary shorter than this share of its budget takes more single points
NOVELTY_MIN = 0.5  # a single-source point with less of its wording new to the summary repeats it
HEADLINE_MAX_WORDS = 16
LEAD_SENTENCES = 2  # with no shared event, the lead is one of the articles' first sentences
EVENT_SENTENCES = 4  # an article's first sentences tell its event: none of them is an aside


def word_budget(sources: Sequence[Source]) -> int:
    total = sum(len(s.text.split()) for s in sources)
    return max(BUDGET_MIN, min(BUDGET_MAX, round(BUDGET_BASE + BUDGET_PER_WORD * total)))


def _lower_det(text: str) -> str:
    """A clause placed mid-sentence: "A source ..." -> "a source ..."."""
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first in {"A", "An", "The"} else text


def _dispute_item(d: Dispute, b: Builder, rank: int, with_others: bool = True) -> Item | None:
    """ "On <point>: A's version (its outlets); B's version (its outlets)." The first two
    versions are required; a third (another outlet's denial) is added when it words well."""
    parts: list[str] = []
    ids: list[str] = []
    shown: list[Claim] = []
    for n, side_claims in enumerate(d.sides):
        stated = b.point(side_claims, prefer_outlet=False)
        if n and stated is None:
            # A denial told as an act on the other version's words: "<who> denied it".
            denial = next((c for c in side_claims if c.kind is ClaimKind.denial), None)
            c = denial_of(denial, b.sources[denial.source_id]) if denial else None
            stated = (*b.credited(c, [denial]), denial, c.text) if c and denial else None
        if stated is None:
            if n < 2:
                return None
            continue
        parts.append(stated[0] if not n else _lower_det(stated[0]))
        ids += stated[1]
        shown.append(stated[2])
        # The same version in another outlet's words, when its clause could not be credited
        # to that outlet: shown too, so that each outlet's holder of the version is named.
        credited = {b.claims[c].source_id for c in stated[1]}
        rest = [c for c in side_claims if c.source_id not in credited]
        also = b.point(rest, prefer_outlet=False) if rest and n and with_others else None
        if also is not None:
            parts[-1] += "; " + _lower_det(also[0])
            ids += also[1]
            shown.append(also[2])
    d.shown = shown
    name = d.point_name or whether(d)
    text = full_stop(f"{name}: " + "; ".join(parts))
    return Item((2, rank), SummaryKind.disputed, cap(text), ids, d.group.group_id, shown)


async def summarize(
    sources: Sequence[Source],
    groups: Sequence[ClaimGroup],
    claims: Sequence[Claim],
    llm: StructuredLLM,
    meter: StepMeter,
    *,
    max_points: int,
    mode: str = "template",
    warnings: list[RunWarning],
    progress: ProgressCallback,
) -> Summary:
    if len(sources) < 2:
        return Summary(sentences=[], note=ONE_SOURCE_NOTE)
    by_id = {c.claim_id: c for c in claims}
    b = Builder(sources, by_id)
    budget = word_budget(sources)
    points = summary_points(groups, by_id)
    closeness = relevance(points, by_id)
    chosen = select_groups(points, max_points, closeness)
    # Each article's opening report is where a news article tells the event: it is always a
    # candidate, for the lead and after it, whatever the cap on the other points (BASIL: with
    # 14 of 67 points, the Times's opener was not among them and a quotation led).
    openers = {
        g.group_id
        for g in points
        if any(c in by_id and b.opens_its_article(by_id[c], LEAD_SENTENCES) for c in g.claim_ids)
    }
    # Likewise the sentence that tells an outlet's headline (`headline_claims`).
    headed = set(headline_claims(sources, by_id).values())
    openers |= {g.group_id for g in points if headed & set(g.claim_ids)}
    chosen_ids = {g.group_id for g in chosen}
    # People several outlets quote: a candidate shown when nothing else gives them a word.
    voices = {
        g: who for g, who in shared_voices(points, by_id).items() if g not in chosen_ids | openers
    }
    openers |= voices.keys()
    chosen = [g for g in points if g.group_id in chosen_ids or g.group_id in openers]
    if len(points) > len(chosen_ids):
        warnings.append(
            RunWarning(
                step="summary",
                message=f"the summary covers {len(chosen_ids)} of {len(points)} points (disputes "
                "first, then agreements), besides each article's opening reports; the rest are "
                "in the groups. Raise "
                "RASHOMON_MAX_SUMMARY_POINTS to cover more",
            )
        )
    event, central = lead_points(groups, by_id)
    # The event leads only when an article opens on it; an agreed detail further down
    # ("Wages advanced 3.1%", NeuS) is an agreement, and an opener leads instead.
    if event is not None and not any(
        b.opens_its_article(by_id[c], LEAD_SENTENCES) for c in event if c in by_id
    ):
        event = None
    progress(Progress("summary", 0, 3))

    # Candidates, in order of importance: the event, the differences, the agreements, the rest.
    candidates: list[Item] = []
    if event is not None:
        # Worded from a member that opens its article: the group can hold a later sentence
        # two outlets carry alike (wire copy: "Hilary Shelton ... said that debate was mostly
        # closed to the public", BASIL), which is a detail of the event, not the event.
        members = [by_id[c] for c in event if c in by_id]
        opening = [m for m in members if b.opens_its_article(m, LEAD_SENTENCES)]
        stated = b.point(opening or members, prefer_outlet=True, among=members)
        if stated is not None and sentence_problems(
            full_stop(cap(stated[0])), [by_id[c] for c in stated[1]], b.sources
        ):
            stated = None  # it could not stand first ("Paul, a Republican, ..."): an opener will
        if stated is not None and unnamed_actor(stated[0]) is not None:
            # A scene that names no one ("A young man, dressed in a jacket and tie, approached
            # the congressman on a sidewalk", BASIL, NYT's anecdotal opening) does not tell a
            # reader whom the story is about: an opener that names its actor leads instead.
            stated = None
        event_quoted = stated is not None and said_by(stated[0]) is not None
        if event_quoted:
            # A quotation tells what someone said, not what happened: two outlets quoting
            # Nadler's "The framers of the Constitution prescribed ..." is an agreement, and
            # an opener that tells the event leads (NeuS impeachment; raters marked quotation
            # leads "no statement of what happened").
            stated = None
        if stated is not None:
            candidates += _uncredited_versions(event, _group_of(event, groups), stated, b, -1)
            candidates.append(Item.of((0, 0), SummaryKind.lead, stated, None))
        elif event_quoted:
            event = None  # its group is stated with the agreements
    disputed = [g for g in chosen if g.status is GroupStatus.disputed]
    disputed.sort(key=lambda g: g is not central)  # stable: the central one first
    disputes = [d for d in (choose_dispute(g, by_id, b.outlet) for g in disputed) if d is not None]
    shown = disputes[:MAX_DISPUTES]
    model_headline: str | None = None
    if mode == "model" and (shown or event):
        from service.pipeline.summary_prose import name_points

        model_headline = await name_points(
            shown, [by_id[c] for c in event or ()], sources, llm, meter, warnings
        )
    for n, d in enumerate(shown):
        item = _dispute_item(d, b, n)
        if item is not None:
            item.fallback = _dispute_item(d, b, n, with_others=False)
            candidates.append(item)
    in_event = set(event or ())
    for n, g in enumerate(g for g in chosen if g.status is GroupStatus.agreed):
        if set(g.claim_ids) <= in_event:
            continue
        stated = b.point([by_id[c] for c in g.claim_ids], prefer_outlet=True)
        if stated is not None:
            # An agreement is shown as one only when several outlets' reports carry it;
            # otherwise it is one outlet's report, ranked with the single-source points.
            shared = len({by_id[c].source_id for c in stated[1]}) > 1
            kind = SummaryKind.consensus if shared else SummaryKind.attributed
            candidates.append(Item.of((1, n) if shared else (3, n), kind, stated, g.group_id))
        candidates += _uncredited_versions(g.claim_ids, g.group_id, stated, b, n)
    singles = sorted(
        (g for g in chosen if g.status is GroupStatus.single_source),
        key=lambda g: (-closeness.get(g.group_id, 0.0), group_position(g)),
    )
    turn: Counter[str] = Counter()
    for n, g in enumerate(singles):
        score = closeness.get(g.group_id, 0.0)
        opener = any(b.opens_its_article(by_id[c], EVENT_SENTENCES) for c in g.claim_ids)
        tells_headline = bool(headed & set(g.claim_ids))
        if tells_headline or g.group_id in voices:
            # The outlet's headline point (or a voice) bears on the story whatever its words.
            score = max(score, SINGLE_MIN_RELEVANCE)
        if score < SINGLE_FLOOR and not opener:
            # An aside (another event, an earlier year). An article's opening report is about
            # the event whatever words it uses: "Ocasio-Cortez and Khanna ... will vote against
            # ... Pelosi's rules package" names people the others do not (NeuS raters: "covers
            # only Outlet A").
            continue
        # Points that bear on the story first; then, to fill a short summary, each outlet's
        # next report in turn.
        tier = 3 if score >= SINGLE_MIN_RELEVANCE else 4
        turn[g.source_ids[0]] += 1
        stated = b.point([by_id[c] for c in g.claim_ids], prefer_outlet=False)
        if stated is not None:
            order = n if tier == 3 else turn[g.source_ids[0]] * 100 + group_position(g)
            item = Item.of(
                (tier, order),
                SummaryKind.attributed,
                stated,
                g.group_id,
                aside=score < SINGLE_FLOOR,
            )
            item.headline, item.voice = tells_headline, voices.get(g.group_id, "")
            candidates.append(item)
    if not any(c.kind is SummaryKind.lead for c in candidates):
        _promote_lead(candidates, closeness, b)
    progress(Progress("summary", 1, 3))

    kept: list[Item] = []
    later: list[Item] = []
    spent = 0
    for item in _by_importance(candidates, kept, b):
        if kept and spent + item.n_words > budget:
            continue
        if item.order[0] == 4 and spent >= FILL_SHARE * budget:
            continue
        if {c.claim_id for c in item.worded} & {c.claim_id for k in kept for c in k.worded}:
            continue  # one claim's words, one place in the summary
        if item.voice and any(item.voice in k.text for k in kept):
            continue  # the person is heard already
        told = [k.text for k in kept]
        if (
            item.order[0] >= 3
            and novelty(item.text, told) < NOVELTY_MIN
            and not new_figure(item.text, " ".join(told))
        ):
            b.dropped.append(f"{item.text[:60]}…: repeated: adds nothing the summary has not said")
            continue
        if item.order[0] >= 3 and _narration(item):
            again = restates(item.text, told)
            if again is not None and not new_figure(item.text, again):
                b.dropped.append(f"{item.text[:60]}…: repeated: tells again '{again[:40]}…'")
                continue
        if item.order[0] >= 3 and _narration(item) and thin(item.text):
            b.dropped.append(f"{item.text[:60]}…: too thin: names no one and gives no figure")
            continue
        if item.order[0] >= 3 and _retold_lead(item, kept, groups, b):
            b.dropped.append(f"{item.text[:60]}…: repeated: another outlet's lead, told again")
            continue
        item = _without_told(item, told)  # chosen as written, shown without what was told
        accepted = b.accept(item, kept, later=later)
        if not accepted and item in later and (full := in_full(item, b, kept)) is not None:
            # A surname the summary has not introduced: written as its article's full name
            # rather than held back (held back, it lost its place in the budget: BASIL, "Jim
            # DeMint, who said ...").
            later.remove(item)
            item, accepted = full, spent + full.n_words <= budget
        if not accepted and item.fallback is not None and item not in later:
            item = item.fallback  # rebuilt plainer: the failing sentence is never shown
            accepted = spent + item.n_words <= budget and b.accept(item, kept)
        if accepted:
            kept.append(item)
            spent += item.n_words
    for item in later:
        for version in (item, item.fallback):
            if version is None or spent + version.n_words > budget:
                continue
            if b.accept(version, kept):
                kept.append(version)
                spent += version.n_words
                break
    kept = _introduced_first(sorted(kept, key=lambda it: _reading_order(it, b)), b)
    kept = reports_again(named_again(with_titles(said_again(merge_consensus(kept, b), b), b), b), b)
    kept = loaded_quoted(kept, b)
    progress(Progress("summary", 2, 3))

    for line in b.dropped:
        warnings.append(RunWarning(step="summary", message=f"sentence left out: {line}"))
    headline = _headline(model_headline, kept, sources)
    lead_item = next((it for it in kept if it.kind is SummaryKind.lead), None)
    if headline and lead_item and b.loaded_opening(headline, lead_item.worded):
        headline = None  # one outlet's adjective ("a sweeping denunciation") names no event
    _fill_questions(groups, shown, by_id, b.outlet)
    out = [
        SummarySentence(
            text=it.text,
            kind=it.kind,
            claim_ids=it.claim_ids,
            source_ids=sorted({by_id[c].source_id for c in it.claim_ids}),
            group_id=it.group_id,
            written_by=it.written_by,
        )
        for it in kept
    ]
    progress(Progress("summary", 3, 3))
    note = None if out else "No claims could be aligned or summarised."
    return Summary(sentences=out, note=note, headline=headline)


def _promote_lead(candidates: list[Item], closeness: dict[str, float], b: Builder) -> None:
    """With no event the outlets word alike, the lead is an opening report (one of its
    article's first sentences) in an outlet's own voice, the one closest to what the others
    report; it stays credited to its outlet alone."""
    openers = [
        it
        for it in candidates
        if it.kind in {SummaryKind.consensus, SummaryKind.attributed}
        and it.worded
        and b.opens_its_article(it.worded[0], LEAD_SENTENCES)
        and it.body
        and not it.aside
    ]
    if not openers:
        return
    best = min(
        openers,
        key=lambda it: (
            # An opener that could not stand first (a surname before the full name, a
            # pronoun) would be dropped, leaving no lead: one that can, first.
            bool(sentence_problems(it.text, it.worded, b.sources)),
            # The lead is the summary's own voice: an opener free of one outlet's adjectives
            # ("a sweeping denunciation") first.
            bool(b.loaded_opening(it.body, it.worded)),
            # A quotation tells what someone said, not what happened (NeuS impeachment:
            # Nadler's "The framers of the Constitution prescribed ..." had led).
            said_by(it.text) is not None,
            # A news lead names its actor: "Top aides to Gov. Andrew Cuomo altered ..." before
            # "The number — more than 9,000 — was not public", and "Democrats said that they
            # will introduce two articles of impeachment" before "One article is on abuse of
            # power, the second is on ..." (NeuS raters: "opens without saying who").
            not names_someone(it.body),
            it.worded[0].asserter.kind is not AsserterKind.outlet,
            # The outlet telling what someone said ("Choïgu insisted to Lecornu on ...") is a
            # report of words, not the event: plain narration of what happened first.
            it.worded[0].speaker is not None,
            -round(closeness.get(it.group_id or "", 0.0), 2),
            it.worded[0].sentence_ids[0],
        ),
    )
    best.kind, best.order = SummaryKind.lead, (0, 0)
    claim = best.worded[0]
    if claim.asserter.kind is AsserterKind.outlet and claim.speaker is None:
        # The lead states the report; its outlet is its credit ("…  (Outlet A).").
        best.text = f"{cap(best.body)} ({b.outlet[claim.source_id]})."


def _reading_order(item: Item, b: Builder) -> tuple[int, float, tuple[int, int]]:
    """The lead, then the differences, then every other point in the order the articles
    tell them (each at its place in its own article): the event and its context before the
    details and the reactions. Ranked by importance instead, a detail could come before the
    context it needs (NeuS and BASIL raters: "the appeals ruling, the news, comes last", "the
    apology comes before what happened", "the fund-raiser setting comes near the end")."""
    if item.kind is SummaryKind.lead:
        return (0, 0.0, item.order)
    if item.kind is SummaryKind.disputed:
        return (1, 0.0, item.order)
    cited = item.worded or [b.claims[c] for c in item.claim_ids if c in b.claims]
    return (2, min((b.place(c) for c in cited), default=1.0), item.order)


def _introduced_first(items: list[Item], b: Builder) -> list[Item]:
    """In reading order, a sentence that names a person by surname alone comes after the one
    that introduces the full name ("Sergei Shoigu ..." before "Shoigu warned ..."): each is
    moved past the first sentence that introduces it; the lead stays first."""
    out: list[Item] = []
    waiting: list[Item] = []
    for it in items:
        if it.kind is not SummaryKind.lead and _unintroduced(it, out, b):
            waiting.append(it)
            continue
        out.append(it)
        for w in [w for w in waiting if not _unintroduced(w, out, b)]:
            waiting.remove(w)
            out.append(w)
    return out + waiting


def _unintroduced(item: Item, before: Sequence[Item], b: Builder) -> bool:
    cited = [b.claims[c] for c in item.claim_ids]
    problems = sentence_problems(item.text, cited, b.sources, earlier=[d.text for d in before])
    return any(p.rule_id == "name_unintroduced" for p in problems)


def _by_importance(items: list[Item], kept: Sequence[Item], b: Builder) -> Iterator[Item]:
    """The order the budget is spent in: the lead, then differences and agreements in turn
    (the first difference, the first agreement, the second of each, ...), then the rest. The
    rest come one at a time, each from the outlet the summary has cited least so far (read
    from `kept` as it grows): readers marked summaries that told one outlet's story and
    left the others' out (NeuS rounds 4-7, "covers only Outlet A"); among one outlet's, a
    report in plain words before one carrying words only that outlet uses ("gobsmacked
    Republicans", "an extraordinary blow": attributed, but readers marked them as framing)."""
    claims = b.claims
    kinds = {SummaryKind.disputed: 0, SummaryKind.consensus: 1}

    def rank(it: Item) -> tuple[int, int, int]:
        tier = 0 if it.kind is SummaryKind.lead else it.order[0] if it.kind not in kinds else 1
        return (tier, it.order[1], kinds.get(it.kind, 0))

    ordered = sorted(items, key=rank)
    yield from (it for it in ordered if rank(it)[0] < 3)
    rest = [it for it in ordered if rank(it)[0] >= 3]
    framing = {id(it): bool(b.loaded_opening(it.body, it.worded)) for it in rest}
    position = {id(it): n for n, it in enumerate(rest)}
    while rest:
        cited = Counter(claims[c].source_id for k in kept for c in k.claim_ids if c in claims)
        item = min(
            rest,
            key=lambda it: (
                rank(it)[0],
                not it.headline,
                min(cited[c.source_id] for c in it.worded) if it.worded else 0,
                framing[id(it)],
                position[id(it)],
            ),
        )
        rest.remove(item)
        yield item


def _retold_lead(
    item: Item, kept: Sequence[Item], groups: Sequence[ClaimGroup], b: Builder
) -> bool:
    """The item is another outlet's opening report, telling again the event the lead told
    (`retells_lead`); that outlet's later reports add what it has that the lead lacks."""
    lead = next((k for k in kept if k.kind is SummaryKind.lead), None)
    if lead is None or not _narration(item):
        return False  # someone's words are that party's, not a retelling of the event
    if item.group_id is not None and item.group_id == _group_of(lead.claim_ids[:1], groups):
        # Another outlet's version of the lead's own point stays: its details and its framing
        # are what that outlet adds (dropping those without a new name or figure cost
        # completeness and the differences readers found, NeuS round 18).
        return False
    if not all(b.opens_its_article(c, LEAD_SENTENCES) for c in item.worded):
        return False
    led = {b.claims[c].source_id for c in lead.claim_ids if c in b.claims}
    if {c.source_id for c in item.worded} & led:
        return False  # the lead's own outlet goes on with its story
    return retells_lead(item.text, lead.text)


def _without_told(item: Item, told: Sequence[str]) -> Item:
    """An outlet's own report after the lead, without the phrases the summary has told
    (`summary_told.without_told`); the sentence as written stays its fallback."""
    if item.order[0] < 3 or not _narration(item):
        return item
    text = without_told(item.text, told)
    return item if text is None else replace(item, text=text, fallback=item)


def _narration(item: Item) -> bool:
    """The sentence tells an outlet's own account of events, not someone's words."""
    return bool(item.worded) and all(_own_narration(c) for c in item.worded)


def _own_narration(claim: Claim) -> bool:
    return claim.speaker is None and claim.asserter.kind is AsserterKind.outlet


def _group_of(ids: Sequence[str], groups: Sequence[ClaimGroup]) -> str | None:
    return next((g.group_id for g in groups if set(ids) <= set(g.claim_ids)), None)


def _uncredited_versions(
    ids: Sequence[str],
    group_id: str | None,
    stated: Stated | None,
    b: Builder,
    n: int,
) -> list[Item]:
    """An agreed point's other outlets, where the sentence stating it could not be credited
    to them: their own narration of it, as a candidate like a single-source point, so that an
    outlet's details ("stopped on his way to Sweden ... because of a ban", NeuS) are not lost
    behind another outlet's wording. The selection drops it when it adds nothing new."""
    if stated is None:
        return []
    credited = {b.claims[c].source_id for c in stated[1] if c in b.claims}
    out: list[Item] = []
    for sid in dict.fromkeys(b.claims[c].source_id for c in ids if c in b.claims):
        if sid in credited:
            continue
        # The outlet's own narration only: its account of someone's words is the point
        # already stated, and on long articles (BASIL) those members are where the
        # attribution is weakest ("Many said that Steele will call it").
        mine = [b.claims[c] for c in ids if c in b.claims and b.claims[c].source_id == sid]
        told = [c for c in mine if _own_narration(c)]
        other = b.point(told or mine, prefer_outlet=False) if mine else None
        if other is not None and not told and not new_figure(other[0], stated[0]):
            # A party's words are shown only when they give figures the stated sentence lacks
            # ("More than 60 percent of Americans said that ...", NeuS poll: raters marked
            # "gives no figures"); otherwise they are the point already stated.
            other = None
        if other is not None:
            out.append(Item.of((3, n), SummaryKind.attributed, other, group_id))
    return out


def _headline(proposed: str | None, kept: Sequence[Item], sources: Sequence[Source]) -> str | None:
    """The event in neutral words: the model's verified headline, else the core of the lead's
    clause (subject, verb, object; no apposition or subordinate clause)."""
    if proposed and not headline_problems(proposed, sources):
        return proposed
    lead = next((it for it in kept if it.kind is SummaryKind.lead), None)
    if lead is None or not lead.body:
        return None
    text = core(lead.body, HEADLINE_MAX_WORDS)
    if text is None or len(words(text)) > HEADLINE_MAX_WORDS:
        return None
    return text if not headline_problems(text, sources) else None


def _fill_questions(
    groups: Sequence[ClaimGroup],
    shown: Sequence[Dispute],
    claims: dict[str, Claim],
    outlets: dict[str, str],
) -> None:
    """Each disputed group's `question` (the model's verified one for the points shown, else
    the template's). The groups are the run's own objects: set in place, as the last step
    that reads them."""
    named = {d.group.group_id: d.question or question_for(d) for d in shown if d.shown}
    for g in groups:
        if g.status is not GroupStatus.disputed:
            continue
        if g.group_id in named:
            g.question = named[g.group_id]
            continue
        d = choose_dispute(g, claims, outlets)
        g.question = question_for(d) if d is not None else None
