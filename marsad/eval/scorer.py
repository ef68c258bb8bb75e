"""Scoring of records against gold (ANNOTATION.md), with the referee's definitions.

The project is judged by `../shared/eval/score.py`; users do not have that file, so this is
an independent implementation of the same metrics, and `tests/test_eval.py` checks that both
give identical numbers on the dev gold. Matching rules:
- strings are compared in a canonical form (no diacritics/punctuation, alef/ya/ta-marbuta
  unified, a leading one-letter proclitic stripped before an article);
- entities: distinct (canonical text, type) pairs per article, exact; coarse: PER ORG PLACE;
- times: distinct expressions; a gold one is found when a predicted one overlaps it by tokens,
  and its value is right when an overlapping prediction carries a gold value;
- quotes: gold `quote_start` contained in a predicted quote's text, greedy one-to-one;
- events: same type and overlapping trigger, greedy one-to-one; arguments on matched pairs.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any, Callable, Iterable

TYPES = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
                   "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE",
                   "COERCE", "ASSAULT"})
COARSE = {"PER": "PER", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE"}
ARGS = ("actor", "recipient", "location", "country", "date", "mode", "size")

_MARKS = re.compile("[\u064b-\u0652\u0670\u0640\u200e\u200f\u061c]")
_PUNCT = re.compile(r"[\"'«»“”‘’()\[\]{}،,.:;؛!?؟…\-–—/]+")
_ALEF = re.compile("[أإآٱ]")
_LETTERS = str.maketrans({"ى": "ي", "ة": "ه", "\u06cc": "ي", "\u06a9": "ك", "\u06d5": "ه"})


def canon(s: Any) -> str:
    if s is None:
        return ""
    s = _PUNCT.sub(" ", _ALEF.sub("ا", _MARKS.sub("", str(s))).translate(_LETTERS))
    words = s.split()
    if words:
        w = words[0]
        if len(w) > 3 and w[0] in "وف" and (w[1:3] in ("ال", "لل") or w[1:4] in ("بال", "كال") or w[:2] == "وو"):
            w = w[1:]
        if w.startswith("لل") and len(w) > 3:
            w = "ال" + w[2:]
        elif len(w) > 4 and w[0] in "بلك" and w[1:3] == "ال":
            w = w[1:]
        words[0] = w
    return " ".join(words)


def alternatives(v: Any) -> list[str]:
    if v is None:
        return []
    return [c for c in (canon(x) for x in (v if isinstance(v, list) else [v])) if c]


def token_overlap(a: str, b: str) -> bool:
    """One canonical string's tokens appear contiguously in the other's."""
    if not a or not b:
        return False
    if a == b:
        return True
    ta, tb = a.split(), b.split()
    big, small = (ta, tb) if len(ta) >= len(tb) else (tb, ta)
    n = len(small)
    return any(big[i:i + n] == small for i in range(len(big) - n + 1))


def text_of(x: Any) -> Any:
    return x.get("text") if isinstance(x, dict) else x


def greedy_pairs(golds: list, preds: list, ok: Callable[[Any, Any], bool]) -> list[tuple[int, int]]:
    used: set[int] = set()
    pairs = []
    for i, g in enumerate(golds):
        for j, p in enumerate(preds):
            if j not in used and ok(g, p):
                used.add(j)
                pairs.append((i, j))
                break
    return pairs


def prf(tp: int, npred: int, ngold: int, tp_pred: int | None = None) -> dict:
    p = (tp if tp_pred is None else tp_pred) / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "tp": tp, "pred": npred, "gold": ngold}


def span_errors(rec: dict) -> tuple[int, int]:
    text, bad, total = rec.get("text") or "", 0, 0
    stack: list[Any] = [rec.get(k) or [] for k in ("entities", "times", "quotes", "events")]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            if {"start", "end", "text"} <= x.keys() and isinstance(x.get("start"), int):
                total += 1
                bad += text[x["start"]:x["end"]] != x["text"]
            stack.extend(v for k, v in x.items() if k != "text")
        elif isinstance(x, list):
            stack.extend(x)
    return bad, total


def score(gold: dict[str, dict], pred: dict[str, dict], show: int = 0) -> tuple[dict, list[str]]:
    c: Counter = Counter()
    arg: Counter = Counter()
    notes: list[str] = []
    note = lambda s: len(notes) < show and notes.append(s)  # noqa: E731

    for doc_id, g in gold.items():
        p = pred.get(doc_id, {})
        G = g["gold"]
        if p:
            b, t = span_errors(p)
            c["span_bad"] += b
            c["span_total"] += t

        ge = {(canon(e["text"]), e["type"]) for e in G.get("entities", []) if e["type"] in COARSE}
        pe = {(canon(e.get("text")), e.get("type")) for e in p.get("entities") or [] if e.get("type") in COARSE}
        gc = {(s, COARSE[ty]) for s, ty in ge}
        pc = {(s, COARSE[ty]) for s, ty in pe}
        c.update(ent_tp=len(ge & pe), ent_pred=len(pe), ent_gold=len(ge),
                 entc_tp=len(gc & pc), entc_pred=len(pc), entc_gold=len(gc))
        for ty in ("PER", "ORG", "PLACE"):
            c[f"ent_{ty}_tp"] += sum(1 for x in gc & pc if x[1] == ty)
            c[f"ent_{ty}_pred"] += sum(1 for x in pc if x[1] == ty)
            c[f"ent_{ty}_gold"] += sum(1 for x in gc if x[1] == ty)
        if show:
            for s, ty in sorted(gc - pc):
                note(f"{doc_id}: missed entity {ty} {s}")

        gt: dict[str, set] = {}
        pt: dict[str, set] = {}
        for x in G.get("times", []):
            gt.setdefault(canon(x["text"]), set()).add(str(x["value"]).strip().upper())
        for x in p.get("times") or []:
            pt.setdefault(canon(x.get("text")), set()).add(str(x.get("value", "")).strip().upper())
        c["time_gold"] += len(gt)
        c["time_pred"] += len(pt)
        c["time_tp_pred"] += sum(1 for q in pt if any(token_overlap(q, k) for k in gt))
        for k, gvals in gt.items():
            hits = {v for q, vs in pt.items() if token_overlap(q, k) for v in vs}
            if hits:
                c["time_tp"] += 1
                right = bool(gvals & hits)
                c["time_value_ok"] += right
                if not right and show:
                    note(f"{doc_id}: time {k!r} gold {sorted(gvals)} pred {sorted(hits)}")

        gq, pq = G.get("quotes", []), p.get("quotes") or []
        pairs = greedy_pairs(gq, pq, lambda a, b: canon(a["quote_start"]) in canon(b.get("text")))
        c.update(quote_tp=len(pairs), quote_pred=len(pq), quote_gold=len(gq))
        for i, j in pairs:
            sp = canon(text_of(pq[j].get("speaker")))
            c["quote_speaker_ok"] += any(token_overlap(sp, a) for a in alternatives(gq[i]["speaker"]))

        gv = G.get("events", [])
        all_pred = p.get("events") or []
        pv = [e for e in all_pred if e.get("type") in TYPES]
        c["event_bad_type"] += len(all_pred) - len(pv)

        def trigger_ok(a, b):
            t = canon(text_of(b.get("trigger")))
            return any(token_overlap(t, x) for x in alternatives(a["triggers"]))

        pairs = greedy_pairs(gv, pv, lambda a, b: a["type"] == b.get("type") and trigger_ok(a, b))
        c.update(event_tp=len(pairs), event_pred=len(pv), event_gold=len(gv),
                 trig_tp=len(greedy_pairs(gv, pv, trigger_ok)))
        gb, pb = Counter(e["type"] for e in gv), Counter(e.get("type") for e in pv)
        c["bag_tp"] += sum((gb & pb).values())
        for ty in TYPES:
            c[f"ev_{ty}_tp"] += sum(1 for i, _ in pairs if gv[i]["type"] == ty)
            c[f"ev_{ty}_pred"] += pb.get(ty, 0)
            c[f"ev_{ty}_gold"] += gb.get(ty, 0)
        if show:
            found = {i for i, _ in pairs}
            for i, e in enumerate(gv):
                if i not in found:
                    note(f"{doc_id}: missed event {e['type']} {e['triggers']}")
        for i, j in pairs:
            ge_, pe_ = gv[i], pv[j]
            for k in ("actor", "recipient", "location"):
                if ge_.get(k):
                    arg[f"{k}_n"] += 1
                    arg[f"{k}_ok"] += any(token_overlap(canon(text_of(pe_.get(k))), a) for a in alternatives(ge_[k]))
            if ge_.get("country"):
                arg["country_n"] += 1
                loc = pe_.get("location") or {}
                arg["country_ok"] += (loc.get("country") if isinstance(loc, dict) else None) == ge_["country"]
            if ge_.get("date"):
                arg["date_n"] += 1
                d = pe_.get("date") or {}
                arg["date_ok"] += str(d.get("value") if isinstance(d, dict) else d).upper() == str(ge_["date"]).upper()
            if ge_.get("mode"):
                arg["mode_n"] += 1
                arg["mode_ok"] += pe_.get("mode") == ge_["mode"]
            for k in ("dead", "injured", "arrested"):
                if ge_.get(k) is not None:
                    arg["size_n"] += 1
                    arg["size_ok"] += (pe_.get("size") or {}).get(k) == ge_[k]

    acc = lambda ok, n: round(ok / n, 4) if n else None  # noqa: E731
    result = {
        "documents": len(gold), "predicted_documents": sum(1 for d in gold if d in pred),
        "span_errors": c["span_bad"], "spans_checked": c["span_total"],
        "entities": prf(c["ent_tp"], c["ent_pred"], c["ent_gold"]),
        "entities_coarse": prf(c["entc_tp"], c["entc_pred"], c["entc_gold"]),
        "entities_by_type": {ty: prf(c[f"ent_{ty}_tp"], c[f"ent_{ty}_pred"], c[f"ent_{ty}_gold"])
                             for ty in ("PER", "ORG", "PLACE")},
        "times": prf(c["time_tp"], c["time_pred"], c["time_gold"], tp_pred=c["time_tp_pred"]),
        "time_value_accuracy": acc(c["time_value_ok"], c["time_tp"]),
        "quotes": prf(c["quote_tp"], c["quote_pred"], c["quote_gold"]),
        "quote_speaker_accuracy": acc(c["quote_speaker_ok"], c["quote_tp"]),
        "events": prf(c["event_tp"], c["event_pred"], c["event_gold"]),
        "event_triggers_untyped": prf(c["trig_tp"], c["event_pred"], c["event_gold"]),
        "event_type_bag": prf(c["bag_tp"], c["event_pred"], c["event_gold"]),
        "events_by_type": {ty: prf(c[f"ev_{ty}_tp"], c[f"ev_{ty}_pred"], c[f"ev_{ty}_gold"])
                           for ty in sorted(TYPES) if c[f"ev_{ty}_gold"] or c[f"ev_{ty}_pred"]},
        "event_invalid_types": c["event_bad_type"],
        "event_arguments": {k: acc(arg[f"{k}_ok"], arg[f"{k}_n"]) for k in ARGS},
    }
    return result, notes


def format_report(res: dict) -> Iterable[str]:
    f = lambda d: f"P {d['p']:.3f} R {d['r']:.3f} F1 {d['f1']:.3f} ({d['tp']}/{d['pred']}/{d['gold']})"  # noqa: E731
    yield f"documents {res['predicted_documents']}/{res['documents']}  span errors {res['span_errors']}/{res['spans_checked']}"
    yield f"entities        {f(res['entities'])}"
    yield f"entities coarse {f(res['entities_coarse'])}"
    for ty, d in res["entities_by_type"].items():
        yield f"  {ty:6}        {f(d)}"
    yield f"times           {f(res['times'])}  value accuracy {res['time_value_accuracy']}"
    yield f"quotes          {f(res['quotes'])}  speaker accuracy {res['quote_speaker_accuracy']}"
    yield f"events          {f(res['events'])}"
    yield f"  untyped       {f(res['event_triggers_untyped'])}"
    yield f"  type bag      {f(res['event_type_bag'])}"
    for ty, d in res["events_by_type"].items():
        yield f"  {ty:10}    {f(d)}"
    yield "  arguments     " + "  ".join(f"{k} {v}" for k, v in res["event_arguments"].items())
