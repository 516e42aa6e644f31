"""Text as the search index and the ranking see it: one normalisation for documents and queries.

- NFKC folds full-width Latin and digits ("ＦＡＷＥＲ" -> "FAWER"), then traditional characters
  become simplified (OpenCC t2s, so 長春富維 finds 长春富维), then lower case.
- Chinese: runs of Han characters with the punctuation inside them dropped ("一汽-大众" is one run,
  一汽大众), cut into character unigrams and bigrams by tantivy's n-gram analyser (registered as
  "cjk" on the index). So 制动卡钳 shares 卡钳 with 卡钳, and a query of three bigrams can miss one.
- Latin: words of letters and digits; names keep their words as written (fuzzy queries catch
  typos), descriptions are stemmed ("brake calipers" and "brake caliper" share "calip").

No Django here: the benchmark's generator uses the same functions.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import tantivy

# Longer queries are cut here: nobody types more, and a 10,000-character paste must stay cheap.
MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 48

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"[{_HAN}]+")
_LATIN_WORD = re.compile(r"[a-z0-9]+")
# Between two Han characters, punctuation is dropped (一汽-大众 -> 一汽大众); spaces, Latin words
# and digits end a run ("长春 线束" is two words).
_HAN_GLUE = re.compile(f"(?<=[{_HAN}])[^a-z0-9\\s{_HAN}]+(?=[{_HAN}])")

CJK_ANALYZER_NAME = "cjk"
LATIN_ANALYZER_NAME = "latin"
STEMMED_ANALYZER_NAME = "stemmed"
PREFIX_ANALYZER_NAME = "prefix"
PREFIX_MAX = 24


@lru_cache(maxsize=1)
def _opencc():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    """Characters that t2s may change; text without any of them is returned as it is (most text
    is simplified already, and the converter costs ~0.2 ms a name)."""
    import opencc

    folder = Path(opencc.__file__).parent / "dictionary"
    chars: set[str] = set()
    with open(folder / "TSCharacters.txt", encoding="utf-8") as handle:
        for line in handle:
            key, _sep, values = line.rstrip("\n").partition("\t")
            if key not in values.split(" "):
                chars.add(key)
    return frozenset(chars)


def to_simplified(text: str) -> str:
    if not text or _traditional_chars().isdisjoint(text):
        return text
    return _opencc().convert(text)


def normalise(text: str | None, *, limit: int | None = None) -> str:
    """NFKC, simplified characters, lower case, single spaces; cut to `limit` characters."""
    text = unicodedata.normalize("NFKC", text or "")
    if limit is not None:
        text = text[: limit * 2]  # NFKC may grow the text; cut generously first
    text = to_simplified(text).lower()
    text = " ".join(text.split())
    return text[:limit] if limit is not None else text


def cjk_runs(normalised: str) -> list[str]:
    """The Han runs of normalised text: each is one value of a "cjk" field, so no gram
    straddles two runs."""
    return _HAN_RUN.findall(_HAN_GLUE.sub("", normalised))


def latin_words(normalised: str) -> list[str]:
    return _LATIN_WORD.findall(normalised)


def code_key(value: str) -> str:
    """A code as its letters and digits: "P2026-AB12CD" and "p2026 ab12cd" are p2026ab12cd."""
    return "".join(latin_words(normalise(value, limit=64)))


def has_meaning(normalised: str) -> bool:
    """False for text with neither a Han character nor a Latin letter or digit."""
    return bool(_HAN_RUN.search(normalised) or _LATIN_WORD.search(normalised))


# ---------------------------------------------------------------------------------------------
# Pinyin for short names and aliases (the registered name's pinyin is stored on the enterprise)


@lru_cache(maxsize=1)
def _pinyin_tables():
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    return phrases_dict, pinyin_dict


def _toneless(syllable: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", syllable) if not unicodedata.combining(c)
    ).replace("ü", "v")


@lru_cache(maxsize=200_000)
def fast_pinyin(value: str) -> tuple[str, str]:
    """Pinyin without tones and its initials, from pypinyin's phrase and character tables by
    longest match (20x faster than pypinyin's converter, which costs ~1 ms a name): 长春富维 ->
    ("changchunfuwei", "ccfw"). Good for short names and aliases; a rare polyphone may read
    differently from pypinyin's full segmentation."""
    phrases, chars = _pinyin_tables()
    syllables: list[str] = []
    i = 0
    while i < len(value):
        for length in (4, 3, 2):
            word = value[i : i + length]
            if len(word) == length and word in phrases:
                syllables.extend(_toneless(p[0]) for p in phrases[word])
                i += length
                break
        else:
            char = value[i]
            reading = chars.get(ord(char))
            if reading:
                syllables.append(_toneless(reading.split(",")[0]))
            elif char.isascii() and char.isalnum():
                syllables.append(char.lower())
            i += 1
    return "".join(syllables)[:400], "".join(s[0] for s in syllables if s)[:100]


# ---------------------------------------------------------------------------------------------
# Analysers (registered on every Index object, and used here to cut queries the same way)


@lru_cache(maxsize=1)
def analyzers() -> dict[str, tantivy.TextAnalyzer]:
    builder = tantivy.TextAnalyzerBuilder
    return {
        # The design's Chinese analyser: character unigrams and bigrams.
        CJK_ANALYZER_NAME: builder(tantivy.Tokenizer.ngram(1, 2))
        .filter(tantivy.Filter.lowercase())
        .build(),
        LATIN_ANALYZER_NAME: builder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .build(),
        STEMMED_ANALYZER_NAME: builder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stopword("english"))
        .filter(tantivy.Filter.stemmer("english"))
        .build(),
        # Pinyin and its initials, as prefixes: "fuao" finds fuaoqichelingbujian...
        PREFIX_ANALYZER_NAME: builder(tantivy.Tokenizer.ngram(2, PREFIX_MAX, True))
        .filter(tantivy.Filter.lowercase())
        .build(),
    }


