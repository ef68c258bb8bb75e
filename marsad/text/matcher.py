"""Phrase matching over Doc tokens: lexicons, gazetteers and actor dictionaries.

Phrases are normalised and tokenised the same way as documents. The first token of a phrase
matches a document token by its key (proclitics و ف ب ل ك stripped, so والعراق and للعراق
match العراق) or, for phrases without the article, by the stem; later tokens match by
normalised form. Matching is greedy longest-first, left to right, and runs in time linear in
the number of tokens (a trie walk bounded by the longest phrase).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Iterable, TypeVar

from marsad.text.normalize import normalize
from marsad.text.doc import _TOKEN_RE, Doc

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

    def _walk(self, doc: Doc, i: int, first_forms: tuple[str, ...]) -> tuple[int, list, tuple] | None:
        toks = doc.tokens
        best = None
        for form in first_forms:
            node = self._trie.get(form)
            if node is None:
                continue
            path = [form]
            if None in node and (best is None or 1 > best[0] - i):
                best = (i + 1, node[None], tuple(path))
            j = i + 1
            while node and j < len(toks) and toks[j].sent == toks[i].sent:
                node = node.get(toks[j].norm)
                if node is None:
                    break
                path.append(toks[j].norm)
                j += 1
                if None in node and (best is None or j > best[0]):
                    best = (j, node[None], tuple(path))
        return best

    def find(self, doc: Doc, *, overlapping: bool = False, first: int = 0, last: int | None = None) -> list[Match]:
        """All matches in tokens[first:last], longest first at each position."""
        toks = doc.tokens
        last = len(toks) if last is None else last
        out: list[Match] = []
        i = first
        while i < last:
            t = toks[i]
            if t.kind == "punct":
                i += 1
                continue
            seg = t.seg
            forms = [t.key]
            if seg.det:
                forms.append(seg.stem)  # phrase written without ال
            elif seg.suf:
                forms.append(seg.stem)
            if t.norm not in forms:
                forms.append(t.norm)
            hit = self._walk(doc, i, tuple(dict.fromkeys(forms)))
            if hit and hit[0] <= last:
                end, values, path = hit
                for v in values:
                    out.append(Match(i, end, v, path))
                i = i + 1 if overlapping else end
            else:
                i += 1
        return out
