"""Speed work must not change behaviour: each fast path equals the plain definition it
replaces, caches stay bounded, the collector pause is undone, and a warm pipeline reads no
files per article."""
import json
import sys
from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

import marsad.text.doc as doc_mod
from marsad.extract import actors, quotes, times
from marsad.pipeline import analyse
from marsad.record import dumps, to_json
from marsad.text import analyse_text
from marsad.text.matcher import Match, PhraseMatcher
from marsad.types import Article

norm_mod = sys.modules["marsad.text.normalize"]

_AR = list("قالوزيرأإآىةبغدادحكومتهاللعراقسفكني")
_MARKS = list("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0640\u200f\u202b\u200c\ufeff\u00ad")
_OTHER = list("٠١٢٣٩۱۲۵٫٬یکەہ") + list(" .،؟!\"«»:\n_#abc123")
_TEXT = st.text(alphabet=st.sampled_from(_AR + _MARKS + _OTHER), max_size=400)


# -- normalisation --------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_normalize_equals_the_one_translation_table(text):
    # long strings take the replace chain, short ones translate: both are the table
    assert norm_mod.normalize(text) == text.translate(norm_mod._TABLE)
    assert norm_mod.normalize_with_map(text)[0] == text.translate(norm_mod._TABLE)


def test_no_replacement_is_itself_replaced():
    # the replace chain equals a simultaneous mapping only under this condition
    keys = {chr(k) for k in norm_mod._TABLE}
    assert all(ch not in keys for _, r in norm_mod._PAIRS for ch in r)
    assert {c for c, _ in norm_mod._PAIRS} == keys


# -- tokens ---------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(_TEXT)
def test_token_key_stem_pre_mirror_the_segments(text):
    for t in analyse_text(text).tokens:
        assert (t.key, t.stem, t.pre) == (t.seg.key, t.seg.stem, t.seg.pre)
        assert t.seg.key == ("ال" if t.seg.det else "") + t.seg.stem + t.seg.suf


@settings(max_examples=150, deadline=None)
@given(_TEXT)
def test_token_at_is_the_token_covering_each_offset(text):
    doc = analyse_text(text)
    cover = {c: t.i for t in doc.tokens for c in range(t.start, t.end)}
    for off in range(-2, len(text) + 3):
        assert doc.token_at(off) == cover.get(off)


def test_segment_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(doc_mod, "_SEGMENTS_MAX", 5)
    doc_mod._SEGMENTS.clear()
    analyse_text("قال الوزير إن الجيش قصف مواقع في بغداد أمس وأكد أن الحكومة سترد.")
    assert 0 < len(doc_mod._SEGMENTS) <= 5


# -- phrase matching ------------------------------------------------------------------------
def _reference_find(m: PhraseMatcher, doc, overlapping=False, first=0, last=None) -> list[Match]:
    """PhraseMatcher.find as first written: per token, try key, stem, surface form."""
    toks = doc.tokens
    last = len(toks) if last is None else last

    def walk(i, first_forms):
        best = None
        for form in first_forms:
            node = m._trie.get(form)
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

    out, i = [], first
    while i < last:
        t = toks[i]
        if t.kind == "punct":
            i += 1
            continue
        forms = [t.key]
        if t.seg.det or t.seg.suf:
            forms.append(t.seg.stem)
        if t.norm not in forms:
            forms.append(t.norm)
        hit = walk(i, tuple(dict.fromkeys(forms)))
        if hit and hit[0] <= last:
            out += [Match(i, hit[0], v, hit[2]) for v in hit[1]]
            i = i + 1 if overlapping else hit[0]
        else:
            i += 1
    return out


_WORDS = ["العراق", "عراق", "بغداد", "الحكومه", "حكومه", "حكومتها", "مجلس", "الامن", "الدولي",
          "وزير", "الخارجيه", "قال", "في", "الجيش", "جيش", "الامم", "المتحده"]
_PHRASES = st.lists(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(" ".join),
                    min_size=1, max_size=8)
_DOC_WORDS = st.sampled_from(_WORDS + ["والعراق", "للعراق", "بالحكومه", "وقال", ".", "،", "\n", "#", "_"])


def _as_doc(words):
    return analyse_text(" ".join(words))


@settings(max_examples=200, deadline=None)
@given(_PHRASES, st.lists(_DOC_WORDS, max_size=40), st.booleans(), st.integers(0, 10), st.integers(0, 45))
def test_find_equals_the_reference_walk(phrases, words, overlapping, first, last):
    m = PhraseMatcher((p, i) for i, p in enumerate(phrases))
    doc = _as_doc(words)
    last = min(last, len(doc.tokens))
    got = m.find(doc, overlapping=overlapping, first=first, last=last)
    assert got == _reference_find(m, doc, overlapping, first, last)
    assert m.find(doc) == _reference_find(m, doc)


