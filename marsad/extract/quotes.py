"""Reported speech: every statement introduced by a speech cue, with its speaker.

    quotes = extract_quotes(doc, layers)   # list[Quote], in text order

How it works (one left-to-right pass over `doc.tokens`, linear in their number):
1. Cue words come from `resources/speech_cues.tsv` (قال، أضاف، أكد، أشار …) and are expanded
   into their inflections: past (قالت، قالوا), imperfect (تقول، يقولون) and participles
   (مؤكداً، مؤكدة). Proclitics (وقال، فقال، لينفي) are tolerated.
2. After a cue we read the subject noun phrase (Arabic is mostly VSO), skip adjuncts
   (في بيان، اليوم الأحد، للصحفيين) and look for the complement: a quotation mark, a colon,
   an إن/أن clause, the cue's preposition (أشار إلى، شدد على) or a claim noun phrase
   (أكد عدم وجود، أعلن رفضه). Act nouns (أعلنت الشرطة اعتقال …) are not claims: those are
   events, not quotes.
3. The speaker is the subject after the cue (its named entity when NER found one, else the
   name in an apposition, else the noun phrase), or a subject before the cue (وكان غندور قد
   قال), or, for chains and participles (وأضاف، مؤكداً) and relative cues, the speaker of the
   governing clause or the last speaker whose verb agreed in gender (قالت → a feminine one).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from marsad.resources import resource_path
from marsad.text import Doc, Token
from marsad.text.normalize import normalize
from marsad.text.segment import Vocabulary
from marsad.types import Entity, Quote, Span

# -- lexicon -------------------------------------------------------------------------------

OPEN_CLOSE = {"«": "»", "“": "”", "„": "”", '"': '"'}
_QUOTE_CHARS = frozenset("\"«»“”„")
# إن/أن and their pronoun-suffixed forms, optionally with the ب of بأن
THAT = frozenset(
    p + w for p in ("", "ب") for w in
    ("ان", "انه", "انها", "انهم", "انهما", "انهن", "اننا", "انني", "اني", "انك", "انكم")
)
# Words that turn a following أن into something other than the cue's complement.
THAT_BLOCKERS = frozenset(
    "بعد قبل منذ الا غير رغم برغم بالرغم حيث كما سيما يجب يمكن ينبغي دون اجل بدل حتي لو مجرد "
    "بمجرد شرط ريثما يفترض يريد تريد يحاول تحاول بدون عوضا امكان بامكان قرر قررت".split()
)
# Attributions placed after the content: حسبما ذكر، وفق ما أوردت … are not quotes.
ATTRIBUTION = frozenset("حسبما بحسبما مثلما وفقما".split())
ATTRIBUTION_HEADS = frozenset("حسب بحسب وفق وفقا لما طبقا".split())

# A cue word right after one of these is a noun or a generic/negated verb (أي زعم، من يقول).
NOT_A_VERB_BEFORE = frozenset("من لمن اي كل لا لم لن".split())
# Words before a quotation mark that make it a name, a label or a prepositional object, not
# speech (بـ"…"، بمثابة "…"، أعلن عن "…").
LABEL_BEFORE = frozenset("ب ل بمثابه مثل باسم اسم تسميه عن الي علي من في مع".split())
# Asides after a preposition: من جانبه، من جهتها …
ASIDE = frozenset("جانبه جانبها جانبهم جهته جهتها جهتهم ناحيته ناحيتها طرفه طرفها".split())
# Audiences and channels after ل that segmentation may keep whole (لوكالة، لوسائل الإعلام).
LAM_ADJUNCT = frozenset(
    "وكاله وسائل صحيفه قناه موقع تلفزيون اذاعه شبكه مجله صحفيين صحافيين مراسل وفد اعضاء نواب "
    "انصار مؤيدي جمهور".split()
)
# Words that begin with a letter segmentation may take for a proclitic (ولي العهد).
WHOLE_WORDS = frozenset("ولي والي".split())
# Present-tense cue forms that, right before أن, are impersonal (يُذكر أن، يُرجّح أن).
IMPERSONAL = frozenset("يذكر يشار يرجح يتوقع يعتقد يفترض يبدو يقال".split())
# Tokens that end a subject noun phrase (prepositions, particles, time words).
NP_STOP = frozenset(
    "في خلال امام عبر اثناء علي عن الي لدي مع منذ بعد قبل عند حول امس اليوم غدا صباح مساء ليل "
    "ليله صباحا مساء ظهر عصر فجر قد لقد التي الذي الذين اللذين اللتين اللواتي ان او ثم حيث اذ "
    "الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه السبت يوم امام وسط بين بشان ازاء تجاه نحو "
    "ضمن من و ف هو هي هم انه انها كما ايضا ولكن لكن بل فيما بينما حين عندما اما عقب عشيه اثر "
    "غداه ابان بعيد وهو وهي وهم بدوره بدورها بدورهم".split()
)
# Sentence openers that mark a clause boundary when scanning backwards for a subject.
CLAUSE_START = frozenset(
    "كان كانت كانوا لكن ولكن فيما بينما حين حيث اذ ثم كما اما وقد فقد قد لقد ان بعدما عندما "
    "لما لكنه لكنها لكنهم ولكنه ولكنها ولكنهم انه انها انهم فانه فانها لذا لذلك كذلك ايضا".split()
)
# Function words and pronoun-bearing particles: never a speaker (فيها، لكنه، لذا، بخصوص).
FUNCTION = frozenset(
    "فيها فيه فيهم عليه عليها عليهم له لها لهم منه منها منهم عنه عنها لكنه لكنها لكنهم لذا لذلك "
    "كذلك ايضا بخصوص بشان وهو وهي وهم هو هي هم انه انها انهم ذلك هذا هذه تلك هناك هنا حيث "
    "قد لقد ثم كما اما اذا لو ان مما لديه لديها لديهم ولكنه ولكنها ولكنهم وفق وفقا بحسب حسب "
    "طبقا نقلا".split()
)
# Role words: a subject starting with one is a description, so a following apposition
# (، فيليبو غراندي،) is the name to prefer.
_ROLES = (
    "وزير وزيره رئيس رئيسه مدير مديره نائب نائبه امين امينه مستشار مستشاره سفير سفيره قائد "
    "مسؤول مسؤوله متحدث متحدثه ناطق ناطقه مندوب مندوبه ممثل ممثله زعيم زعيمه مبعوث مبعوثه عضو "
    "مفوض مفوضه اعلامي اعلاميه كاتب كاتبه محلل محلله خبير خبيره باحث باحثه محامي محاميه مدعي "
    "قاضي قاضيه زوج زوجه والد والده شقيق شقيقه ابن ابنه نجل عميد قائده محافظ حاكم امير ملك "
    "مراسل مراسله منسق مساعد مساعده نقيب مستشار"
).split()
ROLE_WORDS = frozenset(_ROLES + ["ال" + w for w in _ROLES])
TITLES = frozenset(
    "العقيد الركن اللواء العميد الشيخ الامير الاميره الدكتور الدكتوره السفير المشير الفريق "
    "الجنرال السيد السيده الملك المستشار المهندس القاضي الحاج".split()
)
SPEAKER_TYPES = frozenset({"PER", "ORG", "GPE", "NORP"})
# Heads of claim noun phrases (أكد عدم وجود، أعلن رفضه): stances, not acts.
CLAIM_HEADS = (
    "عدم وجود حق ضروره اهميه وقوع صحه رفض التزام دعم تاييد قلق ادانه رغبه استعداد ترحيب تضامن "
    "امل تمسك حرص اعتقاد ثقه تقدير اسف استنكار شجب تنديد ارتياح اعتزاز وقوف تفاؤل استياء "
    "غضب سخط انزعاج تطلع حاجه براءه موقف معارضه تحفظ اصرار عزم نيه تاكيد خشيه مخاوف"
).split()
_SUFFIXES = ("ه", "ها", "هم", "هما", "نا")
# Claim heads that never continue a name or title, so they end a subject noun phrase.
CLAIM_BREAK = frozenset("عدم ضروره اهميه وقوع رفض".split())


def _claim_forms() -> tuple[frozenset[str], frozenset[str]]:
    """(bare forms, pronoun-suffixed forms) of the claim heads, normalised."""
    bare, owned = set(), set()
    for w in CLAIM_HEADS:
        bare.update({w, "ال" + w})
        base = w[:-1] + "ت" if w.endswith("ه") else w  # ة becomes ت before a suffix
        owned.update(base + s for s in _SUFFIXES)
    return frozenset(bare), frozenset(owned)


CLAIM_BARE, CLAIM_OWNED = _claim_forms()


@dataclass(frozen=True, slots=True)
class CueWord:
    lemma: str
    flags: frozenset[str]
    preps: tuple[str, ...]

    def has(self, flag: str) -> bool:
        return flag in self.flags


@dataclass(frozen=True, slots=True)
class CueForm:
    cue: CueWord
    kind: str  # verb | part (participle)
    gender: str  # m f p
    obj: bool = False  # carries an object pronoun (اعتبره، وصفها)


def _inflect(past: str, pres: str, part: str, cue: CueWord) -> dict[str, CueForm]:
    """All inflected forms of one cue line."""
    out: dict[str, CueForm] = {}
    defective = cue.has("def") or past.endswith("ا")

    def put(form: str, kind: str, gender: str, obj: bool = False) -> None:
        out.setdefault(form, CueForm(cue, kind, gender, obj))

    pb = past[:-1] if defective else past
    put(past, "verb", "m")
    put(pb + "ت", "verb", "f")
    put(pb + "وا", "verb", "p")
    put(pb + "و", "verb", "p")  # a common spelling slip: أفادو
    put(past + "ا", "verb", "m")  # dual
    put(pb + "تا", "verb", "f")
    if cue.has("obj"):
        for s in ("ه", "ها", "هم"):
            put(past + s, "verb", "m", True)
            put(pb + "ت" + s, "verb", "f", True)
    if pres.startswith("ي"):
        stem = pres[1:]
        put(pres, "verb", "m")
        put("ت" + stem, "verb", "f")
        plural = (pres[:-1] if pres[-1] in "يو" else pres) + "ون"
        put(plural, "verb", "p")
    if part != "-":
        if part.endswith("ي"):
            m, f = part + "ا", part + "ه"
        elif defective:
            m, f = part + "يا", part + "يه"
        else:
            m, f = part + "ا", part + "ه"
        put(m, "part", "m")
        put(f, "part", "f")
        put(part + "ين", "part", "p")
        put(part + "ون", "part", "p")
    return out


@lru_cache(maxsize=1)
def cue_lexicon() -> dict[str, CueForm]:
    """Normalised surface form -> CueForm, from resources/speech_cues.tsv."""
    lex: dict[str, CueForm] = {}
    never: set[str] = set()
    with open(resource_path("speech_cues.tsv"), encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            if line.startswith("!"):
                never.update(line[1:].split())
                continue
            past, pres, part, flags = line.rstrip("\n").split("\t")[:4]
            fl = [x.strip() for x in flags.split(",") if x.strip()]
            cue = CueWord(past, frozenset(fl), tuple(x[5:] for x in fl if x.startswith("prep=")))
            for form, cf in _inflect(past, pres, part, cue).items():
                lex.setdefault(form, cf)
    for form in never:
        lex.pop(form, None)
    return lex


# -- helpers over tokens -------------------------------------------------------------------

def _forms(tok: Token) -> tuple[str, ...]:
    """Candidate lexicon forms of a token: as written, without و/ف, without ل/س of a verb."""
    return _forms_of(tok.norm, tok.key)


@lru_cache(maxsize=100_000)
def _forms_of(w: str, key: str) -> tuple[str, ...]:
    out = [w]
    if len(w) > 3 and w[0] in "وف":
        out.append(w[1:])
    for v in list(out):
        if len(v) > 3 and v[0] in "لس" and v[1] in "يت":
            out.append(v[1:])
    if key not in out:
        out.append(key)
    return tuple(out)


# نقل عن الوزير قوله / على لسان المتحدث قوله: the speaker is named before, after عن or لسان.
_QAWL = CueWord("قول", frozenset({"say", "naql"}), ())
QAWL_FORMS = {"قوله": CueForm(_QAWL, "part", "m"), "قولها": CueForm(_QAWL, "part", "f"),
              "قولهم": CueForm(_QAWL, "part", "p")}  # never followed by its subject


def _cue_at(tok: Token, lex: dict[str, CueForm]) -> CueForm | None:
    if tok.kind != "ar":
        return None
    return _cue_of(tok.norm, tok.seg.key)


@lru_cache(maxsize=100_000)
def _cue_of(norm: str, key: str) -> CueForm | None:
    """Cached by word form: news vocabularies are Zipfian."""
    lex = cue_lexicon()
    for f in _forms_of(norm, key):
        cf = lex.get(f) or QAWL_FORMS.get(f)
        if cf is not None:
            if norm in NP_STOP and cf.cue.has("say"):
                return None  # بين 'between', عبر 'via': only the عبّر عن reading is a cue
            return cf
    return None


# _cue_at by word form, for the per-token pass over every article. A token's key is a
# function of its normalised form (the Doc segments each form one way), so the form alone
# keys the cache; a plain dict read costs half the two-argument lru_cache look-up. Emptied
# when it grows past _CUE_CACHE_MAX, so a long run keeps a bounded footprint.
_CUE_CACHE: dict[str, CueForm | None] = {}
_CUE_CACHE_MAX = 100_000
_MISSING = object()


def _cues(toks: list[Token]) -> list[CueForm | None]:
    cache = _CUE_CACHE
    get = cache.get
    out: list[CueForm | None] = []
    append = out.append
    for t in toks:
        if t.kind != "ar":
            append(None)
            continue
        w = t.norm
        c = get(w, _MISSING)
        if c is _MISSING:
            if len(cache) >= _CUE_CACHE_MAX:
                cache.clear()
            c = cache[w] = _cue_of(w, t.key)
        append(c)
    return out


def _cue_form(tok: Token, lex: dict[str, CueForm]) -> str | None:
    """The lexicon form a cue token matched (قال for وقال)."""
    for f in _forms(tok):
        if f in lex or f in QAWL_FORMS:
            return f
    return None


def _conj(tok: Token, lex: dict[str, CueForm]) -> str:
    """The conjunction و/ف before a cue (وأشار، فيؤكد), whether or not segmentation split it."""
    if tok.seg.pre[:1] in ("و", "ف"):
        return tok.seg.pre[:1]
    w = tok.norm
    if len(w) > 3 and w[0] in "وف" and w not in lex and (w[1:] in lex or w[1:] in QAWL_FORMS):
        return w[0]
    return ""


def _bare(tok: Token) -> str:
    """Normalised word without a leading conjunction و/ف (والتزامها -> التزامها; وجود stays)."""
    w = tok.norm
    return w[1:] if tok.seg.pre[:1] in ("و", "ف") and tok.seg.pre else w


_HARAKAT = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"


def _is_name_ali(tok: Token) -> bool:
    """علي the name (written with ي) rather than the preposition على (with ى)."""
    return tok.norm == "علي" and tok.text.rstrip(_HARAKAT)[-1:] == "ي"


def _lam_prefixed(tok: Token) -> bool:
    """لوكالة, لبي: a ل + word that segmentation kept whole (the bare word is more common)."""
    w = tok.norm
    if tok.kind != "ar" or len(w) < 3 or w[0] != "ل":
        return False
    vocab = Vocabulary.default()
    return vocab.get(w[1:]) > vocab.get(w)


def _normtext(s: str) -> str:
    return normalize(s) or "-"


def _is_relative(tok: Token) -> bool:
    """الذي، التي، الذين (also with و: والذي)."""
    w = tok.norm
    return tok.kind == "ar" and (w in RELATIVES or (w[:1] == "و" and w[1:] in RELATIVES))


RELATIVES = frozenset("الذي التي الذين اللذين اللتين اللواتي".split())


def _is_that(tok: Token) -> bool:
    return tok.kind == "ar" and tok.norm in THAT


def _is_claim(tok: Token, owned_only: bool) -> bool:
    if tok.kind != "ar":
        return False
    w = _bare(tok)
    if w in CLAIM_OWNED:
        return True
    return not owned_only and w in CLAIM_BARE


def _is_open_quote(tok: Token) -> bool:
    return tok.kind == "punct" and tok.text in OPEN_CLOSE


_MARKS_RE = re.compile('[\n"«»“”„]')


def quoted_regions(text: str) -> dict[int, int]:
    """Opening-mark offset -> closing-mark offset for every quotation in `text`.

    Pairs never cross a line break; «» and “” nest, and a straight " closes the last open ".
    A quotation left open runs to the end of its paragraph."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for m in _MARKS_RE.finditer(text):
        k, c = m.start(), m.group()
        if c == "\n":
            for o in stack:
                pairs[o] = k
            stack.clear()
        elif c == '"':
            if stack and text[stack[-1]] == '"':
                pairs[stack.pop()] = k
            else:
                stack.append(k)
        elif c in "«“„":
            stack.append(k)
        elif c in "»”":
            want = "«" if c == "»" else "“„"
            for n in range(len(stack) - 1, -1, -1):
                if text[stack[n]] in want:
                    o = stack.pop(n)
                    for inner in stack[n:]:  # unclosed inner marks close with it
                        pairs[inner] = k
                    del stack[n:]
                    pairs[o] = k
                    break
    for o in stack:
        pairs[o] = len(text)
    return pairs


