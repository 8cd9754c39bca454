"""Non-English articles (issue 19, defect 8): the language is detected per article and recorded
on its Source, a warning says attribution is English-only, and nothing is credited wrongly: a
non-English article's claims are its outlet's voice, flagged by rule id."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from service.config import Settings
from service.datasets import load_basil, load_neus
from service.llm.fake import FakeBackend
from service.llm.fake_responder import fake_responder
from service.llm.structured import StructuredLLM
from service.pipeline.accounts import OUTLET_VOICE
from service.pipeline.guards import NOT_ENGLISH_RULE
from service.pipeline.reconcile import reconcile
from service.schemas import ArticleIn, AsserterKind
from service.text.language import detect_language
from tests.conftest import SEEDS

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "datasets"

# The probe of issue 19 (a ministry's denial in French reported speech), then a wire-style
# paragraph with the same shape: a quotation, a named speaker, an institution.
FRENCH = (
    "« Nous ne négocierons pas », a affirmé le ministère.\n"
    "Le ministre de la Défense Sébastien Lecornu a rejeté jeudi toute idée de pourparlers avec "
    "Moscou, selon un communiqué publié par l'Élysée. Sergueï Choïgou a déclaré que la France "
    "préparait l'envoi de troupes en Ukraine, ce que Paris dément.\n"
    "« Il n'y a eu aucune discussion sur des négociations », a précisé une source proche du "
    "dossier, qui a demandé à ne pas être nommée."
)


def _spacy_examples(lang: str) -> str:
    """spaCy's own example sentences for a language (real text shipped with spaCy)."""
    return " ".join(importlib.import_module(f"spacy.lang.{lang}.examples").sentences)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", FRENCH),
        *[(lang, _spacy_examples(lang)) for lang in ("fr", "de", "es", "it", "pt", "nl")],
        ("und-Cyrl", _spacy_examples("ru")),
    ],
)
def test_non_english_text_is_detected(lang: str, text: str) -> None:
    found = detect_language(text)
    assert found.language == lang and lang in found.name


def _english_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]  # French names, machine-translated
    texts += [a.text for e in load_basil(FIXTURES / "basil") for a in e.articles]
    texts += [a.text for e in load_neus(FIXTURES / "neus" / "test.source") for a in e.articles]
    return texts


def test_english_news_is_english() -> None:
    texts = _english_texts()
    assert len(texts) >= 10
    assert [detect_language(t).language for t in texts] == ["en"] * len(texts)


def test_the_real_data_sets_are_english() -> None:
    """BASIL, NeuS and PolNeAR train + dev: 1,074 English news articles."""
    from tests.shared_data import require_shared

    texts = [a.text for e in load_basil(require_shared("basil")) for a in e.articles]
    texts += [a.text for e in load_neus(require_shared("neus", "test.source")) for a in e.articles]
    texts += [p.read_text("utf-8") for p in sorted(require_shared("polnear").glob("*/text/*"))]
    assert len(texts) > 1000
    assert not [t[:80] for t in texts if detect_language(t).language != "en"]


def test_short_text_stays_english_and_english_with_french_quotes_too() -> None:
    assert detect_language("Le ministre a dit non.").language == "en"  # too few words to tell
    mixed = (
        "The French defence minister told reporters on Thursday that Paris would not take part "
        "in any talks, adding « Nous ne négocierons pas » before leaving the press conference, "
        "and officials in Moscow said they had expected the answer."
    )
    assert detect_language(mixed).language == "en"


async def test_a_french_article_credits_no_party_and_is_flagged(settings: Settings) -> None:
    english = ArticleIn(text=SEEDS[1].read_text(encoding="utf-8"), outlet="AFP")
    french = ArticleIn(text=FRENCH, outlet="Le Monde")
    rec = await reconcile(
        [english, french],
        llm=StructuredLLM(FakeBackend(responder=fake_responder)),
        settings=settings,
    )
    en, fr = rec.sources
    assert (en.language, fr.language) == ("en", "fr")
    warned = [w for w in rec.warnings if w.source_id == fr.source_id and w.step == "sources"]
    assert len(warned) == 1 and "reads as French (fr), not English" in warned[0].message
    assert warned[0].rule_id == "language.function-words"
    account = next(a for a in rec.accounts if a.source_id == fr.source_id)
    claims = [*account.claims, *account.editorial]
    assert claims
    for claim in claims:
        assert claim.asserter.kind is AsserterKind.outlet and claim.asserter.name == OUTLET_VOICE
        assert claim.speaker is None
        assert NOT_ENGLISH_RULE in claim.rule_ids
    assert account.quotes and all(q.speaker is None and q.via is None for q in account.quotes)
    # The English article is read as before: parties are credited there.
    english_claims = next(a for a in rec.accounts if a.source_id == en.source_id).claims
    assert any(c.asserter.kind is not AsserterKind.outlet for c in english_claims)
    assert not [w for w in rec.warnings if w.source_id == en.source_id and w.step == "sources"]
