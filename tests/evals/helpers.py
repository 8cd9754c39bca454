"""Hand-made cases and outputs for the scorer tests: one good output, one bad output."""

from __future__ import annotations

from service.evals.dataset import Case
from service.evals.judge import Judge
from service.evals.labels import CaseLabels
from service.evals.scorers.context import ScoreContext, Scorer
from service.evals.scorers.score import Score
from service.llm.fake import FakeBackend
from service.llm.fake_responder import fake_responder
from service.llm.structured import StructuredLLM
from service.schemas import (
    ArticleIn,
    AsserterKind,
    Claim,
    ClaimGroup,
    ClaimKind,
    GroupStatus,
    Quote,
    Reconciliation,
    Side,
    Source,
    SourceAccount,
    Span,
    Summary,
    SummaryKind,
    SummarySentence,
)
from tests import builders

TEXT1 = (
    "Shoigu and Lecornu spoke by phone on Wednesday. "
    "Paris plans to send troops to Ukraine. "
    "Sending troops can only lead to nuclear war."
)
TEXT2 = (
    "Shoigu and Lecornu spoke by phone on Wednesday. "
    "The Russian defence ministry said readiness for dialogue on Ukraine was noted. "
    '"France neither accepted nor proposed anything," a source close to Lecornu said.'
)
F01 = "Shoigu and Lecornu spoke by phone on Wednesday."
F02 = "The Russian defence ministry said readiness for dialogue on Ukraine was noted."
F03 = "A source close to Lecornu said France neither accepted nor proposed anything."
F04 = "Paris plans to send troops to Ukraine."
E01 = "Sending troops can only lead to nuclear war."


def labels() -> CaseLabels:
    return CaseLabels.model_validate(
        {
            "rules": ["test"],
            "case_id": "mini",
            "sources": [
                {"id": "S1", "file": "a.txt", "outlet": "Site", "description": "partisan"},
                {"id": "S2", "file": "b.txt", "outlet": "AFP", "description": "wire"},
            ],
            "facts": [
                {
                    "id": "F01",
                    "statement": F01,
                    "status": "consensus",
                    "reported_by": [
                        {
                            "source": "S1",
                            "asserter": "the outlet",
                            "asserter_kind": "outlet",
                            "evidence": "Shoigu and Lecornu spoke",
                        },
                        {
                            "source": "S2",
                            "asserter": "the outlet",
                            "asserter_kind": "outlet",
                            "evidence": "Shoigu and Lecornu spoke",
                        },
                    ],
                },
                {
                    "id": "F02",
                    "statement": F02,
                    "status": "disputed",
                    "conflicts_with": ["F03"],
                    "reported_by": [
                        {
                            "source": "S2",
                            "asserter": "Russian Defense Ministry",
                            "asserter_kind": "institution",
                            "evidence": "readiness for",
                        }
                    ],
                },
                {
                    "id": "F03",
                    "statement": F03,
                    "status": "disputed",
                    "conflicts_with": ["F02"],
                    "reported_by": [
                        {
                            "source": "S2",
                            "asserter": "a source close to Lecornu",
                            "asserter_kind": "anonymous_source",
                            "evidence": "neither accepted",
                        }
                    ],
                },
                {
                    "id": "F04",
                    "statement": F04,
                    "status": "single_source",
                    "reported_by": [
                        {
                            "source": "S1",
                            "asserter": "the outlet",
                            "asserter_kind": "outlet",
                            "evidence": "Paris plans",
                        }
                    ],
                },
            ],
            "framing": [
                {
                    "id": "E01",
                    "source": "S1",
                    "text": "can only lead to nuclear war",
                    "why": "prediction",
                    "assertion": E01,
                }
            ],
            "omissions": [
                {"source": "S1", "facts": ["F02", "F03"]},
                {"source": "S2", "facts": ["F04"]},
            ],
        }
    )


def case() -> Case:
    return Case(
        case_id="mini",
        dataset="seeds",
        name="mini",
        articles=[
            ArticleIn(text=TEXT1, outlet="Site", origin="a.txt"),
            ArticleIn(text=TEXT2, outlet="AFP", origin="b.txt"),
        ],
        labels=labels(),
        gold_sources={"S1": 0, "S2": 1},
    )