def register_analyzers(index: tantivy.Index) -> None:
    """Tokenizers are not stored in the index: call after every Index() or Index.open()."""
    for name, analyzer in analyzers().items():
        index.register_tokenizer(name, analyzer)


def cjk_grams(normalised: str) -> list[str]:
    analyzer = analyzers()[CJK_ANALYZER_NAME]
    return [gram for run in cjk_runs(normalised) for gram in analyzer.analyze(run)]


def cjk_query_grams(normalised: str) -> list[str]:
    """The grams a query asks for: bigrams of each run (a one-character run is its unigram),
    each once, at most MAX_QUERY_TERMS."""
    return list(dict.fromkeys(run_grams(normalised)))[:MAX_QUERY_TERMS]


def stems(normalised: str) -> list[str]:
    return analyzers()[STEMMED_ANALYZER_NAME].analyze(" ".join(latin_words(normalised)))


# ---------------------------------------------------------------------------------------------
# Text similarity for the ranking: weighted overlap of grams and stems, in [0, 1]


@lru_cache(maxsize=50_000)
def terms_of(text: str) -> frozenset[str]:
    """Bigrams of Chinese runs (unigrams of one-character runs) and English stems."""
    normalised = normalise(text, limit=4000)
    return frozenset(run_grams(normalised)) | {f"en:{s}" for s in stems(normalised)}


def run_grams(normalised: str) -> list[str]:
    grams: list[str] = []
    for run in cjk_runs(normalised):
        if len(run) == 1:
            grams.append(run)
        else:
            grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def similarity(demand_terms: set[str], supplier_terms: set[str], weight=None) -> float:
    """How well two texts match, in [0, 1]: the share of the demand the supplier covers and the
    share of the supplier's text the demand asks for, each weighted (idf when `weight` is given),
    combined as a weighted geometric mean that leans on the second (a specialist in exactly this
    part fits better than a maker of many things). 制动卡钳 vs 卡钳: about 0.6; unrelated: 0."""
    if not demand_terms or not supplier_terms:
        return 0.0
    common = demand_terms & supplier_terms
    if not common:
        return 0.0
    w = weight or (lambda term: 1.0)
    shared = sum(w(t) for t in common)
    demand_share = shared / sum(w(t) for t in demand_terms)
    supplier_share = shared / sum(w(t) for t in supplier_terms)
    return demand_share**0.35 * supplier_share**0.65
