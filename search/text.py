"""French text normalisation shared by the index, the Python backend and the excerpts.

It mirrors the PostgreSQL `french_unaccent` configuration (see migration 0002): split into
words, lowercase, strip accents, drop Snowball's French stop words (checked after accents are
stripped, as PostgreSQL does), then apply the Snowball French stemmer. So "Coopérations",
"coopération" and "cooperation" all become "cooper".
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

import snowballstemmer

# Letters and digits; apostrophes, hyphens, underscores and punctuation separate words, as in
# PostgreSQL's default parser ("l'Union" -> "l", "union").
WORD_RE = re.compile(r"[^\W_]+")

# Snowball's French stop list, as PostgreSQL ships it (tsearch_data/french.stop).
_STOP_LIST = """
    au aux avec ce ces dans de des du elle en et eux il je la le leur lui ma mais me même mes
    moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton
    tu un une vos votre vous c d j l à m n s t y été étée étées étés étant étante étants
    étantes suis es est sommes êtes sont serai seras sera serons serez seront serais serait
    serions seriez seraient étais était étions étiez étaient fus fut fûmes fûtes furent sois
    soit soyons soyez soient fusse fusses fût fussions fussiez fussent ayant ayante ayantes
    ayants eu eue eues eus ai as avons avez ont aurai auras aura aurons aurez auront aurais
    aurait aurions auriez auraient avais avait avions aviez avaient eut eûmes eûtes eurent aie
    aies ait ayons ayez aient eusse eusses eût eussions eussiez eussent"""
FRENCH_STOP_WORDS = frozenset(_STOP_LIST.split())

# Letters that Unicode decomposition leaves alone but PostgreSQL's unaccent rules rewrite.
_LIGATURES = str.maketrans(
    {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ı": "i", "ħ": "h"}
)

_stemmer = snowballstemmer.stemmer("french")


def unaccent(text: str) -> str:
    text = text.lower().translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def normalise_word(word: str) -> str | None:
    """The index term for one word, or None for a stop word."""
    plain = unaccent(word)
    if not plain or plain in FRENCH_STOP_WORDS:
        return None
    return _stemmer.stemWord(plain)


def terms(text: str) -> list[str]:
    """Index terms of a text, in order, stop words removed."""
    out = []
    for match in WORD_RE.finditer(text):
        term = normalise_word(match.group())
        if term:
            out.append(term)
    return out


def clean_query(raw: str) -> str:
    """The query as the backends see it: control characters and lone surrogates (which the
    database drivers reject) become spaces, runs of spaces collapse."""
    cleaned = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Cs", "Zl", "Zp"} else ch for ch in raw
    )
    return " ".join(cleaned.split())


# Queries also drop what the stop list misses once accents are gone ("à" -> "a", "été" ->
# "ete") and a few frequent function words it lacks; documents keep them (harmless there).
QUERY_STOP_WORDS = FRENCH_STOP_WORDS | {
    *(unaccent(w) for w in FRENCH_STOP_WORDS),
    *("les", "cet", "cette", "cettes", "leurs", "dont", "ni", "car", "où", "ça", "ca", "ci"),
}


def query_words(query: str) -> list[str]:
    """The words of a query that are searched for, as typed."""
    return [w for w in WORD_RE.findall(query) if unaccent(w) not in QUERY_STOP_WORDS]


def query_terms(query: str) -> list[str]:
    """Distinct index terms of a query, in order."""
    return list(dict.fromkeys(t for t in map(normalise_word, query_words(query)) if t))


EXCERPT_CHARS = 200
_LEAD_WORDS = 8
# Only the start of a very long text is searched for the excerpt.
EXCERPT_SCAN_CHARS = 20_000


def excerpt(text: str, wanted: set[str], *, length: int = EXCERPT_CHARS) -> str:
    """About `length` characters of `text` around the first matched word, HTML-escaped, with
    every matched word wrapped in <mark>."""
    text = " ".join(text[:EXCERPT_SCAN_CHARS].split())
    if not text:
        return ""
    start = 0
    recent: list[int] = []  # starts of the last few words, to open the window before a match
    for match in WORD_RE.finditer(text):
        if normalise_word(match.group()) in wanted:
            if match.end() > length * 2 // 3:
                start = recent[0] if recent else match.start()
            break
        recent = [*recent[-(_LEAD_WORDS - 1) :], match.start()]
    end = min(len(text), start + length)
    if end < len(text):
        # Cut at a word boundary.
        space = text.rfind(" ", start, end)
        if space > start:
            end = space
    window = text[start:end]
    parts = ["…"] if start > 0 else []
    cursor = 0
    for match in WORD_RE.finditer(window):
        if normalise_word(match.group()) in wanted:
            parts.append(html.escape(window[cursor : match.start()]))
            parts.append(f"<mark>{html.escape(match.group())}</mark>")
            cursor = match.end()
    parts.append(html.escape(window[cursor:]))
    if end < len(text):
        parts.append("…")
    return "".join(parts)