def span(text: str, part: str) -> Span:
    i = text.index(part)
    return Span(start=i, end=i + len(part), text=part)


def claim(
    cid: str,
    text: str,
    sentence: str,
    statement: str,
    asserter: str,
    kind: AsserterKind = AsserterKind.outlet,
) -> Claim:
    """A claim whose evidence is `sentence` in `text`."""
    return builders.claim(
        cid,
        cid.split(".")[0],
        statement,
        asserter,
        ClaimKind.reported_fact if kind is AsserterKind.outlet else ClaimKind.attributed_claim,
        asserter_kind=kind,
        evidence=span(text, sentence),
    )


def sources() -> list[Source]:
    return [
        Source(source_id="S1", outlet="Site", origin="a.txt", text=TEXT1, sentences=[]),
        Source(source_id="S2", outlet="AFP", origin="b.txt", text=TEXT2, sentences=[]),
    ]


def rec(
    accounts: list[SourceAccount], groups: list[ClaimGroup], sentences: list[SummarySentence]
) -> Reconciliation:
    return Reconciliation(
        backend="fake",
        model="m",
        sources=sources(),
        accounts=accounts,
        groups=groups,
        summary=Summary(sentences=sentences),
        steps=[],
    )


def good() -> Reconciliation:
    s1 = [
        claim("S1.C1", TEXT1, F01, F01, "the outlet"),
        claim("S1.C2", TEXT1, F04, F04, "the outlet"),
    ]
    q_text = "France neither accepted nor proposed anything,"
    q = span(TEXT2, q_text)
    s2 = [
        claim("S2.C1", TEXT2, F01, F01, "the outlet"),
        claim("S2.C2", TEXT2, F02, F02, "Russian defence ministry", AsserterKind.institution),
        claim(
            "S2.C3",
            TEXT2,
            TEXT2[TEXT2.index('"') :],
            F03,
            "source close to Lecornu",
            AsserterKind.anonymous_source,
        ),
    ]
    accounts = [
        SourceAccount(
            source_id="S1", outlet="Site", claims=s1, editorial=[], quotes=[], omits=["G1"]
        ),
        SourceAccount(
            source_id="S2",
            outlet="AFP",
            claims=s2,
            editorial=[],
            quotes=[
                Quote(
                    quote_id="S2.Q1",
                    source_id="S2",
                    start=q.start,
                    end=q.end,
                    text=q.text,
                    speaker="source close to Lecornu",
                )
            ],
            omits=["G3"],
        ),
    ]
    groups = [
        ClaimGroup(
            group_id="G1",
            status=GroupStatus.disputed,
            point="talks",
            claim_ids=["S2.C2", "S2.C3"],
            source_ids=["S2"],
            how_formed="t",
            sides=[
                Side(
                    version=F02,
                    claim_ids=["S2.C2"],
                    holders=["Russian defence ministry"],
                    source_ids=["S2"],
                ),
                Side(
                    version=F03,
                    claim_ids=["S2.C3"],
                    holders=["source close to Lecornu"],
                    source_ids=["S2"],
                ),
            ],
        ),
        ClaimGroup(
            group_id="G2",
            status=GroupStatus.agreed,
            point="call",
            claim_ids=["S1.C1", "S2.C1"],
            source_ids=["S1", "S2"],
            how_formed="t",
            sides=[
                Side(
                    version=F01,
                    claim_ids=["S1.C1", "S2.C1"],
                    holders=["the outlet"],
                    source_ids=["S1", "S2"],
                )
            ],
        ),
        ClaimGroup(
            group_id="G3",
            status=GroupStatus.single_source,
            point="troops",
            claim_ids=["S1.C2"],
            source_ids=["S1"],
            how_formed="t",
            sides=[
                Side(version=F04, claim_ids=["S1.C2"], holders=["the outlet"], source_ids=["S1"])
            ],
        ),
    ]
    sentences = [
        SummarySentence(
            text=F01,
            kind=SummaryKind.consensus,
            claim_ids=["S1.C1", "S2.C1"],
            source_ids=["S1", "S2"],
            written_by="model",
        ),
        SummarySentence(
            text=F02,
            kind=SummaryKind.disputed,
            claim_ids=["S2.C2"],
            source_ids=["S2"],
            written_by="model",
        ),
        SummarySentence(
            text=F03,
            kind=SummaryKind.disputed,
            claim_ids=["S2.C3"],
            source_ids=["S2"],
            written_by="model",
        ),
    ]
    return rec(accounts, groups, sentences)


