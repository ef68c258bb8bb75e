"""Named entities: a CRF tagger over the Doc's surface tokens plus a light rule post-pass.

    ents = extract_entities(doc)             # [Entity(id="e1", span, type="PER"), ...]
    tag_tokens(["زار", "ترامب", "بغداد"])     # Doc-free path: BIO tags with PER ORG LOC MISC

The model (`resources/ner_model.crfsuite`, built by `scripts/train_ner.py`) tags surface
tokens, clitics attached, exactly as the CoNLL training data and `doc.tokens` present them,
with four types: PER ORG LOC (every place) MISC. Then, all general rules:
- one name, one reading per document (`propagate`): a name tagged once is tagged where the
  model missed it;
- model spans are cleaned (`_clean_model_spans`): titles off person names, مدينه/قريه off
  place names, nationality words dropped (guidelines), a country tagged ORG made a place,
  an organisation stretched over its nisba adjectives and an ل-complement (المرصد السوري
  لحقوق الانسان);
- the guidelines name government bodies with their nationality word (الحكومة العراقية,
  وزارة الخارجية الروسية, قوات الأمن العراقية), which the training corpora leave untagged:
  `_bodies` adds them (gender agreement keeps وزير الخارجية الأمريكي out);
- `_lexicon_rules`: multi-word gazetteer places over the model's part (جنوب السودان),
  country names the model missed, facilities head noun + place (مطار بغداد الدولي),
  curated well-known organisations and people, Latin acronyms (CNN);
- places are typed GPE / LOC / FAC by head noun and gazetteer (`place_type`); MISC is
  dropped (not a type of the output schema).

Features: the word, its clitic segments, affixes, word clusters of the surface form and of
its proclitic-free key, gazetteer flags, word classes (titles, organisation head nouns,
currencies/religions/events) and the neighbours' (±1, ±2); per document, `document_marks`
add what the word's other occurrences show (after a title, after an organisation noun).
Word features are computed per word form and cached (news vocabularies are Zipfian), restricted
to the attributes the model weighs, so tagging costs a list comprehension per sentence plus
crfsuite's Viterbi in C.
"""
from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from marsad.resources import resource_path
from marsad.text.normalize import normalize
from marsad.text.segment import segment
from marsad.types import Entity

MODEL = "ner_model.crfsuite"
CLUSTERS = "ner_clusters.tsv.gz"
KEY_CLUSTERS = "ner_key_clusters.tsv.gz"  # clusters of proclitic-free keys
GAZETTEER = "ner_gazetteer.tsv.gz"
TYPES = ("PER", "ORG", "LOC", "MISC")  # what the CRF predicts

_AR0, _AR1 = "\u0621", "\u064a"


# -- resources --------------------------------------------------------------------------
@dataclass(slots=True)
class Lexicons:
    clusters: dict[str, tuple[str, str]]
    key_clusters: dict[str, tuple[str, str]]
    # single-word gazetteer flags per normalised form: e.g. {"بغداد": ("GPE",)}
    words: dict[str, tuple[str, ...]]
    # multi-word names: first word -> list of (tuple of words, type)
    phrases: dict[str, list[tuple[tuple[str, ...], str]]]
    gpe: frozenset[str]  # every GPE name, normalised, article stripped too
    countries: frozenset[str]  # country names, normalised, article stripped too


def _read_clusters(name: str) -> dict[str, tuple[str, str]]:
    clusters: dict[str, tuple[str, str]] = {}
    p = resource_path(name)
    if p.exists():
        with gzip.open(p, "rt", encoding="utf-8") as f:
            for line in f:
                w, a, b = line.rstrip("\n").split("\t")
                clusters[w] = (a, b)
    return clusters


@lru_cache(maxsize=1)
def lexicons() -> Lexicons:
    clusters, key_clusters = _read_clusters(CLUSTERS), _read_clusters(KEY_CLUSTERS)
    words: dict[str, set[str]] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    gpe: set[str] = set()
    countries: set[str] = set()
    p = resource_path(GAZETTEER)
    if p.exists():
        with gzip.open(p, "rt", encoding="utf-8") as f:
            for line in f:
                name, _, ty = line.rstrip("\n").partition("\t")
                toks = tuple(name.split())
                if not toks or not ty:
                    continue
                if len(toks) == 1:
                    words.setdefault(toks[0], set()).add(ty)
                else:
                    phrases.setdefault(toks[0], []).append((toks, ty))
                if ty in ("GPE", "CTRY"):
                    dest = gpe if ty == "GPE" else countries
                    dest.add(name)
                    if name.startswith("ال"):
                        dest.add(name[2:])
    for v in phrases.values():
        v.sort(key=lambda e: -len(e[0]))  # longest first
    return Lexicons(clusters, key_clusters, {w: tuple(sorted(t)) for w, t in words.items()}, phrases, frozenset(gpe),
                    frozenset(countries))


