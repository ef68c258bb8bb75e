"""`marsad tag --conll FILE`: run the NER tagger over pre-tokenised text.

Input: one token a line (first column; further columns are ignored), a blank line between
sentences; `-DOCSTART-` lines, where present, separate documents. Output: `token<TAB>tag`
with BIO tags, blank lines kept. Tags are PER ORG GPE LOC FAC by default (places typed by
gazetteer and head noun, as in `marsad extract`), or ANERcorp's PERS LOC ORG MISC with
`--scheme anercorp`.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Iterator, TextIO

from marsad.errors import UserError

# Without -DOCSTART- markers, runs of this many sentences are treated as one document (about
# an article) for the one-name-one-reading pass.
DOC_SENTENCES = 25


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tag", help="tag CoNLL tokens with the NER model",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--conll", required=True, help="input file, one token a line ('-' for stdin)")
    p.add_argument("--scheme", choices=("marsad", "anercorp"), default="marsad",
                   help="tag set of the output (default: marsad PER ORG GPE LOC FAC)")
    p.add_argument("-o", "--output", help="output file (default: stdout)")
    p.set_defaults(func=run)


def read_documents(f: TextIO) -> Iterator[list[list[str]]]:
    doc: list[list[str]] = []
    cur: list[str] = []
    for line in f:
        line = line.rstrip("\r\n")
        if not line.strip():
            if cur:
                doc.append(cur)
                cur = []
                if len(doc) >= DOC_SENTENCES:
                    yield doc
                    doc = []
            continue
        tok = line.split("\t")[0] if "\t" in line else line.split()[0]
        if tok == "-DOCSTART-":
            if cur:
                doc.append(cur)
                cur = []
            if doc:
                yield doc
                doc = []
            continue
        cur.append(tok)
    if cur:
        doc.append(cur)
    if doc:
        yield doc


def anercorp_tag(tag: str) -> str:
    if tag == "O":
        return tag
    ty = tag[2:]
    return tag[:2] + {"PER": "PERS", "ORG": "ORG", "MISC": "MISC"}.get(ty, "LOC")


def typed_tags(tokens: list[str], tags: list[str]) -> list[str]:
    """Marsad scheme: LOC spans typed GPE/LOC/FAC, MISC dropped (as `extract_entities`)."""
    from marsad.extract.entities import bio_spans, place_type

    out = ["O"] * len(tags)
    doc = None
    for f, l, ty in bio_spans(tags):
        if ty == "MISC":
            continue
        if ty == "LOC":
            if doc is None:
                doc = _TokenDoc(tokens)
            ty = place_type(doc, f, l)
        out[f] = "B-" + ty
        for j in range(f + 1, l):
            out[j] = "I-" + ty
    return out


class _TokenDoc:
    """The little of the Doc interface `place_type` reads, built over given tokens."""

    def __init__(self, tokens: list[str]):
        from marsad.extract.entities import word_form
        from marsad.text.segment import Segments, segment

        class _T:
            __slots__ = ("norm", "seg")

            def __init__(self, norm: str, seg: Segments):
                self.norm, self.seg = norm, seg

            @property
            def key(self) -> str:
                return self.seg.key

            @property
            def stem(self) -> str:
                return self.seg.stem

        self.tokens = []
        for t in tokens:
            w = word_form(t)
            seg = segment(w) if "\u0621" <= w[0] <= "\u064a" else Segments("", False, w, "")
            self.tokens.append(_T(w, seg))


def run(args: argparse.Namespace) -> int:
    from marsad.extract.entities import tag_document

    src = Path(args.conll)
    if args.conll != "-" and not src.is_file():
        raise UserError(f"no such file: {args.conll}")
    fin = sys.stdin if args.conll == "-" else src.open(encoding="utf-8")
    fout = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    try:
        for doc in read_documents(fin):
            for toks, tags in zip(doc, tag_document(doc)):
                tags = [anercorp_tag(t) for t in tags] if args.scheme == "anercorp" else typed_tags(toks, tags)
                fout.write("".join(f"{w}\t{t}\n" for w, t in zip(toks, tags)) + "\n")
    except FileNotFoundError as e:
        raise UserError(str(e)) from None
    finally:
        if fin is not sys.stdin:
            fin.close()
        if fout is not sys.stdout:
            fout.close()
    return 0
