"""Clitic segmentation of Arabic words: proclitics (و ف ب ل ك س), the article ال and
attached pronouns (ه ها هم هما هن ك كم كن نا ي ني).

A word is split only when the remaining stem is itself a common word in Arabic news (the
frequency list `resources/vocab.tsv.gz`, built by `scripts/build_vocab.py` from the ANT
corpus), so ولاية, بغداد and فرنسا stay whole while والعراق, بالهجوم and وقال are split.
Results are cached per word form: news vocabularies are Zipfian, so the cache absorbs most of
the cost.
"""
from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from functools import lru_cache

from marsad.resources import resource_path

# Closed-class words that look like clitic + stem but are words of their own.
_KEEP_WHOLE = frozenset(
    "كما لما بما فما لكن لكنه لكنها ولكن ولكنه لذلك كذلك لهذا بل بين بعد فقط فيما كلا وكلا "
    "لدى لدي لان لانه لانها بان بانه بانها كان كانت فان فانه لم لن له لها لهم بها به بهم "
    "فيه فيها ولا فلا ولم فلم كل وكل لقد ولقد فقد وقد بينما كي لكي وفي وعلى ومن وعن والى "
    "وهو وهي وهم فهو فهي ونحن وانا وانه وانها بعده بعدها بعدهم بعدما بعيد بعض بعضها".split()
)
_CONJ = "وف"
_PREP = "بلك"
_SUFFIXES = ("هما", "كما", "هم", "هن", "ها", "كم", "كن", "نا", "ني", "ه", "ك", "ي")


@dataclass(frozen=True, slots=True)
class Segments:
    pre: str  # proclitics as written (normalised), e.g. "و", "وب", "ل"
    det: bool  # the article ال (or the ل of لل) is present
    stem: str  # the word without proclitics, article and pronoun suffix
    suf: str  # attached pronoun, or ""
    # Lexicon key: the word without proclitics, article kept, suffix kept. Computed once
    # here (Segments are cached per word form) because every extractor reads it per token.
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", ("ال" if self.det else "") + self.stem + self.suf)


class Vocabulary:
    def __init__(self, freqs: dict[str, int]):
        self.freqs = freqs

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> "Vocabulary":
        path = resource_path("vocab.tsv.gz")
        freqs: dict[str, int] = {}
        if path.exists():
            with gzip.open(path, "rt", encoding="utf-8") as f:
                for line in f:
                    w, _, n = line.rstrip("\n").partition("\t")
                    if n:
                        freqs[w] = int(n)
        return cls(freqs)

    def get(self, w: str) -> int:
        return self.freqs.get(w, 0)


def _strip_proclitics(w: str, vocab: Vocabulary) -> tuple[str, str]:
    """Split off و/ف and ب/ل/ك (and س before an imperfect verb) when the rest is a known word."""
    get = vocab.freqs.get  # the bound dict method: this runs for every new word form
    pre = ""
    rest = w
    fw = get(w, 0)
    if len(rest) > 2 and rest[0] in _CONJ and w not in _KEEP_WHOLE:
        cand = rest[1:]
        if cand.startswith("ال") or cand.startswith("لل") or get(cand, 0) >= max(3, fw // 2):
            pre, rest = rest[0], cand
    if len(rest) > 3 and rest[0] in _PREP and rest not in _KEEP_WHOLE:
        cand = rest[1:]
        if rest.startswith("لل") and len(rest) > 3:
            return pre + "ل", "ال" + rest[2:]
        # a one-letter preposition is split only when the stem is far more common than the
        # whole form: بهجوم -> ب+هجوم, but بعده and بغداد stay (عده/غداد are other words)
        if cand.startswith("ال") or get(cand, 0) >= max(3, 10 * get(rest, 0)):
            pre, rest = pre + rest[0], cand
    elif len(rest) > 3 and rest[0] == "س" and rest[1] in "يتنا" and pre:
        cand = rest[1:]
        if get(cand, 0) >= max(3, 2 * get(rest, 0)):
            pre, rest = pre + "س", cand
    return pre, rest


def _segment(w: str, vocab: Vocabulary) -> Segments:
    if len(w) < 3 or not ("\u0621" <= w[0] <= "\u064a"):
        return Segments("", False, w, "")
    pre, rest = _strip_proclitics(w, vocab)
    if rest.startswith("ال") and len(rest) > 3:
        return Segments(pre, True, rest[2:], "")
    suf = ""
    if len(rest) > 3 and rest not in _KEEP_WHOLE:
        get = vocab.freqs.get
        frest = get(rest, 0)
        for s in _SUFFIXES:
            if rest.endswith(s) and len(rest) - len(s) >= 2:
                base = rest[: -len(s)]
                # nouns take ت for ة before a suffix: حكومتها -> حكومه
                cands = [base] + ([base[:-1] + "ه"] if base.endswith("ت") else [])
                for b in cands:
                    if get(b, 0) >= max(5, 2 * frest):
                        return Segments(pre, False, b, s)
    return Segments(pre, False, rest, suf)


@lru_cache(maxsize=200_000)
def segment(word: str) -> Segments:
    """Segment one normalised word (see module doc). Cached."""
    return _segment(word, Vocabulary.default())
