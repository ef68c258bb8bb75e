#!/usr/bin/env python3
"""Build word clusters for the NER tagger from unlabelled Arabic news.

    .venv/bin/python scripts/build_word_clusters.py [--shared ../shared] [--articles 40000]
    .venv/bin/python scripts/build_word_clusters.py --keys

Writes `marsad/resources/ner_clusters.tsv.gz`: one line per word form, `word<TAB>c1<TAB>c2`,
where c1/c2 are k-means cluster ids at a coarse (k=96) and a fine (k=512) granularity.
With `--keys`, words are first reduced to their proclitic-free keys (`segment(w).key`:
والعراق, بالعراق -> العراق), pooling the contexts of a word's clitic forms, and the clusters go
to `ner_key_clusters.tsv.gz`: the tagger uses both (surface clusters of the token, key
clusters of its key).

Method (deterministic, numpy + scipy.sparse only):
1. Read the first N articles of the ANT corpus v2.1 (title + text), skipping any whose id is
   in the dev gold (those are for measuring only); normalise and tokenise them exactly as the
   Doc layer does (`marsad.text.normalize` + the Doc token regex), so cluster keys are the
   same surface forms the tagger sees (clitics attached).
2. Count left/right co-occurrence (window 2) of the V most frequent words with the C most
   frequent context words; weight with positive PMI.
3. Truncated SVD (100 dimensions), rows L2-normalised.
4. k-means (k-means++ seeding with a fixed RNG seed, fixed iteration count) twice.
Words are clustered by their distributional behaviour, so rare names that behave like
known names (a new minister, a new town) share a cluster id with them: this is the main
way the tagger generalises beyond its 150k annotated tokens.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import svds

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from marsad.text.doc import _TOKEN_RE  # noqa: E402
from marsad.text.normalize import normalize  # noqa: E402
from marsad.text.segment import segment  # noqa: E402

OUT = ROOT / "marsad" / "resources" / "ner_clusters.tsv.gz"
OUT_KEYS = ROOT / "marsad" / "resources" / "ner_key_clusters.tsv.gz"  # with --keys


def dev_ids(shared: Path) -> set[str]:
    ids: set[str] = set()
    for f in sorted((shared / "eval" / "dev").glob("*.jsonl")):
        for line in f.open(encoding="utf-8"):
            if line.strip():
                ids.add(str(json.loads(line).get("id")))
    return ids


def read_tokens(shared: Path, n_articles: int, keys: bool = False) -> list[list[str]]:
    skip = dev_ids(shared)
    docs: list[list[str]] = []
    with gzip.open(shared / "data" / "news" / "ant_multisource_v2.1.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if str(rec.get("docno")) in skip:
                continue
            text = normalize(f"{rec.get('title') or ''}\n{rec.get('text') or ''}")
            toks = [m.group().lower() for m in _TOKEN_RE.finditer(text)]
            if keys:
                toks = [segment(t).key for t in toks]
            docs.append(toks)
            if len(docs) >= n_articles:
                break
    return docs


def kmeans(x: np.ndarray, k: int, seed: int, iters: int = 20) -> np.ndarray:
    """Plain k-means with k-means++ seeding; deterministic for a given seed."""
    rng = np.random.default_rng(seed)
    n = x.shape[0]
    centres = np.empty((k, x.shape[1]), dtype=x.dtype)
    centres[0] = x[rng.integers(n)]
    d2 = ((x - centres[0]) ** 2).sum(1)
    for j in range(1, k):
        p = d2 / d2.sum()
        centres[j] = x[rng.choice(n, p=p)]
        d2 = np.minimum(d2, ((x - centres[j]) ** 2).sum(1))
    sq = (x ** 2).sum(1)
    for _ in range(iters):
        dist = sq[:, None] - 2 * x @ centres.T + (centres ** 2).sum(1)[None, :]
        lab = dist.argmin(1)
        for j in range(k):
            m = lab == j
            if m.any():
                centres[j] = x[m].mean(0)
    dist = sq[:, None] - 2 * x @ centres.T + (centres ** 2).sum(1)[None, :]
    return dist.argmin(1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--articles", type=int, default=40000)
    ap.add_argument("--vocab", type=int, default=100000)
    ap.add_argument("--contexts", type=int, default=1500)
    ap.add_argument("--dims", type=int, default=100)
    ap.add_argument("--keys", action="store_true", help="count proclitic-free keys (والعراق -> العراق)")
    ap.add_argument("-o", "--out", type=Path, default=None, help=f"default {OUT.name}, {OUT_KEYS.name} with --keys")
    args = ap.parse_args()

    args.out = args.out or (OUT_KEYS if args.keys else OUT)
    docs = read_tokens(args.shared, args.articles, args.keys)
    freq = Counter(t for d in docs for t in d)
    # ties broken by the word itself so the vocabulary never depends on hash order
    ranked = sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))
    vocab = [w for w, n in ranked[: args.vocab] if n >= 3]
    ctx = [w for w, _ in ranked[: args.contexts]]
    vid = {w: i for i, w in enumerate(vocab)}
    cid = {w: i for i, w in enumerate(ctx)}
    print(f"{len(docs)} articles, {sum(freq.values())} tokens, {len(vocab)} words", file=sys.stderr)

    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    C = len(ctx)
    for d in docs:
        v = np.array([vid.get(t, -1) for t in d], dtype=np.int64)
        c = np.array([cid.get(t, -1) for t in d], dtype=np.int64)
        for off in (-2, -1, 1, 2):
            side = 0 if off < 0 else C  # left and right contexts are separate dimensions
            if off < 0:
                tv, tc = v[-off:], c[:off]
            else:
                tv, tc = v[:-off], c[off:]
            m = (tv >= 0) & (tc >= 0)
            rows.append(tv[m])
            cols.append(tc[m] + side)
    r = np.concatenate(rows)
    cc = np.concatenate(cols)
    m = sparse.coo_matrix((np.ones(len(r), dtype=np.float64), (r, cc)), shape=(len(vocab), 2 * C)).tocsr()
    m.sum_duplicates()
    # positive PMI
    total = m.sum()
    rs = np.asarray(m.sum(1)).ravel()
    cs = np.asarray(m.sum(0)).ravel()
    m = m.tocoo()
    pmi = np.log(m.data * total / (rs[m.row] * cs[m.col]))
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (m.row[keep], m.col[keep])), shape=m.shape)
    # svds uses ARPACK with a random start vector: pin it for determinism
    v0 = np.random.default_rng(0).random(min(ppmi.shape))
    u, s, _ = svds(ppmi, k=args.dims, v0=v0)
    emb = u * np.sqrt(s)[None, :]
    emb /= np.linalg.norm(emb, axis=1, keepdims=True) + 1e-9
    emb = emb.astype(np.float32)
    coarse = kmeans(emb, 96, seed=1)
    fine = kmeans(emb, 512, seed=2, iters=12)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # no name and no time in the gzip header: the bytes depend on the content only
    with open(args.out, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write("".join(f"{w}\t{a}\t{b}\n" for w, a, b in zip(vocab, coarse, fine)).encode("utf-8"))
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
