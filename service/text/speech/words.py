"""The word lists and patterns that attribution rules read (English reporting grammar)."""

from __future__ import annotations

import re

_SPEECH_LEMMAS = frozenset(
    """say tell state stress acknowledge warn add reiterate note insist claim argue confirm
    announce explain declare assert allege maintain write tweet report suggest remind deny
    reject point counter reply admit concede chide criticize criticise accuse hope propose urge
    dismiss denounce refute rebuff pledge vow indicate emphasize emphasise underline recall
    affirm reaffirm contend predict estimate believe think quote respond retort testify
    complain announce agree disagree""".split()
)
# "think"/"believe"/"hope" report a stance only with a clausal complement (checked below).
_STANCE_LEMMAS = frozenset("think believe hope agree disagree point".split())
DENIAL_LEMMAS = frozenset("deny reject dismiss denounce refute rebuff disagree".split())
_BACKREF_NOUNS = frozenset(
    """claim idea assertion allegation report reports statement narrative suggestion
    accusation version account notion charge story theory rumour rumor""".split()
)
_PERSON_PRONOUNS = frozenset("he she him her".split())
_GROUP_PRONOUNS = frozenset("it they".split())
_ANON_HEADS = frozenset(
    "source sources insider insiders diplomat diplomats information reports".split()
)
_OFFICIAL_HEADS = frozenset("official officials spokesperson aide aides".split())
_INSTITUTION_WORDS = frozenset(
    """ministry ministries government administration department office agency army military
    police committee council commission parliament senate congress court embassy party kremlin
    presidency cabinet command forces service services authorities authority statement side
    sides union bank company group organization organisation campaign team board white house
    pentagon""".split()
)
_ROLE_WORDS = frozenset(
    """minister president spokesman spokeswoman chairman chairwoman leader secretary ambassador
    general envoy chief premier chancellor senator governor mayor counterpart candidate
    lawmaker congressman congresswoman representative judge director ceo commander
    prosecutor attorney""".split()
)
_ABBREVIATIONS = {
    "gov": "governor",
    "sen": "senator",
    "rep": "representative",
    "pres": "president",
    "sec": "secretary",
    "gen": "general",
    "amb": "ambassador",
}
_OUTLET_WORDS = frozenset(
    """journal post times daily news tribune herald telegraph guardian monde reuters afp ap
    tass ria interfax bbc cnn fox nbc cbs abc msnbc npr press agency gazette magazine newsweek
    politico axios bloomberg xinhua""".split()
)
_DENIAL_CONTENT = re.compile(
    r"\b(?:den(?:y|ies|ied|ying|ial|ials)|reject(?:s|ed|ing|ion)?|refut(?:e|es|ed|ing)|"
    r"dismiss(?:es|ed|ing)?|denounc(?:e|es|ed|ing)|rebuff(?:s|ed)?|neither\b.{1,120}?\bnor|"
    r"no\s+(?:information|evidence|proof)\b|never\s+(?:said|agreed))\b",
    re.IGNORECASE,
)
_TRIM = " \t\n,;:-—–\"“”‘’«»'"

_NEEDS_COMPLEMENT = frozenset(
    """tell warn remind urge propose suggest indicate note add point hope think believe agree
    disagree predict estimate recall pledge vow complain respond accuse criticize criticise
    chide""".split()
)
