"""Which language an article is written in (offline, deterministic, no dependency).

The attribution rules (`service.text.speech`, a spaCy English parse, English cue verbs) only
read English. A French article's « Nous ne négocierons pas », a affirmé le ministère would
otherwise be read with English rules: nothing to find, or worse, a party credited wrongly. So
each article's language is detected first, recorded on its `Source`, and a non-English article
is kept in its outlet's voice with a warning.

How: the share of an article's words that are function words of each language. Function words
("the, of, and", "le, la, les, et", "der, die, und") make up 30-50% of running text in their
own language and almost none in another, so on article-length text the ratio separates the
languages it knows with a wide margin; it needs no model, no data download and no package, and
every decision can be read off the counts. Why not a package: the question here is "English or
not" on whole articles, which function words answer reliably, while the packages that bundle a
model (py3langid, lingua) add a dependency and megabytes for 100+ languages this pipeline cannot
analyse anyway. Scripts other than Latin are named by script ("und-Cyrl"), the words not being
needed to know they are not English.

Rules (ids recorded on the warning):
- `language.script`: over half the letters in one non-Latin script -> "und-<Script>".
- `language.function-words`: at least `MIN_WORDS` words; the language whose function words
  cover the largest share of the words, when that share is at least `MIN_SHARE` and beats
  English's by `MARGIN`; otherwise English (the default: short or mixed text stays English,
  as before this check existed).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ENGLISH = "en"
MIN_WORDS = 20
MIN_SHARE = 0.15
MARGIN = 1.5  # the winner's share must be at least this many times English's

# The most frequent function words of each language, minus those that are also common English
# words ("a", "in", "on", "is", "die", "me", "son"), which would blur the English share.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        """the of and to in is that for it was on with as he be at by this had not are but
        from have they his were which has said will would their been who an its after than
        also when there were about into more could over""".split()
    ),
    "fr": frozenset(
        """le la les des du et est une un que qui dans pour pas sur au aux avec ce il elle ont
        été sont par mais nous vous ou cette ses leur aussi plus être selon lors dont été ne
        qu d' l' c'est n'a s'est entre après comme""".split()
    ),
    "de": frozenset(
        """der die das und ist nicht ein eine zu den von mit sich des auf für im dem auch es
        als nach wie bei wird hat sind werden noch oder aus einer über zum zur nicht dass""".split()
    ),
    "es": frozenset(
        """el la los las de que y en un una del se por con para es al lo como más pero sus le
        ha fue este esta entre sobre también según hasta desde donde muy""".split()
    ),
    "it": frozenset(
        """il lo la gli le di che e è un una del della per con non si sono da dei nel alla
        anche ma ha come più questo dopo sul degli delle nella ai""".split()
    ),
    "pt": frozenset(
        """o os as de que e do da em um uma para com não por dos das no na se mais foi ao como
        mas é pelo pela seu sua também são ainda""".split()
    ),
    "nl": frozenset(
        """de het een en van dat op te niet zijn met voor er die aan ook als bij door om maar
        naar werd heeft wordt nog over dan uit deze""".split()
    ),
}
# Words shared with English are dropped from the other lists (see above).
_OTHERS = {
    lang: words - FUNCTION_WORDS[ENGLISH] - {"a", "in", "me", "son", "die", "is", "on", "as"}
    for lang, words in FUNCTION_WORDS.items()
    if lang != ENGLISH
}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SCRIPTS = {
    "CYRILLIC": "Cyrl",
    "GREEK": "Grek",
    "ARABIC": "Arab",
    "HEBREW": "Hebr",
    "CJK": "Hani",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "HANGUL": "Kore",
    "DEVANAGARI": "Deva",
    "THAI": "Thai",
}


NAMES = {
    "en": "English",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
}


@dataclass(frozen=True)
class Detection:
    language: str  # ISO 639-1 code, or "und-<Script>"
    rule_id: str
    evidence: str  # the counts the decision rests on

    @property
    def name(self) -> str:
        """'French (fr)', 'a text in Cyrillic script (und-Cyrl)'."""
        if self.language in NAMES:
            return f"{NAMES[self.language]} ({self.language})"
        script = next((k for k, v in _SCRIPTS.items() if f"und-{v}" == self.language), "")
        return f"a text in {script.title() or 'another'} script ({self.language})"


def detect_language(text: str) -> Detection:
    script = _script(text)
    if script is not None:
        return script
    words = [w.casefold().replace("’", "'") for w in _WORD.findall(text)]
    if len(words) < MIN_WORDS:
        return Detection(ENGLISH, "language.function-words", f"{len(words)} words: too few")
    english = sum(w in FUNCTION_WORDS[ENGLISH] for w in words) / len(words)
    shares = {lang: _share(words, vocab) for lang, vocab in _OTHERS.items()}
    best = max(shares, key=lambda lang: shares[lang])
    evidence = f"function words: {best} {shares[best]:.2f}, en {english:.2f} of {len(words)} words"
    if shares[best] >= MIN_SHARE and shares[best] >= MARGIN * english:
        return Detection(best, "language.function-words", evidence)
    return Detection(ENGLISH, "language.function-words", evidence)


def _share(words: list[str], vocab: frozenset[str]) -> float:
    # "l'armée", "qu'il": an elided article or conjunction counts as its function word.
    hits = sum(w in vocab or w.split("'")[0] + "'" in vocab for w in words)
    return hits / len(words)


def _script(text: str) -> Detection | None:
    counts: dict[str, int] = {}
    letters = 0
    for ch in text[:20_000]:
        if not ch.isalpha():
            continue
        letters += 1
        name = unicodedata.name(ch, "")
        for key in _SCRIPTS:
            if name.startswith(key):
                counts[key] = counts.get(key, 0) + 1
                break
    if not letters or not counts:
        return None
    key = max(counts, key=lambda k: counts[k])
    if counts[key] * 2 <= letters:
        return None
    return Detection(
        f"und-{_SCRIPTS[key]}",
        "language.script",
        f"{counts[key]} of {letters} letters are {key.title()}",
    )