def bad() -> Reconciliation:
    s1 = [claim("S1.C1", TEXT1, F04, "Weather in the region stayed mild all week.", "the outlet")]
    s2 = [
        claim("S2.C1", TEXT2, F02, F02, "the outlet"),  # found, but wrong asserter
        claim(
            "S2.C2",
            TEXT2,
            F01,
            "Markets rose sharply on oil news.",
            "Reuters",
            AsserterKind.institution,
        ),
    ]
    broken = s2[0].evidence[0].model_copy(update={"start": 0})  # offsets no longer hold
    s2[0] = s2[0].model_copy(update={"evidence": [broken]})
    accounts = [
        SourceAccount(
            source_id="S1",
            outlet="Site",
            claims=s1,
            editorial=[],
            quotes=[
                Quote(quote_id="S1.Q1", source_id="S1", start=0, end=5, text="Paris", speaker="X")
            ],
            omits=[],
        ),
        SourceAccount(
            source_id="S2", outlet="AFP", claims=s2, editorial=[], quotes=[], omits=["G1"]
        ),
    ]
    groups = [
        ClaimGroup(
            group_id="G1",
            status=GroupStatus.disputed,
            point="markets",
            claim_ids=["S1.C1", "S2.C2"],
            source_ids=["S1", "S2"],
            how_formed="t",
            sides=[
                Side(version="a", claim_ids=["S1.C1"], holders=["the outlet"], source_ids=["S1"]),
                Side(version="b", claim_ids=["S2.C2"], holders=["Reuters"], source_ids=["S2"]),
            ],
        ),
        ClaimGroup(
            group_id="G2",
            status=GroupStatus.single_source,
            point="x",
            claim_ids=["S2.C1"],
            source_ids=["S2"],
            how_formed="t",
            sides=[
                Side(version=F02, claim_ids=["S2.C1"], holders=["the outlet"], source_ids=["S2"])
            ],
        ),
    ]
    sentences = [
        # disputed fact asserted plainly, framing leaked, citation unrelated
        SummarySentence(
            text="Readiness for dialogue on Ukraine was noted during the call.",
            kind=SummaryKind.consensus,
            claim_ids=["S1.C1"],
            source_ids=["S1"],
            written_by="model",
        ),
        SummarySentence(
            text="Sending troops can only lead to nuclear war.",
            kind=SummaryKind.consensus,
            claim_ids=["S1.C1"],
            source_ids=["S1"],
            written_by="model",
        ),
    ]
    return rec(accounts, groups, sentences)


def fake_llm(*outputs: object) -> tuple[StructuredLLM, FakeBackend]:
    backend = FakeBackend(outputs, responder=fake_responder)  # type: ignore[arg-type]
    return StructuredLLM(backend, reask_budget=0), backend


def judge() -> Judge:
    return Judge(fake_llm()[0])


def pipeline_ctx(c: Case, r: Reconciliation, j: Judge | None = None) -> ScoreContext:
    return ScoreContext.of_pipeline(c, r, j or judge(), fact_k=3, summary_k=2)


def summary_ctx(c: Case, sentences: list[str], j: Judge | None = None) -> ScoreContext:
    return ScoreContext.of_baseline(c, sentences, [], j or judge(), summary_k=2)


async def scores(scorer: Scorer, ctx: ScoreContext) -> dict[str, Score]:
    """Run one scorer as the registry would (earlier results stay in ctx.scores)."""
    out = await scorer(ctx)
    ctx.scores += out
    return {s.name: s for s in out}


async def one(scorer: Scorer, ctx: ScoreContext) -> Score:
    (score,) = (await scores(scorer, ctx)).values()
    return score