# -- features ---------------------------------------------------------------------------
def word_form(token: str) -> str:
    """The form features are keyed by: normalised (as `Token.norm`), never empty."""
    return normalize(token).strip() or "_"


def _shape(w: str) -> str:
    c = w[0]
    if _AR0 <= c <= _AR1:
        return "ar"
    if c.isdigit():
        return "num"
    if c.isalpha():
        return "lat"
    return "punct"


@lru_cache(maxsize=60_000)  # bounded: memory stays flat over 100k-article runs
def word_features(w: str) -> tuple:
    """Features of one word form, cached: (own, as -1 neighbour, as +1, as -2, as +2, key,
    phrase candidates). `w` is a normalised form; Latin is lower-cased here."""
    lex = lexicons()
    w = w.lower()
    shape = _shape(w)
    own = ["b", "w=" + w, "sh=" + shape]
    ctx = ["w=" + w]
    key = w
    if shape == "ar":
        seg = segment(w)
        key, stem = seg.key, seg.stem
        if key != w:
            own.append("k=" + key)
        own.append("s=" + stem)
        if seg.pre:
            own.append("pre=" + seg.pre)
        if seg.det:
            own.append("det")
        if seg.suf:
            own.append("suf=" + seg.suf)
        own += ["p2=" + stem[:2], "p3=" + stem[:3], "x1=" + stem[-1:], "x2=" + stem[-2:], "x3=" + stem[-3:]]
        if len(stem) >= 3 and (stem.endswith("ي") or stem.endswith("يه") or stem.endswith("يين") or stem.endswith("يون")):
            own.append("nisba")
        forms: tuple[str, ...] = (w, key, stem, "ال" + stem if seg.det else stem)
        ctx.append("k=" + key)
        # word classes that generalise past the words seen in training: titles before a
        # person, head nouns before an organisation, MISC classes (currencies, religions, events)
        cls = _word_classes(key, w, stem)
        own += cls
        ctx += cls
    else:
        forms = (w,)
        if shape == "num":
            own.append("len=" + str(min(len(w), 5)))
        elif shape == "lat":
            own.append("x3=" + w[-3:])
    n = len(w)
    own.append("n=" + ("1" if n == 1 else "2" if n == 2 else "3" if n <= 3 else "5" if n <= 5 else "8" if n <= 8 else "9"))
    cl = None
    for f in forms:
        cl = lex.clusters.get(f)
        if cl:
            break
    if cl:
        own += ["c1=" + cl[0], "c2=" + cl[1]]
        ctx += ["c1=" + cl[0], "c2=" + cl[1]]
    else:
        own.append("c=none")
    # the key's cluster pools a word's clitic forms (والعراق, بالعراق, العراق)
    kcl = lex.key_clusters.get(key)
    if kcl:
        own += ["kc1=" + kcl[0], "kc2=" + kcl[1]]
    gz: set[str] = set()
    for f in forms:
        gz.update(lex.words.get(f, ()))
    for g in sorted(gz):
        own.append("g=" + g)
        ctx.append("g=" + g)
    far = ["w=" + w] + (["c1=" + cl[0], "c2=" + cl[1]] if cl else [])
    phrases = tuple(lex.phrases.get(key, ())) or tuple(lex.phrases.get(w, ()))
    return (tuple(own), tuple("-1:" + f for f in ctx), tuple("+1:" + f for f in ctx),
            tuple("-2:" + f for f in far), tuple("+2:" + f for f in far), w, phrases)


def _word_classes(key: str, w: str, stem: str) -> list[str]:
    out = []
    if key in _TRIGGER_PER or w in _TRIGGER_PER:
        out.append("T=title")
    if key in _TRIGGER_ORG or w in _TRIGGER_ORG:
        out.append("T=org")
    for f in (key, w, stem):
        cls = _MISC_CLASSES.get(f)
        if cls:
            out.append("L=" + cls)
            break
    return out


def form_key(w: str) -> str:
    """The proclitic-free key of a normalised form (as `Token.key` for Arabic words)."""
    return segment(w).key if _shape(w) == "ar" else w.lower()


