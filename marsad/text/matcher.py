"""Phrase matching over Doc tokens: lexicons, gazetteers and actor dictionaries.

Phrases are normalised and tokenised the same way as documents. The first token of a phrase
matches a document token by its key (proclitics و ف ب ل ك stripped, so والعراق and للعراق
match العراق) or, for phrases without the article, by the stem; later tokens match by
normalised form. Matching is greedy longest-first, left to right, and runs in time linear in
the number of tokens (a trie walk bounded by the longest phrase).
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Generic, Iterable, TypeVar

from marsad.text.normalize import normalize
from marsad.text.doc import _TOKEN_RE, Doc
from marsad.text.segment import Segments

T = TypeVar("T")


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    return tuple(m.group() for m in _TOKEN_RE.finditer(normalize(phrase)))


@dataclass(slots=True)
class Match(Generic[T]):
    first: int  # token range [first, last)
    last: int
    value: T
    phrase: tuple[str, ...]


class PhraseMatcher(Generic[T]):
    def __init__(self, entries: Iterable[tuple[str, T]] = ()):
        self._trie: dict = {}
        self.max_len = 0
        for phrase, value in entries:
            self.add(phrase, value)

    def add(self, phrase: str, value: Any) -> None:
        toks = phrase_tokens(phrase)
        if not toks:
            return
        node = self._trie
        for t in toks:
            node = node.setdefault(t, {})
        node.setdefault(None, []).append(value)
        self.max_len = max(self.max_len, len(toks))

    def __contains__(self, phrase: str) -> bool:
        node = self._trie
        for t in phrase_tokens(phrase):
            node = node.get(t)
            if node is None:
                return False
        return None in node

    def lookup(self, phrase: str) -> list:
        node = self._trie
        for t in phrase_tokens(phrase):
            node = node.get(t)
            if node is None:
                return []
        return node.get(None, [])

    def find(self, doc: Doc, *, overlapping: bool = False, first: int = 0, last: int | None = None) -> list[Match]:
        """All matches in tokens[first:last], longest first at each position."""
        toks = doc.tokens
        n = len(toks)
        last = n if last is None else last
        trie = self._trie
        # the positions where a phrase may start: the document's first-token forms that are
        # also first tokens of the trie (a C-level set intersection), then their positions;
        # most tokens start no phrase and are never visited
        by_form = _positions(doc)
        starts = sorted({p for f in by_form.keys() & trie.keys() for p in by_form[f]})
        out: list[Match] = []
        i = first
        for p in starts[bisect_left(starts, first):]:
            if p < i:
                continue  # inside the previous match
            if p >= last:
                break
            i = p
            t = toks[i]
            forms = _FORMS.get(t.norm) or _forms(t.seg, t.norm)
            # trie walk from token i, each first form in turn; the longest phrase wins and,
            # at equal length, the earlier form (key before stem before surface form)
            best: tuple[int, list, tuple[str, ...]] | None = None
            for form in forms:
                node = trie.get(form)
                if node is None:  # another of its forms starts a phrase
                    continue
                path = [form]
                if best is None and None in node:
                    best = (i + 1, node[None], (form,))
                sent = t.sent
                j = i + 1
                while node and j < n and toks[j].sent == sent:
                    w = toks[j].norm
                    node = node.get(w)
                    if node is None:
                        break
                    path.append(w)
                    j += 1
                    if None in node and (best is None or j > best[0]):
                        best = (j, node[None], tuple(path))
            if best is not None and best[0] <= last:
                end, values, path_t = best
                for v in values:
                    out.append(Match(i, end, v, path_t))
                i = i + 1 if overlapping else end
            else:
                i += 1
        return out


def _positions(doc: Doc) -> dict[str, list[int]]:
    """First-token form -> token positions having it, built once per Doc and shared by every
    matcher that runs on it."""
    by_form = doc._match_positions
    if by_form is None:
        by_form = doc._match_positions = defaultdict(list)
        cache = _FORMS
        for t in doc.tokens:
            if t.kind == "punct":
                continue
            forms = cache.get(t.norm)
            if forms is None:
                if len(cache) >= _FORMS_MAX:
                    cache.clear()
                forms = cache[t.norm] = _forms(t.seg, t.norm)
            for f in forms:
                by_form[f].append(t.i)
    return by_form


# first-token forms per word form (a token's segments are a function of its normalised
# form, see doc.py), bounded like the other per-form caches
_FORMS: dict[str, tuple[str, ...]] = {}
_FORMS_MAX = 200_000


def _forms(seg: Segments, norm: str) -> tuple[str, ...]:
    """The forms a phrase's first token may take: the key, then the stem when the article or
    a suffix was split off (phrases written without ال), then the surface form."""
    key = seg.key
    if seg.det or seg.suf:
        return (key, seg.stem) if norm == key or norm == seg.stem else (key, seg.stem, norm)
    return (key,) if norm == key else (key, norm)