def test_find_prefers_the_key_then_the_stem_and_the_longest_phrase():
    doc = analyse_text("قالت الحكومة العراقية")
    both = PhraseMatcher([("حكومه", "stem"), ("الحكومه", "key")])
    assert [x.value for x in both.find(doc)] == ["key"]
    assert both.find(doc) == _reference_find(both, doc)
    longer = PhraseMatcher([("الحكومه", "key"), ("حكومه العراقيه", "long")])
    assert [(x.first, x.last, x.value) for x in longer.find(doc)] == [(1, 3, "long")]


def _reference_find_within(m, doc, first, last):
    """_BoundedMatcher.find_within as first written (every token tried in turn)."""
    toks, trie, out, i = doc.tokens, m._trie, [], first
    while i < last:
        t = toks[i]
        if t.kind == "punct":
            i += 1
            continue
        best = None
        for form in (t.seg.key, t.norm) if t.seg.pre else (t.norm,):
            node = trie.get(form)
            if node is None:
                continue
            path, j = [form], i + 1
            while node is not None:
                if None in node and (best is None or j > best[0]):
                    best = (j, node[None], tuple(path))
                while j < last - 1 and toks[j].norm in actors._JOINERS and toks[j + 1].kind != "punct":
                    j += 1
                if j >= last or toks[j].sent != t.sent:
                    break
                node = node.get(toks[j].norm)
                path.append(toks[j].norm)
                j += 1
        if best is None:
            i += 1
            continue
        out += [Match(i, best[0], v, best[2]) for v in best[1]]
        i = best[0]
    return out


@settings(max_examples=200, deadline=None)
@given(_PHRASES, st.lists(_DOC_WORDS, max_size=40), st.integers(0, 10), st.integers(0, 45))
def test_actor_find_within_equals_the_reference_walk(phrases, words, first, last):
    m = actors._BoundedMatcher((p, i) for i, p in enumerate(phrases))
    doc = _as_doc(words)
    last = min(last, len(doc.tokens))
    assert m.find_within(doc, first, last) == _reference_find_within(m, doc, first, last)


# -- per-token look-ups of the extractors ---------------------------------------------------
_NEWS = ("قال وزير الخارجية العراقي أمس الأحد إن الحكومة ستعقد اجتماعا في 12 آب/أغسطس 2024، "
         "وأكد أن الجيش قصف مواقع للمسلحين. وأضافت المتحدثة: «لن نقبل بذلك». وفي شباط الماضي "
         "أعلنت وزارة الدفاع وللمرة الثانية أن القوات انسحبت بعد يومين.")


def test_quote_cues_equal_the_per_token_lookup():
    doc = analyse_text(_NEWS)
    lex = quotes.cue_lexicon()
    assert quotes._cues(doc.tokens) == [quotes._cue_at(t, lex) for t in doc.tokens]
    assert any(c is not None for c in quotes._cues(doc.tokens))


def test_time_keys_equal_the_per_token_definition():
    doc = analyse_text(_NEWS + " ولشباط وبآب")
    sc = times._Scanner(doc, date(2024, 8, 11), "published")
    assert sc.K == [sc._key(t) for t in doc.tokens]
    assert "شباط" in sc.K


def test_actor_dates_keep_their_string_form():
    assert actors._yyyymmdd(date(2024, 8, 1)) == "20240801"


# -- pipeline and serialisation -------------------------------------------------------------
def test_analyse_leaves_the_garbage_collector_as_it_found_it(monkeypatch):
    import gc
    art = Article(text="قال الوزير إن الجيش قصف مواقع في بغداد أمس.", published="2024-08-11", id="g")
    assert gc.isenabled()
    analyse(art)
    assert gc.isenabled()
    gc.disable()
    try:
        analyse(art)
        assert not gc.isenabled()  # a caller's own pause is not undone
    finally:
        gc.enable()

    def boom(doc, timings=None):
        raise RuntimeError("extractor bug")
    monkeypatch.setattr("marsad.pipeline.analyse_doc", boom)
    with pytest.raises(RuntimeError):
        analyse(art)
    assert gc.isenabled()


def test_dumps_equals_plain_json_dumps():
    rec = analyse(Article(text=_NEWS, published="2024-08-11", id="j", title="عنوان \"مقتبس\"\n"))
    assert dumps(rec) == json.dumps(to_json(rec), ensure_ascii=False, separators=(",", ":"))


def test_a_warm_pipeline_opens_no_files_per_article():
    # resources load once per process; opening a file per article is the classic slowdown
    opened: list[str] = []
    watching = [False]

    def hook(event, args):
        if watching[0] and event == "open":
            opened.append(str(args[0]))
    sys.addaudithook(hook)  # hooks cannot be removed: this one is inert outside the block
    warm = Article(text=_NEWS, published="2024-08-11", id="w")
    dumps(analyse(warm))
    watching[0] = True
    try:
        for i, text in enumerate([_NEWS, "أعلنت الأمم المتحدة اليوم في جنيف أن 300 شخص نزحوا من إدلب."]):
            dumps(analyse(Article(text=text, published="2024-08-11", id=str(i))))
    finally:
        watching[0] = False
    assert opened == []