@dataclass(slots=True)
class Speaker:
    span: Span
    entity: str | None = None
    code: str | None = None
    gender: str = "m"


@dataclass(slots=True)
class _Hit:
    i: int  # token index of the cue
    form: CueForm
    subj: tuple[int, int] | None = None  # explicit subject tokens [a, b)
    speaker: Speaker | None = None
    quote: Quote | None = None
    start_tok: int | None = None  # token where the content starts (for clipping)


class _Extractor:
    def __init__(self, doc: Doc, entities: list[Entity]):
        self.doc = doc
        self.toks = doc.tokens
        self.text = doc.text
        self.lex = cue_lexicon()
        self.entities = sorted(entities, key=lambda e: (e.span.start, -e.span.end))
        self.ent_starts = [e.span.start for e in self.entities]
        self.history: list[Speaker] = []
        self.regions = quoted_regions(doc.text)
        self.cues = _cues(self.toks)  # one cached look-up per token
        self.by_sent: dict[int, list[_Hit]] = {}  # cue hits of each sentence, in order
        # offsets inside quotation marks: cues there belong to the quoted speaker's own words
        self.in_quote = bytearray(len(doc.text) + 1)
        for o, c in self.regions.items():
            self.in_quote[o + 1:c] = b"\x01" * max(0, c - o - 1)

    # -- noun phrases ----------------------------------------------------------------------
    def _np_end(self, j: int, sent: int, limit: int = 9) -> int:
        """End (exclusive) of the noun phrase starting at token j."""
        toks, k, n = self.toks, j, 0
        # No subject when the next word is a function word, another cue, a prepositional
        # phrase (وأضافت قائلة، قال فيها، طالبت بضرورة) or a pronoun-suffixed noun, which is an
        # object (سيعلن قراره) unless it is a role (وأكد أمينها العام).
        if j < len(toks) and toks[j].kind == "ar" and (
                _bare(toks[j]) in FUNCTION or self.cues[j] is not None
                or any(c in toks[j].seg.pre for c in "بلك")
                or (toks[j].norm[:1] == "ب" and toks[j].norm[1:] in CLAIM_BARE)
                or (toks[j].seg.suf and toks[j].seg.stem not in ROLE_WORDS)
                or (toks[j].norm[:1] == "ل" and toks[j].norm[1:] in LAM_ADJUNCT)
                or "\u064b" in toks[j].text):  # tanween fatha: accusative, not a subject
            return j
        while k < len(toks) and toks[k].sent == sent and n < limit:
            t = toks[k]
            if t.kind == "punct":
                if t.text in "#_":
                    k += 1
                    continue
                if t.text in OPEN_CLOSE and k > j:  # a quoted name in the phrase: منظمة "يونيسيف"
                    close = self.regions.get(t.start, len(self.text))
                    end_tok = self.doc.token_at(close)
                    if end_tok is not None and 0 < end_tok - k <= 4 and close < len(self.text) \
                            and self.text[close] in _QUOTE_CHARS:
                        k = end_tok + 1
                        n += 1
                        continue
                break
            if t.kind == "num":
                break
            w = _bare(t)
            if (t.norm in NP_STOP or w in NP_STOP or _is_that(t)) and not _is_name_ali(t):
                break
            if "ل" in t.seg.pre or ("ب" in t.seg.pre and w != "باسم") or \
                    (k > j and _lam_prefixed(t)):
                break  # للصحفيين، لوكالة، بالقول: adjuncts, not the subject
            cf = self.cues[k]
            if cf is not None and k > j and not (cf.cue.has("strict") or cf.cue.has("weak")):
                break  # ambiguous cue words (طالب، تابع) may be part of a name
            if k > j and (_is_claim(t, owned_only=True) or w in CLAIM_BREAK):
                break  # أكدت حكومة بغداد التزامها: the claim starts here
            k += 1
            n += 1
        return k

    def _nameish(self, a: int, b: int) -> tuple[int, int] | None:
        """The tokens [a, b) as a proper name, titles stripped; None if they read as a role."""
        toks = self.toks
        while a < b and _bare(toks[a]) in TITLES:
            a += 1
        if a >= b or b - a > 4:
            return None
        t = toks[a]
        if t.kind != "ar" or t.seg.det or _bare(t) in ROLE_WORDS or _bare(t) in NP_STOP:
            return None
        if any(x.kind == "num" for x in toks[a:b]):
            return None
        return a, b

    def _subject_speaker(self, a: int, b: int, zone_end: int, gender: str) -> Speaker:
        """Speaker from subject tokens [a, b); tokens up to `zone_end` may hold an apposition.

        A subject that opens with a name or an organisation is its entity (وزارة الخارجية
        العراقية). One that opens with a role (وزير الخارجية الأمريكي مايك بومبيو، المفوض
        السامي …، فيليبو غراندي،) is the name in apposition, after a title, or closing the
        phrase after an adjective; a name inside a genitive (مدير مكتب رئيس الوزراء أبي أحمد)
        is the owner, not the speaker, so the role phrase itself is kept then."""
        toks = self.toks
        zone_end = max(b, zone_end)
        if _bare(toks[a]) not in ROLE_WORDS:
            ent = self._entity_at(toks[a].start, toks[a].end, toks[zone_end - 1].end)
            if ent is not None:
                return self._entity_speaker(ent, gender)
            return Speaker(self._token_span(a, b), None, None, gender)
        name = self._apposition(a, b, zone_end)
        if name is not None:
            ent = self._entity_within(toks[name[0]].start, toks[name[1] - 1].end)
            if ent is not None:
                return self._entity_speaker(ent, gender)
            return Speaker(self._token_span(*name), None, None, gender)
        for e in reversed(self._entities_in(toks[a].start, toks[b - 1].end)):
            if e.type != "PER":
                continue
            k = self.doc.token_at(e.span.start)
            owned = any(_bare(t) in ("باسم", "لدي") for t in toks[a:k or a])  # المتحدث باسم عائلة X
            if k is not None and k > a and not owned and \
                    (toks[k - 1].seg.det or _bare(toks[k - 1]) in TITLES):
                return self._entity_speaker(e, gender)
            break
        return Speaker(self._token_span(a, b), None, None, gender)

    def _apposition(self, a: int, b: int, zone_end: int) -> tuple[int, int] | None:
        """A name after a title (… العقيد تركي المالكي) or set off by commas (، غراندي،)."""
        toks = self.toks
        for k in range(a + 1, zone_end):
            if _bare(toks[k]) in TITLES and k + 1 < zone_end:
                e = k + 1
                while e < zone_end and toks[e].kind == "ar" and _bare(toks[e]) not in NP_STOP \
                        and e - k <= 4:
                    e += 1
                name = self._nameish(k, e)
                if name is not None:
                    return name
        k = b
        while k < zone_end:
            if toks[k].text in "،,":
                e = k + 1
                while e < zone_end and toks[e].kind != "punct" and not _is_that(toks[e]) and \
                        not (_bare(toks[e]) in NP_STOP and not _is_name_ali(toks[e])):
                    e += 1
                name = self._nameish(k + 1, e)
                if name is not None:
                    return name
                k = e
            else:
                k += 1
        return None

    def _token_span(self, a: int, b: int) -> Span:
        """Tokens [a, b) without the first one's proclitic, except in words like ولي (العهد)
        that segmentation splits as و + لي."""
        keep = self.toks[a].norm in WHOLE_WORDS
        return self.doc.token_span(a, b, strip_proclitic=not keep)

    @staticmethod
    def _entity_speaker(ent: Entity, gender: str) -> Speaker:
        return Speaker(ent.span, ent.id, ent.actor_code, gender)

    def _entities_from(self, start: int, end: int):
        """Entities (sorted by start) that begin in [start, end), found by bisection."""
        k = bisect_left(self.ent_starts, start)
        while k < len(self.entities) and self.entities[k].span.start < end:
            yield self.entities[k]
            k += 1

    def _entities_in(self, start: int, end: int) -> list[Entity]:
        return [e for e in self._entities_from(start, end) if e.span.end <= end
                and e.type in SPEAKER_TYPES]

    def _entity_within(self, start: int, end: int) -> Entity | None:
        """The entity inside [start, end): a person first."""
        inside = self._entities_in(start, end)
        for e in inside:
            if e.type == "PER":
                return e
        return inside[0] if inside else None

    def _entity_at(self, start: int, first_end: int, end: int) -> Entity | None:
        """The entity that begins in the first token [start, first_end) and ends by `end`."""
        for e in self._entities_from(start, first_end):
            if e.span.end <= end and e.type in SPEAKER_TYPES:
                return e
        return None

    # -- complements -----------------------------------------------------------------------
    def _complement(self, hit: _Hit) -> tuple[int, str, int | None] | None:
        """Find what the cue introduces: (content start offset, kind, content token) or None.

        Also sets hit.subj when a subject noun phrase follows the cue."""
        toks, cue, i = self.toks, hit.form.cue, hit.i
        sent = toks[i].sent
        j = i + 1
        if hit.form.kind == "verb":
            b = self._np_end(j, sent)
            if b > j and not _is_claim(toks[j], owned_only=False):
                hit.subj = (j, b)
            else:
                b = j
        else:
            b = j
        strict, weak, say = cue.has("strict"), cue.has("weak"), cue.has("say")
        if cue.has("naql") and cue is not _QAWL:
            # نقلت الوكالة عن الوزير أن …: without عن/لسان this نقل is 'transport'
            if not any(_bare(toks[x]) in ("عن", "لسان", "عنه", "عنها", "عنهم")
                       for x in range(j, min(len(toks), j + 15)) if toks[x].sent == sent):
                return None
        limit = max(i, b) + (12 if strict else 30)
        seg_start = True
        k = b
        if cue.has("anynp") and hit.form.kind == "part" and j < len(toks) and toks[j].sent == sent \
                and toks[j].kind == "ar" and not _is_that(toks[j]) \
                and _bare(toks[j]) not in NP_STOP:
            return toks[j].start, "indirect", j
        while k < len(toks) and k < limit:
            t = toks[k]
            if t.sent != sent and not (k > 0 and toks[k - 1].text == ":"):
                return None
            if t.kind == "punct":
                if t.text == ":":
                    nxt = toks[k + 1] if k + 1 < len(toks) else None
                    if nxt is None:
                        return None
                    if _is_open_quote(nxt) and (say or weak):
                        return self._direct(k + 1)
                    if not say:
                        return None
                    if _is_that(nxt):
                        return nxt.start, "indirect", k + 1
                    return nxt.start, "direct", k + 1
                if _is_open_quote(t):
                    close = self.regions.get(t.start, len(self.text))
                    content = self.text[t.end:close]
                    words = len(content.split())
                    right_after = k == b or k == i + 1
                    after = self.text[close + 1:close + 3].strip()[:1]
                    ends_clause = close >= len(self.text) or not after or not after.isalpha()
                    prev = toks[k - 1]
                    label = not weak and prev.kind == "ar" and (
                        prev.norm in LABEL_BEFORE or prev.seg.pre[-1:] in ("ب", "ل"))
                    if (say or weak) and not label:
                        if right_after and words >= (3 if strict or weak else 1) and \
                                (ends_clause or not strict):
                            return self._direct(k)
                        if words >= 6 or (words >= 3 and ends_clause):
                            return self._direct(k)  # a sentence, not a quoted name or title
                    end_tok = self.doc.token_at(close)
                    k = (end_tok + 1) if end_tok is not None and end_tok > k else k + 1
                    seg_start = False
                    continue
                if t.text in "،,":
                    seg_start = True
                elif t.text in ".!?؟\n":
                    return None
                k += 1
                continue
            if weak:
                if k > b + 6 or (self.cues[k] is not None and k > i):
                    return None
                k += 1
                seg_start = False
                continue
            if _is_that(t) and say:
                prev = toks[k - 1] if k > 0 else None
                if prev is not None and prev.kind == "ar" and _bare(prev) in THAT_BLOCKERS:
                    k += 1
                    continue
                return t.start, "indirect", k  # إن "…" is made direct by run()
            w = _bare(t)
            if cue.preps and (t.norm in cue.preps or w in cue.preps or
                              ("ب" in cue.preps and t.seg.pre.endswith("ب") and len(t.norm) > 3)):
                if t.norm in cue.preps or w in cue.preps:
                    nxt = toks[k + 1] if k + 1 < len(toks) else None
                    if nxt is None or nxt.sent != sent:
                        return None
                    if _bare(nxt) in ASIDE:  # حذر من جانبه …: not the complement
                        k += 2
                        continue
                    if _is_that(nxt):
                        return nxt.start, "indirect", k + 1
                    if _is_open_quote(nxt):
                        close = self.regions.get(nxt.start, len(self.text))
                        if len(self.text[nxt.end:close].split()) >= 3:
                            return self._direct(k + 1)
                        # a quoted word opening a noun phrase: إلى "إشادة" الحوثي …
                        return self._direct(k + 1)[0], "indirect", k + 2
                    if nxt.kind == "ar" and nxt.norm not in NP_STOP and (
                            not cue.has("prepowned") or _is_claim(nxt, owned_only=True)
                            or nxt.seg.suf in ("ه", "ها", "هم", "هما")):
                        return nxt.start, "indirect", k + 1
                    return None
                return t.start, "indirect", k
            if seg_start and (cue.has("np") or cue.has("npself")) and \
                    _is_claim(t, owned_only=not cue.has("np")):
                return t.start, "indirect", k
            cf = self.cues[k]
            if cf is not None and not cf.cue.has("strict"):
                return None  # the next cue takes over
            seg_start = False
            k += 1
        return None

    def _quoted_clause(self, k: int) -> int | None:
        """The opening mark when the content at token k is إن/أن (after at most one noun:
        اعتقاده بأن) followed by a quotation (أن "…"، أن: "…"), else None."""
        toks = self.toks
        if k + 1 < len(toks) and not _is_that(toks[k]) and _is_that(toks[k + 1]):
            k += 1
        if k >= len(toks) or not _is_that(toks[k]):
            return None
        k += 1
        while k < len(toks) and toks[k].text == ":":
            k += 1
        return k if k < len(toks) and _is_open_quote(toks[k]) else None

    def _direct(self, mark: int) -> tuple[int, str, int | None]:
        t = self.toks[mark]
        start = t.end
        while start < len(self.text) and self.text[start] in " \u00a0":
            start += 1
        return start, "direct", mark + 1 if mark + 1 < len(self.toks) else None

    def _content_end(self, start: int, kind: str, start_tok: int | None) -> int:
        text = self.text
        if kind == "direct" and start > 0:
            # opened by a mark just before `start`?
            m = start - 1
            while m > 0 and text[m] in " \u00a0":
                m -= 1
            if text[m] in OPEN_CLOSE:
                return self.regions.get(m, len(text))
        if start_tok is None:
            return len(text)
        s = self.doc.sentences[self.toks[start_tok].sent]
        return s.end

    # -- speakers --------------------------------------------------------------------------
    def _before_subject(self, hit: _Hit, hits_by_tok: dict[int, _Hit]) -> Speaker | None:
        """A subject written before the cue: وكان غندور قد قال، لكن قرقاش قال، الرئاسة، قالت،
        منظمة الصحة العالمية التي قالت، أما علاء السيد … فيؤكد."""
        toks, i = self.toks, hit.i
        sent = toks[i].sent
        first = self.doc.sentences[sent].first
        pre = _conj(toks[i], self.lex)
        if pre == "ف":  # أما X … فـيؤكد: the topic after أما is the subject
            for k in range(i - 1, max(first - 1, i - 20), -1):
                if _bare(toks[k]) == "اما":
                    b = self._np_end(k + 1, sent)
                    if b <= k + 1:
                        return None
                    return self._subject_speaker(k + 1, b, b, hit.form.gender)
            return None
        if pre or toks[i].seg.pre or _cue_form(toks[i], self.lex) != toks[i].norm:
            return None  # وأضاف، لتقول: a conjoined or purpose verb shares the earlier subject
        k = i - 1
        if k >= first and _bare(toks[k]) in ("قد", "لقد"):
            k -= 1
        relative = k >= first and _is_relative(toks[k])
        if relative:
            if hit.form.obj:
                return None  # التي وصفها: the antecedent is the object
            for h in reversed(self.by_sent.get(sent, [])):
                if h.quote is not None and h.speaker is not None:
                    return h.speaker  # الهجوم الذي قال: the clause's speaker, not the antecedent
            k -= 1
        elif k >= first and toks[k].text in "،,":
            k -= 1  # الرئاسة السودانية، قالت
        b = k + 1
        n = 0
        while k >= first and n <= 8:
            t = toks[k]
            if k in hits_by_tok:
                h = hits_by_tok[k]
                if relative or (h.quote is None and h.form.cue.has("strict")):
                    return None
                return h.speaker
            if t.kind == "punct" and t.text not in "#_\"«»“”":
                if relative:
                    break
                if t.text not in "،," or b <= k + 1:
                    return None
                if _is_relative(toks[k + 1]):
                    b, n = k, 0  # ترامب، الذي عارض الاتفاق، قال: skip the relative clause
                    k -= 1
                    continue
                return self._role_apposition(k, b, first, hit.form.gender)
            w = _bare(t)
            if t.kind == "ar" and (t.norm in CLAUSE_START or w in CLAUSE_START):
                break
            if t.kind == "num":
                return None
            if relative and t.kind == "ar" and (w in NP_STOP or w in FUNCTION):
                break
            if t.kind != "punct":
                n += 1
            k -= 1
        a = k + 1
        while a < b and toks[a].kind == "punct":
            a += 1
        if a >= b or n == 0 or n > (6 if relative else 8):
            return None
        for t in toks[a:b]:
            w = _bare(t)
            if t.kind == "ar" and (w in FUNCTION or (w in NP_STOP and w not in ("عن", "من"))):
                return None  # a clause, not a subject: كانت الولايات المتحدة لديها دليل على ذلك
        return self._subject_speaker(a, b, b, hit.form.gender)

    def _role_apposition(self, comma: int, b: int, first: int, gender: str) -> Speaker | None:
        """…بأن مستشار الأمن القومي، جون بولتون، قال: a name set off by commas after a role
        phrase that opens its clause. Other comma-separated words (…، فيسبوك، يقول) are not."""
        toks = self.toks
        if self._nameish(comma + 1, b) is None:
            return None
        k = comma - 1
        while k >= first and comma - k <= 7:
            t = toks[k]
            if t.kind == "punct" or (t.kind == "ar" and (_bare(t) in CLAUSE_START or _is_that(t))):
                break
            k -= 1
        a = k + 1
        if a < comma and (k < first or toks[k].kind == "ar") and _bare(toks[a]) in ROLE_WORDS:
            return self._subject_speaker(a, comma, b, gender)
        return None

    def _clause_subject(self, hit: _Hit) -> Speaker | None:
        """Subject of the verb that opens the participle's sentence (أبطلت محكمة …، معتبرة)."""
        toks = self.toks
        s = self.doc.sentences[toks[hit.i].sent]
        a = s.first
        # skip an opening adverbial up to its comma: في المقابل، من جانبه، …
        if a < hit.i and toks[a].kind == "ar" and _bare(toks[a]) in NP_STOP:
            for k in range(a, min(hit.i, a + 8)):
                if toks[k].text in "،,":
                    a = k + 1
                    break
            else:
                return None
        if a >= hit.i or toks[a].kind != "ar" or toks[a].seg.det or _bare(toks[a]) in NP_STOP \
                or _bare(toks[a]) in FUNCTION or self.in_quote[toks[a].start]:
            return None
        b = self._np_end(a + 1, s.i)
        if b <= a + 1 or b > hit.i or _is_claim(toks[a + 1], owned_only=False):
            return None
        return self._subject_speaker(a + 1, b, hit.i, hit.form.gender)

    def _recent_person(self, i: int) -> Speaker | None:
        """No speaker yet: the first person the NER found in the cue's sentence before it (the
        topic: مقابلة لبن إلياهو مع المذيعة … حيث قال), else the last person before it."""
        before = self.toks[i].start
        s = self.doc.sentences[self.toks[i].sent]
        for e in self._entities_from(s.start, before):
            if e.type == "PER" and e.span.end <= before:
                return self._entity_speaker(e, "m")
        for k in range(bisect_left(self.ent_starts, before) - 1, -1, -1):
            e = self.entities[k]
            if e.span.end <= before and e.type == "PER":
                return self._entity_speaker(e, "m")
        return None

    def _from_history(self, gender: str) -> Speaker | None:
        for sp in reversed(self.history):
            if sp.gender == gender:
                return sp
        return self.history[-1] if self.history else None

    def _naql_speaker(self, hit: _Hit, content_tok: int | None) -> Speaker | None:
        """نقلت الوكالة عن الوزير أن …، على لسان المتحدث قوله: the speaker follows عن / لسان."""
        toks = self.toks
        if hit.form.cue is _QAWL:  # the source is named before قوله
            sent = toks[hit.i].sent
            for k in range(hit.i - 1, max(-1, hit.i - 25), -1):
                if toks[k].sent != sent:
                    break
                if _bare(toks[k]) in ("عنه", "عنها", "عنهم"):
                    break  # نقلت عنه الوكالة قوله: the pronoun points back to the last speaker
                if _bare(toks[k]) in ("عن", "لسان"):
                    b = min(self._np_end(k + 1, sent), hit.i)
                    if b > k + 1:
                        return self._subject_speaker(k + 1, b, hit.i, hit.form.gender)
                    break
            return None
        end = content_tok if content_tok is not None else min(len(toks), hit.i + 20)
        for k in range(hit.i + 1, end):
            if _bare(toks[k]) in ("عن", "لسان"):
                b = self._np_end(k + 1, toks[k].sent)
                if b > k + 1:
                    return self._subject_speaker(k + 1, b, end, hit.form.gender)
        return None

    # -- main pass -------------------------------------------------------------------------
    def _blocked(self, i: int) -> bool:
        """An attribution after the content (حسبما ذكر، وفق ما أوردت) or an impersonal يذكر أن."""
        toks = self.toks
        p = toks[i - 1] if i > 0 else None
        if p is not None and p.kind == "ar":
            if _bare(p) in ATTRIBUTION:
                return True
            if p.norm == "ما" and i > 1 and _bare(toks[i - 2]) in ATTRIBUTION_HEADS:
                return True
            if p.norm == "لما" or p.norm in NOT_A_VERB_BEFORE:
                return True
        if i + 1 < len(toks) and _is_that(toks[i + 1]) and \
                any(f in IMPERSONAL for f in _forms(toks[i])):
            return True  # ويذكر أن، يرجح أن: impersonal, no speaker
        return False

    def run(self) -> list[Quote]:
        toks = self.toks
        hits: list[_Hit] = []
        hits_by_tok: dict[int, _Hit] = {}
        taken: set[int] = set()  # content offsets already quoted
        in_subject = 0  # tokens before this index belong to the last cue's subject
        for i, t in enumerate(toks):
            cf = self.cues[i]
            if cf is None or self.in_quote[t.start] or self._blocked(i) or i < in_subject:
                continue
            hit = _Hit(i, cf)
            comp = self._complement(hit)
            if comp is not None and comp[2] is not None:
                mark = self._quoted_clause(comp[2])
                if mark is not None:
                    # إن "…" / اعتقاده بأن "…": the clause is quoted word for word, so the quote
                    # is the words inside the marks
                    comp = self._direct(mark)
            if comp is not None and comp[0] in taken:
                comp = None
            # speaker
            sp: Speaker | None = None
            if cf.cue.has("naql"):
                sp = self._naql_speaker(hit, comp[2] if comp else None)
            if sp is None and cf.kind == "verb" and i > 0 and _bare(toks[i - 1]) in ("قد", "لقد"):
                sp = self._before_subject(hit, hits_by_tok)  # وكان روحاني قد حذر ترامب
            if sp is None and hit.subj is not None:
                a, b = hit.subj
                zone_end = comp[2] if comp and comp[2] is not None else b
                sp = self._subject_speaker(a, b, max(b, zone_end), cf.gender)
                if b - a == 1 and toks[a].seg.det and _bare(toks[a]) in ROLE_WORDS:
                    # وأكد المتحدث: a bare role after a named speaker refers back to the name
                    named = self._from_history(cf.gender)
                    if named is not None and (
                            named.entity is not None
                            or _normtext(named.span.text).split()[0] not in ROLE_WORDS):
                        sp = named
            if sp is None:
                if cf.kind == "verb":
                    sp = self._before_subject(hit, hits_by_tok)
                last = hits[-1] if hits else None
                if sp is None and last is not None and last.quote is not None and last.speaker:
                    # …"، مؤكداً: a cue right after a quotation continues its speaker
                    gap = self.text[last.quote.span.end:t.start]
                    if len(gap) <= 6 and not any(c.isalpha() or c in ".!?؟\n" for c in gap):
                        sp = last.speaker
                if sp is None:
                    prior = [h for h in self.by_sent.get(t.sent, []) if h.speaker is not None
                             and (h.quote is not None or not h.form.cue.has("strict"))]
                    if prior:
                        sp = prior[-1].speaker
                    elif cf.kind == "part":
                        sp = self._clause_subject(hit)
                if sp is None:
                    sp = self._from_history(cf.gender)
                if sp is None:
                    sp = self._recent_person(i)
            hit.speaker = sp
            if hit.subj is not None:
                in_subject = hit.subj[1]
            hits.append(hit)
            hits_by_tok[i] = hit
            self.by_sent.setdefault(t.sent, []).append(hit)
            if hit.subj is not None and sp is not None and not cf.cue.has("strict"):
                self.history.append(sp)
            if comp is None or (sp is None and cf.cue.has("strict")):
                continue
            start, kind, ctok = comp
            taken.add(start)
            end = self._content_end(start, kind, ctok)
            while end > start and self.text[end - 1] in " \u00a0\n.،,:؛;":
                end -= 1
            if end <= start:
                continue
            hit.start_tok = ctok
            cue_span = self._cue_span(i)
            q = Quote(span=self.doc.span(start, end), kind=kind, cue=cue_span,
                      speaker=sp.span if sp else None,
                      speaker_entity=sp.entity if sp else None,
                      speaker_code=sp.code if sp else None)
            hit.quote = q
            if sp is not None and (not self.history or self.history[-1] is not sp):
                self.history.append(sp)
        self._clip(hits)
        return [h.quote for h in hits if h.quote is not None]

    def _cue_span(self, i: int) -> Span:
        """The cue word without its proclitic (وأضاف -> أضاف), even when segmentation kept it."""
        t = self.toks[i]
        start = t.key_start
        if start == t.start and _conj(t, self.lex):
            start += 1
            while start < t.end and "\u064b" <= self.text[start] <= "\u0652":
                start += 1  # harakat on the و
        return self.doc.span(start, t.end)

    def _clip(self, hits: list[_Hit]) -> None:
        """End an indirect quote where the next clause-opening cue of its sentence begins
        (…، مؤكداً أن … / … وأضاف أن …), so that one quote never swallows the next."""
        toks = self.toks
        for h in hits:
            q = h.quote
            if q is None or q.kind != "indirect" or h.start_tok is None:
                continue
            for g in self.by_sent.get(toks[h.start_tok].sent, []):
                if g.i <= h.start_tok:
                    continue
                t = toks[g.i]
                opens = g.form.kind == "part" or bool(_conj(t, self.lex)) or \
                    (g.i > 0 and toks[g.i - 1].text in "،,")
                if opens and toks[g.i].start < q.span.end:
                    end = toks[g.i].start
                    while end > q.span.start and self.text[end - 1] in " \u00a0\n.،,:؛;":
                        end -= 1
                    if end > q.span.start:
                        h.quote = Quote(self.doc.span(q.span.start, end), q.kind, q.cue, q.speaker,
                                        q.speaker_entity, q.speaker_code)
                    break


def extract_quotes(doc: Doc, layers) -> list[Quote]:
    """Every reported statement of `doc` with its cue and speaker (see module doc)."""
    entities = list(getattr(layers, "entities", None) or [])
    return _Extractor(doc, entities).run()
