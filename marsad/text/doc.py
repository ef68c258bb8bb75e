"""The Doc: the one shared analysis of an article that every extractor reads.

    doc = analyse_text(text, published=date(2024, 8, 11))
    doc.tokens[i].key        # lexicon key (proclitics stripped, article kept)
    doc.span(start, end)     # a Span whose text is the original substring
    doc.sentences            # Sentence(start, end, first, last) with token ranges

Tokens and sentences are found on the normalised text (see `normalize.py`) and carry
offsets into the original text, so extractors never need to re-tokenise or re-normalise.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from typing import Iterator

from marsad.text.normalize import normalize_with_map
from marsad.text.segment import Segments, segment
from marsad.types import Span

AR_LETTERS = "\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff"
_TOKEN_RE = re.compile(
    rf"(?P<ar>[{AR_LETTERS}]+)"
    r"|(?P<num>\d+(?:[.,]\d+)*)"
    r"|(?P<lat>[A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z]+)*)"
    r"|(?P<punct>[^\s\w]|_)"
)
# Sentence ends: . ! ? ؟ (and runs of them, …) optionally followed by closing quotes and
# brackets, then whitespace; or a line break.  "5.5" and "U.S" stay inside a sentence.
_SENT_END_RE = re.compile(r"(?:[.!?؟…]+[\"'»”’)\]]*(?=\s|$))|\n+")
_TRAILING_MARKS = frozenset("".join(chr(c) for c in range(0x064B, 0x0653)) + "\u0670\u0640")
QUOTE_OPEN = "\"«“„'‘"
QUOTE_CLOSE = "\"»”'’"


@dataclass(slots=True, init=False)
class Token:
    i: int
    start: int  # offsets in the original text
    end: int
    text: str  # original surface form
    norm: str  # normalised surface form
    kind: str  # ar | num | lat | punct
    sent: int
    seg: Segments
    key_start: int  # original offset where the token's key begins (after proclitics)
    # copies of seg.key / seg.stem / seg.pre: extractors read them per token, about ten
    # times per token, and a slot read is cheaper than the property chain it replaces
    key: str = field(repr=False, compare=False)
    stem: str = field(repr=False, compare=False)
    pre: str = field(repr=False, compare=False)

    def __init__(self, i: int, start: int, end: int, text: str, norm: str, kind: str, sent: int,
                 seg: Segments, key_start: int):
        self.i = i
        self.start = start
        self.end = end
        self.text = text
        self.norm = norm
        self.kind = kind
        self.sent = sent
        self.seg = seg
        self.key_start = key_start
        self.key = seg.key
        self.stem = seg.stem
        self.pre = seg.pre

    @property
    def is_word(self) -> bool:
        return self.kind != "punct"


@dataclass(slots=True)
class Sentence:
    i: int
    start: int
    end: int
    first: int  # index of its first token
    last: int  # index one past its last token


# Segments per word form (news vocabularies are Zipfian: a few thousand forms make most
# tokens). A plain dict read is the cheapest look-up there is; the dict is emptied when it
# grows past _SEGMENTS_MAX so that a long-running process keeps a bounded footprint. The
# token kind is a function of the form (the regex groups have disjoint alphabets), so the
# form alone is the key.
_SEGMENTS: dict[str, Segments] = {}
_SEGMENTS_MAX = 200_000


def _segments_of(w: str, kind: str | None) -> Segments:
    if len(_SEGMENTS) >= _SEGMENTS_MAX:
        _SEGMENTS.clear()
    seg = _SEGMENTS[w] = segment(w) if kind == "ar" else Segments("", False, w, "")
    return seg


class Doc:
    def __init__(self, text: str, published: date | None = None):
        self.text = text
        self.published = published
        self.norm, self.index = normalize_with_map(text)
        self.tokens: list[Token] = []
        self.sentences: list[Sentence] = []
        self._tokenise()
        self._tok_starts: list[int] | None = None  # token starts, for token_at
        self._match_positions: dict | None = None  # first-token form -> positions (matcher.py)

    # -- construction -------------------------------------------------------------------
    def _tokenise(self) -> None:
        norm, index, text = self.norm, self.index, self.text
        n_text = len(text)
        identity = len(norm) == n_text  # no deleted marks: offsets need no mapping
        # sentence boundaries (normalised offsets), consumed in order as tokens go by
        bounds = [m.end() for m in _SENT_END_RE.finditer(norm)]
        bounds.append(len(norm) + 1)
        next_bound = bounds[0]
        bi = sent = 0
        sent_first = 0
        toks = self.tokens
        sents = self.sentences
        append = toks.append
        seg_get = _SEGMENTS.get
        for m in _TOKEN_RE.finditer(norm):
            ns, ne = m.span()
            if ns >= next_bound:
                while bounds[bi] <= ns:
                    bi += 1
                next_bound = bounds[bi]
                if len(toks) > sent_first:  # close the sentence (boundaries with no tokens merge)
                    sents.append(Sentence(sent, toks[sent_first].start, toks[-1].end, sent_first, len(toks)))
                    sent += 1
                    sent_first = len(toks)
            kind = m.lastgroup
            w = m.group()
            seg = seg_get(w)
            if seg is None:
                seg = _segments_of(w, kind)
            if identity:
                start, end = ns, ne
                key_start = ns + len(seg.pre)
            else:
                start, end = index[ns], index[ne - 1] + 1
                while end < n_text and text[end] in _TRAILING_MARKS:  # a word's last haraka is part of it
                    end += 1
                key_start = index[ns + len(seg.pre)] if seg.pre else start
            append(Token(len(toks), start, end, text[start:end], w, kind, sent, seg, key_start))
        if len(toks) > sent_first:
            sents.append(Sentence(sent, toks[sent_first].start, toks[-1].end, sent_first, len(toks)))

    # -- helpers for extractors ----------------------------------------------------------
    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.text[start:end])

    def token_span(self, first: int, last: int, *, strip_proclitic: bool = True) -> Span:
        """Span from token `first` to token `last - 1`; starts after the proclitics of the
        first token when asked (the bare form the annotation guidelines prefer)."""
        a = self.tokens[first]
        start = a.key_start if strip_proclitic else a.start
        return self.span(start, self.tokens[last - 1].end)

    def token_at(self, offset: int) -> int | None:
        """Index of the token covering original offset `offset`, or None."""
        starts = self._tok_starts
        if starts is None:  # token starts, built on first use (bisect: no per-character map)
            starts = self._tok_starts = [t.start for t in self.tokens]
        i = bisect_right(starts, offset) - 1
        if i >= 0 and offset < self.tokens[i].end:
            return i
        return None

    def sentence_of(self, token_index: int) -> Sentence:
        return self.sentences[self.tokens[token_index].sent]

    def sentence_tokens(self, s: Sentence) -> list[Token]:
        return self.tokens[s.first:s.last]

    def iter_sentences(self) -> Iterator[tuple[Sentence, list[Token]]]:
        for s in self.sentences:
            yield s, self.tokens[s.first:s.last]

    def norm_slice(self, start: int, end: int) -> str:
        """Normalised form of the original substring [start, end)."""
        from marsad.text.normalize import normalize
        return normalize(self.text[start:end])


def analyse_text(text: str, published: date | None = None) -> Doc:
    return Doc(text, published)