def document_marks(keys: Sequence[Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """Document-level evidence per word key: the word follows a title (الرئيس X) or an
    organisation head noun (صحيفه X) somewhere in the document. Each occurrence of the word
    gets the marks, so a name introduced once with its title is recognised bare later."""
    ev: dict[str, set[str]] = {}
    trig = _TRIGGER_MARKS
    for ks in keys:
        # one dict probe per token: most words are no trigger
        for p, k in zip(ks, ks[1:]):
            m = trig.get(p)
            if m and len(k) >= 3:
                ev.setdefault(k, set()).add(m)
    return {k: tuple(sorted(v)) for k, v in ev.items()}


def _add_marks(items: list[list[str]], keys: Sequence[str], marks: dict[str, tuple[str, ...]]) -> None:
    if marks:
        for it, k in zip(items, keys):
            m = marks.get(k)
            if m:
                it.extend(m)


def document_items(sentences: Sequence[Sequence[str]], featfn=word_features) -> list[list[list[str]]]:
    """crfsuite items for a document given as sentences of normalised forms: the training
    path (tagging goes through `_Model`, which adds the same marks)."""
    keys = [[form_key(w) for w in fs] for fs in sentences]
    marks = document_marks(keys)
    out = []
    for fs, ks in zip(sentences, keys):
        items = sentence_features(fs, featfn)
        _add_marks(items, ks, marks)
        out.append(items)
    return out


def _gazetteer_marks(feats: Sequence[tuple]) -> list[str | None]:
    """B-/I- gazetteer marks for multi-word names (longest match, left to right)."""
    n = len(feats)
    out: list[str | None] = [None] * n
    i = 0
    while i < n:
        cands = feats[i][6]
        hit = None
        for toks, ty in cands:
            L = len(toks)
            if i + L <= n and all(feats[i + j][5] == toks[j] for j in range(1, L)):
                hit = (L, ty)
                break
        if hit:
            L, ty = hit
            out[i] = "G=B" + ty
            for j in range(i + 1, i + L):
                out[j] = "G=I" + ty
            i += L
        else:
            i += 1
    return out


_BOS, _EOS, _NONE = ("BOS",), ("EOS",), ()


def sentence_features(forms: Sequence[str], featfn=word_features) -> list[list[str]]:
    """crfsuite items for one sentence of normalised word forms (see `word_form`): the one
    feature path for training, Doc tagging and CoNLL tagging. Each token gets its own
    features, its neighbours' (±1 rich, ±2 word and cluster) and multi-word gazetteer marks."""
    feats = list(map(featfn, forms))
    return _items(feats)


def _items(feats: list[tuple]) -> list[list[str]]:
    # one comprehension over shifted views of the cached per-word tuples: no per-token
    # Python branching, the speed of the tagger depends on it
    n = len(feats)
    own = [f[0] for f in feats]
    m1 = [_BOS] + [f[1] for f in feats[:-1]]
    p1 = [f[2] for f in feats[1:]] + [_EOS]
    m2 = [_NONE, _NONE][:n] + [f[3] for f in feats[:-2]]
    p2 = [f[4] for f in feats[2:]] + [_NONE, _NONE][:n]
    items = [[*a, *b, *c, *d, *e] for a, b, c, d, e in zip(own, m1, p1, m2, p2)]
    for f in feats:
        if f[6]:
            break
    else:
        return items
    marks = _gazetteer_marks(feats)
    for i, m in enumerate(marks):
        if m:
            items[i].append(m)
            if i:
                items[i - 1].append("+1:" + m)
            if i + 1 < n:
                items[i + 1].append("-1:" + m)
    return items


# -- tagging ----------------------------------------------------------------------------
class _Model:
    """A loaded CRF and a per-word feature cache restricted to the attributes the model
    has weights for: fewer strings to build and for crfsuite to look up per token."""

    def __init__(self, path: str):
        import pycrfsuite

        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(path)
        self.known = frozenset(a for a, _ in self.tagger.info().state_features)
        self.cache: dict[str, tuple] = {}

    def features(self, w: str) -> tuple:
        f = self.cache.get(w)
        if f is None:
            known = self.known
            raw = word_features(w)
            f = tuple([tuple([x for x in part if x in known]) for part in raw[:5]]) + raw[5:]
            if len(self.cache) < 120_000:  # the frequent forms arrive first (Zipf); ~200 MB at most
                self.cache[w] = f
        return f

    def tag(self, forms: Sequence[str], keys: Sequence[str] = (),
            marks: dict[str, tuple[str, ...]] | None = None) -> list[str]:
        cache = self.cache
        feats = [cache[w] if w in cache else self.features(w) for w in forms]
        items = _items(feats)
        if marks:
            _add_marks(items, keys, marks)
        return self.tagger.tag(items)


_models: dict[str, _Model] = {}


def _model(model: Path | None = None) -> _Model:
    path = str(model or resource_path(MODEL))
    m = _models.get(path)
    if m is None:
        if not Path(path).exists():
            raise FileNotFoundError(f"NER model missing: {path} (run scripts/train_ner.py)")
        m = _models[path] = _Model(path)
    return m


def tag_forms(forms: Sequence[str], model: Path | None = None, keys: Sequence[str] | None = None,
              marks: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    """One sentence of normalised forms -> BIO tags. `keys`/`marks` carry the document's
    evidence (`document_marks`); without them the sentence is its own document."""
    if not forms:
        return []
    if keys is None:
        keys = [form_key(w) for w in forms]
    if marks is None:
        marks = document_marks([keys])
    return list(_model(model).tag(forms, keys, marks))


def tag_tokens(tokens: Sequence[str], model: Path | None = None) -> list[str]:
    """Doc-free path for CoNLL input: one sentence of raw tokens -> BIO tags."""
    return tag_forms([word_form(t) for t in tokens], model=model)


# Words never carried over by `propagate` even when tagged once (function words, titles).
_NO_PROPAGATE = frozenset("في من الي علي عن مع ان او ثم قد لا ما لم لن هو هي هذا هذه ذلك تلك "
                          "الذي التي الرئيس الوزير السيد الشيخ".split())


def propagate(keys: Sequence[Sequence[str]], tags: list[list[str]]) -> list[list[str]]:
    """One name, one reading per document: a name the tagger marked somewhere (a one-word
    name, a multi-word name, or the surname ending a person's name) is marked again where
    the tagger left all its words O (جنبلاط ... قال جنبلاط). `keys` are proclitic-free forms;
    tags are edited in place. A name marked with two different types is left alone."""
    memo: dict[tuple[str, ...], str | None] = {}

    def remember(k: tuple[str, ...], ty: str) -> None:
        memo[k] = ty if memo.get(k, ty) == ty else None

    for ks, ts in zip(keys, tags):
        for f, l, ty in bio_spans(ts):
            if l - f > 1:
                remember(tuple(ks[f:l]), ty)
            if l - f == 1 or ty == "PER":
                k = ks[l - 1]
                if len(k) >= 3 and k not in _NO_PROPAGATE:
                    remember((k,), ty)
    if not memo:
        return tags
    longest = max(len(k) for k in memo)
    firsts = {k[0] for k in memo}
    for ks, ts in zip(keys, tags):
        n = len(ts)
        i = 0
        while i < n:
            if ks[i] not in firsts or ts[i] != "O":
                i += 1
                continue
            hit = None
            for L in range(min(longest, n - i), 0, -1):
                ty = memo.get(tuple(ks[i:i + L]))
                if ty and all(t == "O" for t in ts[i:i + L]) \
                        and (i == 0 or ts[i - 1] == "O") and (i + L == n or ts[i + L] == "O"):
                    hit = (L, ty)
                    break
            if hit:
                L, ty = hit
                ts[i] = "B-" + ty
                for j in range(i + 1, i + L):
                    ts[j] = "I-" + ty
                i += L
            else:
                i += 1
    return tags


def tag_document(sentences: Sequence[Sequence[str]], model: Path | None = None) -> list[list[str]]:
    """Doc-free path for a document given as sentences of raw tokens (CoNLL)."""
    forms = [[word_form(t) for t in s] for s in sentences]
    keys = [[form_key(w) for w in fs] for fs in forms]
    marks = document_marks(keys)
    tags = [tag_forms(fs, model, ks, marks) for fs, ks in zip(forms, keys)]
    return propagate(keys, tags)


def bio_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(first, last-exclusive, type) runs from BIO tags; a stray I- opens a new span."""
    out: list[tuple[int, int, str]] = []
    start, ty = -1, ""
    for i, t in enumerate(list(tags) + ["O"]):
        if t.startswith("I-") and start >= 0 and t[2:] == ty:
            continue
        if start >= 0:
            out.append((start, i, ty))
            start = -1
        if t != "O":
            start, ty = i, t[2:]
    return out


# -- post-pass lexicon (normalised forms) -------------------------------------------------
# Nouns that head an official body when followed by a nationality adjective (with ال) or,
# in construct state (no ال), by a defined noun or a place name. Grammatical gender decides
# which nisba agrees with them: وزير الخارجيه الامريكي is a minister, not a ministry.
_BODY_DET_F = frozenset(
    "الحكومه السلطات الشرطه الرئاسه القوات الدفاعات الخارجيه الداخليه البحريه الاستخبارات "
    "المخابرات الميليشيات الميليشيا المليشيا المليشيات الميلشيات الميلشيا الجماعه الاداره "
    "السفاره الخزانه".split())
_BODY_DET_M = frozenset("الجيش النظام البرلمان الحرس الكونغرس".split())
_BODY_CONSTRUCT = frozenset(
    "وزاره قوات حكومه هيئه مجلس جيش سلاح قياده وكاله منظمه رئاسه مفوضيه دائره شرطه "
    "ميليشيا ميليشيات مليشيا مليشيات جماعه حركه حزب لجنه محكمه سفاره نظام".split())
# Heads of organisation names that may continue with ل + noun: المرصد السوري لحقوق الانسان.
_ORG_HEADS = _BODY_CONSTRUCT | frozenset(
    "المرصد المفوضيه الهيئه المنظمه اللجنه المجلس الجمعيه جمعيه الشبكه شبكه المركز مركز "
    "التحالف تحالف مكتب الاتحاد اتحاد صندوق برنامج البنك بنك المؤسسه مؤسسه".split())
# Adjectives that belong to an organisation's name (besides nationality adjectives).
_ORG_ADJ = frozenset(
    "الدولي الدوليه الثوري الشعبي الشعبيه الوطني الوطنيه الاسلامي الاسلاميه العربي العربيه "
    "الجوي الجويه الملكي الملكيه العليا الاعلي العام العامه الاتحادي الاتحاديه المركزي "
    "المركزيه الموحد الموحده الديمقراطي الديمقراطيه الشرعيه الحكوميه البحريه البريه".split())
# Defined words that end a body's name rather than continue it (dates, time words).
_STOP = frozenset(
    "الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه السبت اليوم الماضي الماضيه الحالي "
    "الحاليه الجاري المقبل المقبله السابق السابقه الجديد الجديده امس الان الذي التي الذين "
    "الي علي في من عن ان".split())
# Nationality/group adjectives the gazetteer cannot derive.
_NISBA_EXTRA = frozenset("امريكي اميركي امريكيه اميركيه حوثي حوثيه اوروبي اوروبيه "
                         "الماني المانيه بريطاني بريطانيه اسرائيلي اسرائيليه".split())
# Head nouns of facilities and of non-political places.
_FAC_HEADS = frozenset(
    "مطار قاعده سجن معتقل معبر مستشفي مستشفيات ميناء سد قنصليه ملعب استاد مبني قصر برج "
    "فندق مسجد كنيسه جسر محطه مصفاه منشاه مفاعل".split())
_LOC_HEADS = frozenset(
    "بحر نهر خليج مضيق جبل جبال وادي صحراء هضبه شبه منطقه حي ريف ضاحيه الساحل ساحل "
    "شرق غرب شمال جنوب وسط جزيره جزر".split())
_LOC_NAMES = frozenset(
    "افريقيا اوروبا اسيا امريكا_اللاتينيه الشرق_الاوسط الخليج النيل الفرات دجله "
    "البحر_الاحمر البحر_المتوسط المتوسط اوقيانوسيا اوروبا_الشرقيه "
    "شرق_افريقيا غرب_افريقيا شمال_افريقيا".split())
# Words before a place name that are not part of it (مدينه دوما -> دوما).
_PLACE_DROP = frozenset("مدينه بلده قريه بلدات مدن قري".split())
# Role nouns: a body noun after them names the role's domain (وزير الخارجيه الامريكي).
_ROLES = frozenset(
    "وزير وزيره رئيس رئيسه سفير سفيره مدير مديره قائد متحدث المتحدث ناطق الناطق نائب مسؤول "
    "مستشار امين عضو اعضاء قاده وزراء رؤساء سفراء مسؤولي مسؤولو".split())
# Titles before a person's name that are not part of it.
_TITLES = frozenset(
    "بروفيسور البروفيسور الدكتور دكتور د السيد السيده الشيخ الشيخه المشير الفريق اللواء "
    "العميد العقيد المقدم الرائد النقيب الجنرال الرئيس الوزير الامير الاميره الملك الملكه "
    "القاضي المحامي الاستاذ الحاج الامام".split())
# Tagger word classes (features, see `_word_classes`). Words before a person's name...
_TRIGGER_PER = _TITLES | frozenset(
    "رئيس وزير الوزير نائب النائب المتحدث الناطق قائد القائد سفير السفير مدير المدير امين "
    "الامين زعيم الزعيم العاهل ولي المرشد المبعوث الممثل الجنرال الكاتب الصحفي اللاعب المدرب "
    "النجم الفنان الفنانه المطرب الممثله رئيسه".split())
# ... and before an organisation's name (صحيفه " النهار ", نادي تشيلسي).
_TRIGGER_ORG = _ORG_HEADS | frozenset(
    "شركه الشركه وزاره الوزاره حزب الحزب منظمه جامعه الجامعه جمعيه نادي النادي فريق الفريق "
    "صحيفه الصحيفه مجله قناه القناه وكاله الوكاله بنك مصرف المصرف اذاعه تلفزيون".split())
# a title wins where a word is both (قائد)
_TRIGGER_MARKS = {**dict.fromkeys(_TRIGGER_ORG, "D=oh"), **dict.fromkeys(_TRIGGER_PER, "D=ti")}
# MISC classes of the ANERcorp scheme: currencies, religions and scriptures, named events.
_MISC_CLASSES: dict[str, str] = {
    **dict.fromkeys(
        "دولار دولارا دولارات الدولار درهم دراهم الدرهم جنيه جنيها جنيهات الجنيه يورو اليورو "
        "شيكل شيكلا الشيكل ريال ريالا ريالات الريال دينار دينارا دنانير الدينار ليره ليرات "
        "الليره روبل الروبل ين الين يوان اليوان روبيه الروبيه فرنك الفرنك استرليني الاسترليني "
        "بيتكوين".split(), "cur"),
    **dict.fromkeys("الاسلام الله المسيحيه اليهوديه البوذيه القران الانجيل التوراه الكعبه".split(), "rel"),
    **dict.fromkeys("المونديال الاولمبياد الاولمبيه الكاس كاس بطوله البطوله دوري الدوري مهرجان "
                    "المهرجان معرض المعرض جائزه نوبل".split(), "ev"),
}


def _base(t) -> str:
    """A token's key, article stripped: the form nationality tests compare."""
    k = t.key
    return k[2:] if k.startswith("ال") else k


def _gpe_base(b: str) -> bool:
    """Is `b` the base of a country's nisba: سوري <- سوريا, عراقي <- العراق, سعودي <- السعوديه?"""
    gpe = lexicons().countries
    return (b in gpe or b + "ا" in gpe or b + "يا" in gpe or "ال" + b in gpe
            or "ال" + b + "يه" in gpe or b + "يه" in gpe or b + "ه" in gpe)


def nisba_gender(t) -> str | None:
    """'f' or 'm' when token `t` (with ال) is a nationality adjective (العراقيه, السوري)."""
    if not t.seg.det:
        return None
    s = t.stem
    if s in _NISBA_EXTRA:
        return "f" if s.endswith("يه") else "m"
    if s.endswith("يه") and len(s) >= 5 and _gpe_base(s[:-2]):
        return "f"
    if s.endswith("ي") and len(s) >= 4 and _gpe_base(s[:-1]):
        return "m"
    return None


def is_nationality(t) -> bool:
    return nisba_gender(t) is not None


def is_nationality_plural(t) -> bool:
    """الاميركيين, السوريون: nationality words, which are not entities."""
    s = t.stem
    for suf in ("يين", "يون"):
        if s.endswith(suf) and len(s) > 4 and (_gpe_base(s[:-3]) or s[:-3] + "ي" in _NISBA_EXTRA):
            return True
    return False


def _org_adjective(t) -> bool:
    return t.seg.det and not t.pre and (t.key in _ORG_ADJ or is_nationality(t))


def place_type(doc, first: int, last: int) -> str:
    """GPE, LOC or FAC for a place span: facility and region head nouns, then gazetteer."""
    toks = doc.tokens
    head = toks[first]
    hb = _base(head)
    if head.key in _FAC_HEADS or hb in _FAC_HEADS:
        return "FAC"
    name = "_".join(_base(t) if i == first else t.norm for i, t in enumerate(toks[first:last], first))
    name_det = "_".join([head.key] + [t.norm for t in toks[first + 1:last]])
    if name in _LOC_NAMES or name_det in _LOC_NAMES:
        return "LOC"
    gpe = lexicons().gpe
    if name_det.replace("_", " ") in gpe or name.replace("_", " ") in gpe:
        return "GPE"
    if head.key in _LOC_HEADS or hb in _LOC_HEADS:
        return "LOC"
    return "GPE"


# -- extraction -------------------------------------------------------------------------
Spans = list[tuple[int, int, str]]


def _tag_doc(doc) -> list[str]:
    toks = doc.tokens
    sents = [toks[s.first:s.last] for s in doc.sentences]
    keys = [[t.key for t in sent] for sent in sents]
    marks = document_marks(keys)
    tags = [tag_forms([t.norm for t in sent], None, ks, marks) for sent, ks in zip(sents, keys)]
    return [t for ts in propagate(keys, tags) for t in ts]


def _lexicon_matches(doc, types: frozenset[str]) -> Spans:
    """Gazetteer names of the given types in the doc (longest first, left to right); the
    first word matches by key, so proclitics are tolerated (لحزب الله, والولايات المتحده)."""
    lex = lexicons()
    toks = doc.tokens
    out: Spans = []
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        hit = None
        if t.kind != "punct":
            for toks_, ty in lex.phrases.get(t.key, []) + lex.phrases.get(t.norm, []):
                L = len(toks_)
                if ty in types and i + L <= n and toks[i + L - 1].sent == t.sent \
                        and all(toks[i + j].norm == toks_[j] for j in range(1, L)):
                    hit = (i, i + L, ty)
                    break
            if hit is None:
                for ty in lex.words.get(t.key, ()) or lex.words.get(t.norm, ()):
                    if ty in types:
                        hit = (i, i + 1, ty)
                        break
        if hit:
            out.append(hit)
            i = hit[1]
        else:
            i += 1
    return out


def _bodies(doc, spans: Spans) -> Spans:
    """Official bodies named by description: الحكومه العراقيه, وزاره الخارجيه الروسيه,
    قوات الامن العراقيه, حكومه بغداد. Returns new ORG spans (token ranges)."""
    toks = doc.tokens
    n = len(toks)
    place_at = {f: l for f, l, ty in spans if ty == "LOC"}
    out: Spans = []
    i = 0
    while i < n:
        t = toks[i]
        if t.kind != "ar":
            i += 1
            continue
        sent = t.sent
        end = -1
        gender = "f" if t.key in _BODY_DET_F else "m" if t.key in _BODY_DET_M else None
        if gender and t.seg.det and not (i and (toks[i - 1].key in _ROLES or toks[i - 1].norm in _ROLES)):
            # الحكومه [defined noun ≤2] nisba; not after a role noun (وزير الخارجيه ...)
            j = i + 1
            while j < n and j <= i + 3 and toks[j].sent == sent and toks[j].seg.det and not toks[j].pre:
                g = nisba_gender(toks[j])
                if g:
                    if g == gender or j > i + 1:
                        end = j + 1
                    break
                if toks[j].key in _STOP:
                    break
                j += 1
        elif not t.seg.det and (t.key in _BODY_CONSTRUCT or t.norm in _BODY_CONSTRUCT) \
                and i + 1 < n and toks[i + 1].sent == sent:
            nxt = toks[i + 1]
            if i + 1 in place_at:  # حكومه بغداد, حكومه جنوب السودان
                end = place_at[i + 1]
            elif nxt.seg.det and not nxt.pre and nxt.key not in _STOP and not is_nationality(nxt):
                end = i + 2
                # one more defined noun or adjective in the chain (قوات الدفاع الجوي)
                j = end
                if j < n and toks[j].sent == sent and toks[j].seg.det and not toks[j].pre \
                        and toks[j].key not in _STOP and not is_nationality(toks[j]) \
                        and (toks[j].key in _ORG_ADJ or toks[j].key in ("الامن", "الدفاع", "الخارجيه")):
                    end = j + 1
        if end > 0:
            while end < n and toks[end].sent == sent and _org_adjective(toks[end]):
                end += 1
            out.append((i, end, "ORG"))
            i = end
        else:
            i += 1
    return out


def _tokens_of(spans: Spans) -> set[int]:
    """The token indices the spans cover: overlap tests by set lookup, linear in the text
    (pairwise span checks were quadratic on very long articles)."""
    return {k for f, l, _ in spans for k in range(f, l)}


def _merge(model: Spans, rules: Spans) -> list[tuple[int, int, str, str]]:
    """Rule spans win over model spans they overlap unless the model span is longer."""
    out: list[tuple[int, int, str, str]] = []
    model_at = {k: m for m in model for k in range(m[0], m[1])}
    taken: set[int] = set()
    for f, l, ty in rules:
        clash = {model_at[k] for k in range(f, l) if k in model_at}
        if any(m[1] - m[0] > l - f for m in clash) or any(k in taken for k in range(f, l)):
            continue
        out.append((f, l, ty, "rule"))
        taken.update(range(f, l))
    for f, l, ty in model:
        if any(k in taken for k in range(f, l)):
            continue
        out.append((f, l, ty, "model"))
    out.sort()
    return out


def _span_start(doc, t) -> int:
    """Where an entity starting at token `t` begins: after one-letter proclitics, except
    the ل of لل, which stays (للولايات المتحده: the bare form is not in the text)."""
    from marsad.text.segment import Vocabulary

    if not t.pre:
        # the segmenter keeps لمنظمه whole when unsure; a name's first word is far more
        # often bare (منظمه) than not, so strip when the bare form is much more common
        w = t.norm
        if len(w) > 4 and w[0] in "وفبلك" and t.kind == "ar":
            v = Vocabulary.default()
            if v.get(w[1:]) >= max(20, 5 * v.get(w)):
                return _skip_marks(doc.text, t.start + 1)
        return t.start
    if t.pre.endswith("ل") and t.seg.det and not t.norm[len(t.pre):].startswith("ال"):
        # (و)لل...: drop only the conjunction
        return _skip_marks(doc.text, t.start + 1) if len(t.pre) > 1 else t.start
    return t.key_start


def _skip_marks(text: str, i: int) -> int:
    while i < len(text) and ("\u064b" <= text[i] <= "\u0652" or text[i] == "\u0640"):
        i += 1
    return i


def _clean_model_spans(doc, raw: Spans) -> Spans:
    toks = doc.tokens
    lex = lexicons()
    out: Spans = []
    for f, l, ty in raw:
        if ty == "MISC":
            continue
        while f < l and toks[f].kind == "punct":
            f += 1
        while l > f and toks[l - 1].kind == "punct":
            l -= 1
        if f >= l:
            continue
        if ty == "PER":
            while l - f > 1 and (toks[f].key in _TITLES or toks[f].norm in _TITLES):
                f += 1
        if ty == "LOC":
            while l - f > 1 and toks[f].key in _PLACE_DROP:
                f += 1
        if l - f == 1:
            t = toks[f]
            # nationality words are not entities; a nisba after a noun is its adjective
            if is_nationality_plural(t) and "ORGK" not in lex.words.get(t.key, ()):
                continue
            if ty == "LOC" and is_nationality(t) and f and toks[f - 1].seg.det and toks[f - 1].sent == t.sent:
                continue
            # a country or city standing for its government is still a GPE (guidelines)
            if ty == "ORG" and t.key in lex.gpe:
                ty = "LOC"
        if ty == "ORG" and (l - f > 1 or toks[f].key in _ORG_HEADS):
            # المرصد السوري + لحقوق الانسان, وكاله السودان + للانباء
            sent = toks[f].sent
            if (toks[f].key in _ORG_HEADS or _base(toks[f]) in _ORG_HEADS) and l < len(toks) \
                    and toks[l].sent == sent and toks[l].pre == "ل":
                if toks[l].seg.det:
                    l += 1
                elif l + 1 < len(toks) and toks[l + 1].sent == sent and toks[l + 1].seg.det and not toks[l + 1].pre:
                    l += 2
            while l < len(toks) and toks[l].sent == sent and _org_adjective(toks[l]):
                l += 1
        out.append((f, l, ty))
    return out


def _lexicon_rules(doc, model: Spans) -> Spans:
    """Gazetteer places that cover a model place (جنوب + السودان) or that the model missed
    (country names), facilities named by a head noun and a place (ميناء + الحديده), curated
    organisations and people, Latin acronyms (CNN)."""
    toks = doc.tokens
    rules: Spans = []
    lex = lexicons()
    model_at = {k: m for m in model for k in range(m[0], m[1])}
    for f, l, ty in _lexicon_matches(doc, frozenset({"GPE", "ORGK", "PERK"})):
        if ty != "GPE":
            # curated names: well-known organisations and people (ترامب, حزب الله)
            rules.append((f, l, "ORG" if ty == "ORGK" else "PER"))
            continue
        over = {model_at[k] for k in range(f, l) if k in model_at}
        inside = [m for m in over if f <= m[0] and m[1] <= l]
        if l - f > 1 and (inside or not over):
            rules.append((f, l, "LOC"))  # جنوب السودان over the model's السودان
        elif l - f == 1 and not over:
            t = toks[f]
            # a country name the model missed, unless it is an adjective after a noun
            adjective = f and toks[f - 1].seg.det and toks[f - 1].sent == t.sent and is_nationality(t)
            types = lex.words.get(t.key, ()) + lex.words.get(t.norm, ())
            # country names only: the city lists hold too many common words (الخميس, بيان)
            if not adjective and "CTRY" in types:
                rules.append((f, l, "LOC"))
    for f, l, ty in model:
        if ty == "LOC" and f > 0 and toks[f - 1].sent == toks[f].sent:
            h = toks[f - 1]
            if not h.seg.det and (h.key in _FAC_HEADS or h.norm in _FAC_HEADS):
                while l < len(toks) and toks[l].sent == h.sent and toks[l].key in ("الدولي", "الدوليه"):
                    l += 1  # مطار بغداد الدولي
                rules.append((f - 1, l, "LOC"))
    for t in toks:
        if t.kind == "lat" and t.text.isupper() and 2 <= len(t.text) <= 5:
            rules.append((t.i, t.i + 1, "ORG"))
    rules.sort()
    return rules


def extract_entities(doc) -> list[Entity]:
    toks = doc.tokens
    if not toks:
        return []
    model = _clean_model_spans(doc, bio_spans(_tag_doc(doc)))
    rules = _lexicon_rules(doc, model)
    ruled = _tokens_of(rules)
    rules += [b for b in _bodies(doc, model) if not any(k in ruled for k in range(b[0], b[1]))]
    rules.sort()
    merged = _merge(model, rules)
    ents: list[Entity] = []
    for f, l, ty, src in merged:
        if ty == "LOC":
            ty = place_type(doc, f, l)
        span = doc.span(_span_start(doc, toks[f]), toks[l - 1].end)
        ents.append(Entity(id=f"e{len(ents) + 1}", span=span, type=ty, source=src))
    return ents
