"""PLOVER events: every act an article reports, typed, argued, dated, placed, once per act.

Pipeline inside `extract_events(doc, layers)`:

1. Triggers: multiword entries of `resources/event_lexicon.tsv` through `PhraseMatcher`, then
   single words by dict lookup on the token's key/stem (verbs are expanded by `_verb_forms`
   into every person, tense, the future سـ and object pronouns; nouns into ـاً and pronoun
   forms). A verbal noun keeps its closest modifier when that carries the meaning (قصف صاروخي،
   هجوم كيماوي), which also sets the mode.
2. Arguments, from Arabic clause structure: verb-subject-object (قصفت مقاتلات التحالف مواقع
   الحوثيين), subject-verb after إن/أن, passive (a damma on the first letter, تم + masdar,
   تعرض لـ) with the agent after من قبل/على يد, nouns whose genitive is the agent (زيارة
   الرئيس) or the patient (اعتقال خمسة أشخاص), support verbs (شن هجوماً) and announcing verbs
   (أعلنت السلطات اعتقال …) whose subject is the actor, and claims (تبنت مسؤوليته جماعة X).
   Noun phrases are chunked on the tokens and widened to cover named entities from
   `layers.entities`, so an argument is the most specific mention the text gives.
   Left-out and pronoun arguments are resolved too: a coordinated or relative verb takes the
   subject told before it (وأيدت، الذين سيطروا), a verb after أنها/أنه the quote's speaker, a
   first-person verb in a quote its speaker, object and possessive pronouns (اغتصبها،
   اعتقاله) their antecedent, بين X وY both sides, a لـ genitive the agent of an armed act or
   the target of the others, and a condemnation or threat aimed at another act takes that
   act's agent or target (دانت … إطلاق صواريخ من قبل الحوثيين). Things and places (مواقع،
   حق، صواريخ) are never agents; weapons and places after في are never targets.
3. Status (future/hypothetical/negated) from cues around the trigger; date from the nearest
   resolved time expression in the sentence, else the publication date; place from
   `marsad.geo.resolve.event_location` when present, else the nearest place in the sentence.
4. One event per act: a later mention of the same type merges into an earlier event when it
   is anaphoric (الهجوم، هذا الاستهداف) or shares an argument with it, and nothing conflicts
   (different dates or different actors keep acts apart).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Iterable

from marsad.extract import taxonomy
from marsad.extract.size import extract_size, read_number
from marsad.resources import resource_path
from marsad.text import Doc
from marsad.text.matcher import PhraseMatcher
from marsad.text.normalize import normalize
from marsad.text.segment import Vocabulary
from marsad.types import Argument, Entity, Event, Place, Span, TimeExpr

# ---------------------------------------------------------------------------------------
# Lexicon
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LexEntry:
    lemma: str
    pos: str  # V N VP NP
    type: str
    mode: str | None
    contexts: tuple[str, ...]
    quality: int
    gen: str | None = None  # agent | patient: the role of a genitive after a noun
    rp: tuple[str, ...] = ()  # prepositions that introduce the recipient
    passive: bool = False
    attach: bool = False  # a result word (مقتل) joining the nearest earlier event of its type
    near: frozenset[str] = frozenset()  # cue words one of which must stand within 4 words


@dataclass(frozen=True, slots=True)
class FormHit:
    entry: LexEntry
    verb: bool
    future: bool  # the form itself carries سـ
    suffix: bool  # an attached object/possessive pronoun stands for an argument
    present: bool = False  # an imperfect (present-tense) verb form


@dataclass(slots=True)
class Lexicon:
    words: dict[str, list[FormHit]]
    phrases: PhraseMatcher


_PRON = ("ه", "ها", "هم", "هما", "هن")


def _verb_forms(past: str, present: str) -> tuple[set[str], set[str], set[str], set[str]]:
    """Past, present and future surface forms (normalised) of a verb given its 3ms stems.

    Defective verbs (final ا/ي/و: دعا، نفى، التقى، يدعو) drop the final letter before
    suffixes. Object pronouns are added to the common forms (قصفها، استهدفوه، يضربها).
    """
    pa: set[str] = set()
    pr: set[str] = set()
    obj: set[str] = set()  # forms carrying an object pronoun
    if past:
        p = past
        if p[-1] in "اي":
            b = p[:-1]
            pa |= {p, b + "ت", b + "وا", b + "تا", b + "ا" if p[-1] == "ي" else p, p + "ت", p + "نا"}
            objs = [b + "ت"]  # not p+ه: تنحيه is the noun تنحية
        else:
            pa |= {p, p + "ت", p + "وا", p + "ا", p + "تا", p + "نا", p + "تم", p + "ن"}
            objs = [p, p + "ت", p + "و", p + "ا"]
        obj |= {o + s for o in objs for s in _PRON}
        pa |= obj
    if present and present[0] == "ي" and len(present) > 2:
        b = present[1:]
        weak = b[-1] in "وي"
        stems = [b]
        for pf in "يتنا":
            pr.add(pf + b)
            if pf in "يت":
                root = b[:-1] if weak else b
                pr |= {pf + root + "ون", pf + root + "وا", pf + b + "ان"}
            with_obj = {pf + s0 + s for s0 in stems for s in _PRON}
            obj |= with_obj
            pr |= with_obj
        pr.add("ي" + b + "ن")  # feminine plural
    fut = {"س" + f for f in pr if f[0] in "يتنا"}
    # اتهم/تتهم end in what looks like a pronoun: only forms no plain inflection makes count
    obj -= {f for f in pa | pr if f in _plain(past, present)}
    return pa, pr, fut, obj


def _plain(past: str, present: str) -> set[str]:
    """The inflections of a verb without object pronouns (see `_verb_forms`)."""
    out: set[str] = set()
    if past:
        p = past
        if p[-1] in "اي":
            b = p[:-1]
            out |= {p, b + "ت", b + "وا", b + "تا", b + "ا" if p[-1] == "ي" else p, p + "ت", p + "نا"}
        else:
            out |= {p, p + "ت", p + "وا", p + "ا", p + "تا", p + "نا", p + "تم", p + "ن"}
    if present and present[0] == "ي" and len(present) > 2:
        b = present[1:]
        root = b[:-1] if b[-1] in "وي" else b
        for pf in "يتنا":
            out.add(pf + b)
            if pf in "يت":
                out |= {pf + root + "ون", pf + root + "وا", pf + b + "ان"}
        out.add("ي" + b + "ن")
    return out


def _noun_forms(n: str) -> set[str]:
    out = {n}
    if n.endswith("ه"):
        base = n[:-1] + "ت"
    elif n.endswith("اء"):
        base = n[:-1] + "ئ"
        out |= {n[:-1] + "ؤ" + s for s in _PRON}
    else:
        base = n
        if not n.endswith(("ات", "ا", "ي")):
            out.add(n + "ا")  # accusative indefinite: هجوماً
    out |= {base + s for s in _PRON}
    if n.endswith("ه"):
        out.add(n[:-1] + "تان")
    return out


def _parse_args(spec: str) -> dict[str, Any]:
    out: dict[str, Any] = {"gen": None, "rp": (), "passive": False, "attach": False, "near": frozenset()}
    for part in filter(None, (x.strip() for x in spec.split(";"))):
        k, _, v = part.partition("=")
        if k == "gen":
            out["gen"] = v
        elif k == "rp":
            out["rp"] = tuple(normalize(x) for x in v.split("|") if x)
        elif k == "pass":
            out["passive"] = True
        elif k == "attach":
            out["attach"] = True
        elif k == "near":
            out["near"] = frozenset(normalize(x) for x in v.split("|") if x)
    return out


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Read `event_lexicon.tsv` once: single-word forms into a dict, phrases into a matcher."""
    words: dict[str, list[FormHit]] = {}
    phrases: PhraseMatcher = PhraseMatcher()

    def add_word(form: str, hit: FormHit) -> None:
        lst = words.setdefault(form, [])
        if all(h.entry is not hit.entry for h in lst):
            lst.append(hit)

    path = resource_path("event_lexicon.tsv")
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t") + [""] * 7
        form, pos, etype, mode, ctx, quality, args = (c.strip() for c in cols[:7])
        if etype not in taxonomy.MODES:
            raise ValueError(f"event_lexicon.tsv: unknown type {etype!r} in {line!r}")
        a = _parse_args(args)
        entry = LexEntry(form, pos, etype, taxonomy.valid_mode(etype, mode or None),
                         tuple(c for c in ctx.split(",") if c), int(quality or 2),
                         a["gen"], a["rp"], a["passive"], a["attach"], a["near"])
        if pos == "V":
            past, _, present = normalize(form).partition("/")
            pa, pr, fut, obj = _verb_forms(past, present)
            for f in pa | pr:
                add_word(f, FormHit(entry, True, False, f in obj, present=f in pr and f not in pa))
            for f in fut:
                add_word(f, FormHit(entry, True, True, False))
        elif pos == "N":
            for n in normalize(form).split(","):
                for f in _noun_forms(n):
                    add_word(f, FormHit(entry, False, False, f != n and f != n + "ا"))
        elif pos == "VP":
            head, _, rest = normalize(form).partition(" ")
            past, _, present = head.partition("/")
            pa, pr, fut, _ = _verb_forms(past, present)
            for f in pa | pr:
                phrases.add(f + " " + rest, FormHit(entry, True, False, False))
            for f in fut:
                phrases.add(f + " " + rest, FormHit(entry, True, True, False))
        elif pos == "NP":
            for p in normalize(form).split(","):
                phrases.add(p, FormHit(entry, False, False, False))
        else:
            raise ValueError(f"event_lexicon.tsv: unknown pos {pos!r} in {line!r}")
    return Lexicon(words, phrases)


# ---------------------------------------------------------------------------------------
# Closed word classes used by the clause rules (normalised forms)
# ---------------------------------------------------------------------------------------

_PREPS = frozenset("في من الي علي عن مع ضد لدي عند حول خلال بين منذ نحو عبر تجاه بعد قبل دون بدون حتي وسط قرب امام "
                   "داخل خارج خلف تحت فوق باتجاه".split())
_PARTICLES = frozenset(
    "ان انه انها انهم لان بان بانه بانها كان كانت كانوا يكون تكون قد لقد لم لن لا ما ماذا هل "
    "او ام ثم بل لكن لكنه لكنها الا اذا اذ لذا لو كي لكي حيث بينما فيما كما مما عندما حين حينما "
    "الذي التي الذين اللذين اللتين اللواتي اللاتي هو هي هم هما نحن انا انت انتم هذا هذه ذلك "
    "تلك هؤلاء اولئك هناك هنا ايضا كذلك فقط جدا كل بعض غير سوي اي وقد فقد وكان وكانت اما "
    "يا تم يتم سيتم جري يجري عدم اخري اخر اكثر اقل نفسه نفسها ذاته عليه عليها اليه اليها "
    "منه منها عنه عنها له لها لهم به بها بهم فيه فيها معه معها ضمن اثر اثناء عقب جراء بسبب "
    "بشان ازاء حيال بخصوص لدي عبر وفق وفقا بحسب حسب طبقا تقريبا حاليا مؤخرا سابقا لاحقا مجددا رسميا امس اليوم غدا الان "
    "صباح مساء ظهر ليل ليله صباحا مساء يوم يوما الاسبوع الشهر عام "
    "عليهم عليهما لهما منهما بهما فيهما اليهما عنهما معهما عنهم معهم فيهم منهم اليهم "
    "وقتئذ حينئذ يومئذ انذاك حينها وقتها ظل ظلت ظلوا بات باتت اصبح اصبحت اضحي مازال مازالت لايزال "
    "لاتزال يزال تزال".split()
)
_SPEECH = frozenset(
    "قال قالت قالوا يقول تقول اكد اكدت يؤكد تؤكد اعلن اعلنت يعلن تعلن اضاف اضافت اوضح اوضحت "
    "اشار اشارت ذكر ذكرت افاد افادت صرح صرحت تابع تابعت شدد شددت لفت لفتت اعتبر اعتبرت "
    "نقل نقلت كشف كشفت بين بينت زعم زعمت اعرب اعربت".split()
)
# words that name the kind of a place or body before its name (العاصمة صنعاء، حركة حماس)
_CLASSIFIERS = frozenset("عاصمه مدينه بلده محافظه ولايه منطقه اقليم دوله جمهوريه مملكه اماره اماره "
                         "حركه جماعه تنظيم حزب ميليشيا مليشيا جبهه فصيل قاعده مطار ميناء جزيره "
                         "شركه وكاله صحيفه قناه".split())
_AIMING = frozenset("مستهدفا مستهدفه مستهدفين مستهدفتين".split())
_COUNT_PASSIVE = frozenset("قتل جرح اصاب اعتقل خطف اختطف اسر احتجز اوقف".split())
_AUX = frozenset("ظل ظلت ظلوا بات باتت اصبح اصبحت مازال مازالت لايزال لاتزال كان كانت كانوا".split())
_AMOUNTS = frozenset("عدد عددا عده سلسله مجموعه جمله حزمه العديد".split())
_QUANTIFIERS = frozenset("بعض جميع كافه معظم غالبيه اغلب".split())
_DAYS = frozenset("السبت الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه".split())
# verbs whose subject is the actor of the verbal noun they govern (شن هجوماً، أعلنت اعتقال)
_GOVERNORS = frozenset(
    "شن يشن تشن شنت شنوا نفذ ينفذ تنفذ نفذت نفذوا قام يقوم تقوم قامت قاموا اجري يجري تجري اجرت "
    "اجروا عقد يعقد تعقد عقدت عقدوا وجه يوجه توجه وجهت وجهوا اعلن يعلن تعلن اعلنت اعلنوا قرر "
    "يقرر تقرر قررت قرروا بدا يبدا تبدا بدات بداوا واصل يواصل تواصل واصلت واصلوا تبني تبنت "
    "يتبني اكد اكدت يؤكد تؤكد ابدي ابدت جدد جددت يجدد تجدد اعرب اعربت يعرب تعرب استانف استانفت "
    "طالب طالبت يطالب تطالب دعا دعت يدعو تدعو رفض رفضت يرفض ترفض نفي نفت ينفي تنفي اصدر "
    "اصدرت يصدر تصدر ابرم ابرمت وقع وقعت صعد صعدت يصعد تصعد اصر اصرت يصر تصر يصرون "
    "نفذت نفذوا شنت شنوا اجروا وقعا وقعوا ابرموا".split()
)
# verbs whose pronoun object is the act: شنتها، نفذها، أطلقتها، ارتكبتها
_AGENT_VERBS = frozenset("شنت شن نفذت نفذ اطلقت اطلق ارتكبت ارتكب تبنت تبني شنوا نفذوا اطلقوا".split())
# reporting verbs: their subject tells of the act rather than doing it
_REPORTING = frozenset("قال قالت قالوا يقول تقول ذكر ذكرت افاد افادت نقل نقلت اوضح اوضحت اشار اشارت اضاف اضافت".split())
# heads of source descriptions (مصادر ميدانية، المرصد السوري، وكالة الأنباء) — not agents of material acts
_SOURCES = frozenset("مصدر مصادر المصدر المصادر المرصد مرصد وكاله الوكاله صحيفه الصحيفه موقع تقرير التقرير بيان البيان مراسل شهود ناشطون ناشطين".split())
_COMPLEMENTIZERS = frozenset("ان انه انها انهم بان بانه بانها لان".split())
_MATERIAL = frozenset({"ASSAULT", "COERCE", "MOBILIZE", "PROTEST", "AID", "RETREAT", "COOPERATE", "SANCTION"})
# تعرض لـ، يواجه اتهامات: the subject undergoes the act
_EXPOSED = frozenset("تعرض تعرضت يتعرض تتعرض تعرضوا واجه واجهت يواجه تواجه يواجهون".split())
_AGENT_MARKERS = (("من", "قبل"), ("علي", "يد"), ("علي", "ايدي"))
_CLAIM_VERBS = frozenset("تبني تبنت يتبني تتبني تبنوا".split())
_DEMONSTRATIVES = frozenset("هذا هذه ذلك تلك هذان هاتان".split())
_EVENT_NOUNS = frozenset("العمليه العمليات الحمله الضربه الضربات الغاره الغارات الهجوم الهجمات القصف".split())
_Y_NOUNS = frozenset("يونيو يوليو يناير يونيه يوليه يوميا يومين يومان يومي يوميه".split())
_SKIP_WORDS = frozenset("، , - – قد ايضا مجددا رسميا امس اليوم لذلك كذلك بدوره بدورها بدورهم بالفعل اخيرا "
                        "بشده بقوه بحزم بشدة".split())
_ADVERBS = frozenset("مرارا عمدا مجددا ايضا جديدا سابقا لاحقا مباشره فورا حاليا مؤخرا تماما كثيرا جدا معا".split())
# "poses a threat", "threatens lives": a state, not an act
_STATE_BEFORE = frozenset("يشكل تشكل شكل شكلت يمثل تمثل مثل".split())

_MODIFIERS: dict[str, tuple[str | None, str | None]] = {}  # adjective -> (type or None, mode)
for _w, _m in (("صاروخي", "aerial"), ("جوي", "aerial"), ("مدفعي", "aerial"),
               ("كيماوي", "unconventional"), ("كيميائي", "unconventional"),
               ("كيمياوي", "unconventional"), ("انتحاري", "explosives"), ("مسلح", "firearms"),
               ("عسكري", None), ("ارهابي", None), ("هاتفي", "phone"), ("صاروخيه", "aerial")):
    for _f in (_w, _w + "ه", _w + "ا", "ال" + _w, "ال" + _w + "ه", _w + "ين"):
        _MODIFIERS.setdefault(_f, (None, _m))
_MODIFIERS["بالستيه"] = (None, "aerial")
_MODIFIERS["الباليستيه"] = (None, "aerial")

_FUTURE_BEFORE = frozenset(
    "سوف سيتم ستتم يعتزم تعتزم ينوي تنوي المقرر المزمع ستقوم سيقوم سيجري ستجري ستعقد سيعقد "
    "يعتزمون يرتقب ستشهد سيشهد".split()
)
_FUTURE_AFTER = frozenset("المقبل المقبله المرتقب المرتقبه المزمع المزمعه القادم القادمه المحتمل المحتمله".split())
_NEG_BEFORE = frozenset("لم لن لا ولم ولن ولا فلم عدم وعدم دون بدون".split())
_DENY = frozenset("نفي نفت ينفي تنفي نفوا نفيه نفت".split())
_HYPO_BEFORE = frozenset("اذا لو حال حاله لولا".split())

_REQUEST_MODES = {
    "yield": frozenset("سراح الافراج افراج وقف انسحاب الانسحاب تسليم الاستسلام انهاء رفع".split()),
    "change": frozenset("الغاء تعديل تغيير اصلاح اصلاحات مراجعه ابطال تصحيح".split()),
    "assist": frozenset("مساعده مساعدات دعم تمويل دفع تقديم".split()),
    "meet": frozenset("حوار الحوار مفاوضات المفاوضات لقاء التفاوض".split()),
}
_VIOLENCE_CUES = frozenset("عسكري عسكريه ضرب ضربه ضربات قصف الحرب حرب صواريخ الصواريخ هجوم القوه تدمير الرد رد".split())
_WEAPON_CUES: tuple[tuple[str, frozenset[str]], ...] = (
    ("unconventional", frozenset("كيماوي كيميائي كيمياوي كيماويه كيميائيه كيمياويه سارين الكلور".split())),
    ("drone", frozenset("مسيره مسيرات درون".split())),
    ("explosives", frozenset("عبوه عبوات ناسفه مفخخه مفخخات انتحاري انتحاريه حزام".split())),
    ("aerial", frozenset("صاروخ صواريخ صاروخيه قذائف قذيفه غاره غارات جوي جويه طائرات مقاتلات مدفعيه هاون".split())),
    ("primitive", frozenset("سكين سكاكين طعن".split())),
    ("firearms", frozenset("رصاص الرصاص نار مسلحون مسلحين اشتباكات قناص قناصه".split())),
)
_TERROR_CUES = frozenset("ارهاب الارهاب ارهابي الارهابي ارهابيه الارهابيه داعش القاعده انتحاري".split())

VERBAL_TYPES = frozenset({"ACCUSE", "REQUEST", "SUPPORT", "REJECT", "THREATEN", "AGREE", "CONCEDE"})

# ---------------------------------------------------------------------------------------
# Mentions
# ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class Arg:
    first: int
    last: int
    entity: Entity | None = None
    weak: bool = False  # a fallback guess (nearest name), not read off the clause


@dataclass(slots=True)
class Mention:
    first: int  # trigger tokens [first, last)
    last: int
    entry: LexEntry
    verb: bool
    future_form: bool
    suffix: bool
    phrase: bool
    det: bool = False
    mode: str | None = None
    status: str = "actual"
    actor: Arg | None = None
    recipient: Arg | None = None
    passive: bool = False
    anaphoric: bool = False
    strip: int = 0  # proclitic letters before the trigger word (بـ، لـ، و)
    date_near: bool = False  # the date comes from a time expression right by the trigger
    anaphoric_subject: bool = False  # the verb's subject names the act (استهدفت العملية)
    present: bool = False  # an imperfect verb: often a description (صواريخ تستهدف …)
    rec_from_result: bool = False  # the recipient came from a result word (مقتل 15 مدنياً)
    date: dict | None = None
    location: Place | None = None
    size: dict = field(default_factory=dict)
    contexts: list[str] = field(default_factory=list)


@lru_cache(maxsize=100_000)
def _candidates_cached(n: str, key: str, stem: str, seg_det: bool, pre: str) -> tuple[tuple[str, bool, int], ...]:
    """(form, has_article, proclitic letters stripped) to look a token up by: key, stem, and
    manual proclitic strips where the bare form is the commoner word (the segmenter keeps
    rare forms whole: وتعرضت، لاستهداف; but وزارة is not و+زارة)."""
    out: list[tuple[str, bool, int]] = []
    seen: set[str] = set()

    def add(f: str, strip: int, det: bool = False) -> None:
        if len(f) < 2 or f in seen:
            return
        seen.add(f)
        if f.startswith("ال") and len(f) > 4:
            out.append((f, False, strip))  # verbs that begin with ال: التقى، الغى
            out.append((f[2:], True, strip))
        else:
            out.append((f, det, strip))

    add(key, len(pre))
    if seg_det:
        add(stem, len(pre), True)
    add(n, 0)
    vocab = Vocabulary.default()
    full = vocab.get(n)
    for p in ("و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وس", "فس"):
        if n.startswith(p) and len(n) - len(p) >= 3:
            rest = n[len(p):]
            if p.endswith("ل") and rest.startswith("ل"):
                rest = "ا" + rest  # للهجوم -> الهجوم: keep the whole word as the trigger
                if vocab.get(rest) > full or full == 0:
                    add(rest, 0)
                continue
            if p.endswith("س"):
                rest = "س" + rest
                strip = len(p) - 1
            else:
                strip = len(p)
            if vocab.get(rest) > full or (full == 0 and rest.startswith("ال")):
                add(rest, strip)
    words = load_lexicon().words
    return tuple(c for c in out if c[0] in words)


def _candidates(tok) -> tuple[tuple[str, bool, int], ...]:
    """Lexicon forms a token may be (cached per surface form: news vocabulary is Zipfian)."""
    return _candidates_cached(tok.norm, tok.key, tok.seg.stem, tok.seg.det, tok.pre)


def _trigger_span(doc: Doc, m: Mention) -> Span:
    """The trigger's span without the proclitics the lookup stripped (بالهجوم -> الهجوم)."""
    tok = doc.tokens[m.first]
    start = tok.start
    if m.strip:
        seen = 0
        for k, ch in enumerate(tok.text):
            if seen == m.strip:
                start = tok.start + k
                break
            if normalize(ch):
                seen += 1
    return doc.span(start, doc.tokens[m.last - 1].end)


def _has_damma_passive(tok) -> bool:
    """قُتل، استُهدف، أُرسل: the original text marks the passive with a damma early on."""
    t = tok.text[tok.key_start - tok.start:]
    return "\u064f" in t[:4] and "\u064e" not in t[:2]


def find_mentions(doc: Doc, lex: Lexicon | None = None) -> list[Mention]:
    """Every trigger occurrence in the document (before filtering and merging)."""
    lex = lex or load_lexicon()
    toks = doc.tokens
    covered = [False] * len(toks)
    out: list[Mention] = []
    for m in lex.phrases.find(doc):
        hit: FormHit = m.value
        if any(covered[m.first:m.last]):
            continue
        for k in range(m.first, m.last):
            covered[k] = True
        t0 = toks[m.first]
        out.append(Mention(m.first, m.last, hit.entry, hit.verb, hit.future, False, True,
                           det=any(toks[k].seg.det for k in range(m.first, m.last)),
                           mode=hit.entry.mode, strip=len(t0.pre)))
    for t in toks:
        if covered[t.i] or t.kind != "ar":
            continue
        best: tuple[FormHit, bool, int] | None = None
        for form, det, strip in _candidates(t):
            hits = lex.words.get(form)
            if not hits:
                continue
            # the noun reading after the article or a preposition, else the verb; a word
            # with the article is never a verb
            prep = bool(set(t.norm[:strip]) & set("بلك")) or bool(set(t.pre) & set("بلك"))
            nxt = toks[t.i + 1] if t.i + 1 < len(toks) else None
            nominal = (det or prep or (t.i > 0 and toks[t.i - 1].norm in _PREPS)
                       or (nxt is not None and nxt.norm in _MODIFIERS))
            if det or prep:
                # no verb takes the article or بـ، and لـ only an imperfect (ليقصف)
                hits = [h for h in hits if not h.verb or (not det and h.present and "ب" not in t.pre)]
                if not hits:
                    continue
            hits = sorted(hits, key=lambda h: (h.verb == nominal, h.entry.quality))
            best = (hits[0], det, strip)
            break
        if best is None:
            continue
        hit, det, strip = best
        out.append(Mention(t.i, t.i + 1, hit.entry, hit.verb and not det, hit.future, hit.suffix,
                           False, det=det, mode=hit.entry.mode, strip=strip,
                           present=hit.present and not det))
    out.sort(key=lambda x: x.first)
    return out


# ---------------------------------------------------------------------------------------
# Noun phrases
# ---------------------------------------------------------------------------------------


class Clause:
    """Token-level helpers for one document: NP chunks, entity cover, time tokens."""

    def __init__(self, doc: Doc, entities: list[Entity], times: list[TimeExpr], trigger_tokens: set[int]):
        self.doc = doc
        self.toks = doc.tokens
        self.ent_at: dict[int, tuple[Entity, int, int]] = {}
        for e in entities:
            a = doc.token_at(e.span.start)
            b = doc.token_at(max(e.span.start, e.span.end - 1))
            if a is None or b is None:
                continue
            for k in range(a, b + 1):
                self.ent_at.setdefault(k, (e, a, b + 1))
        self.time_tok: set[int] = set()
        for tx in times:
            a = doc.token_at(tx.span.start)
            b = doc.token_at(max(tx.span.start, tx.span.end - 1))
            if a is not None and b is not None:
                self.time_tok.update(range(a, b + 1))
        self.trig = trigger_tokens
        self._sent_keys: dict[int, frozenset[str]] = {}
        self._claims: dict[int, Arg | None] = {}

    def sentence_has(self, sent: int, words: frozenset[str]) -> bool:
        keys = self._sent_keys.get(sent)
        if keys is None:
            s = self.doc.sentences[sent]
            keys = frozenset(t.key for t in self.toks[s.first:s.last])
            self._sent_keys[sent] = keys
        return bool(keys & words)

    def has_prep(self, i: int) -> bool:
        """The word carries an attached preposition بـ لـ كـ (split by the segmenter, or a
        rarer whole form whose remainder is the commoner word: بإطلاق، لميليشيات)."""
        t = self.toks[i]
        if set(t.pre) & set("بلك"):
            return True
        n = t.norm
        if t.kind != "ar" or len(n) < 4 or n == "باسم" or i in self.ent_at:
            return False
        if n.startswith(("لل", "بال", "كال")):
            return True
        if n[0] in "بلك":
            v = Vocabulary.default()
            return v.get(n[1:]) > 2 * v.get(n)
        return False

    def lam_at(self, i: int) -> bool:
        """The word starts with the preposition لـ (لميليشيات، للسعودية)."""
        t = self.toks[i]
        if "ل" in t.pre:
            return True
        return not t.pre and t.norm[:1] == "ل" and self.has_prep(i)

    def name_like(self, i: int) -> bool:
        """A bare word that news rarely writes with the article is likely a name (سلفا،
        غوتيريس); مواقع/المواقع is a common noun."""
        t = self.toks[i]
        if i in self.ent_at or t.kind == "lat":
            return True
        if t.kind != "ar" or t.seg.det:
            return False
        v = Vocabulary.default()
        return v.get("ال" + t.norm) < 0.15 * max(1, v.get(t.norm))

    def prep_len(self, i: int) -> int:
        """How many letters of a preposition to drop from the start of an argument."""
        t = self.toks[i]
        if t.pre or not self.has_prep(i) or t.norm.startswith("لل"):
            return 0
        return 1

    def is_skippable(self, i: int) -> bool:
        t = self.toks[i]
        return (i in self.time_tok or t.norm in _SKIP_WORDS
                or t.key in _DAYS or (t.kind == "num" and i in self.time_tok))

    def is_content(self, i: int) -> bool:
        t = self.toks[i]
        if t.kind == "ar" and (len(t.norm) < 2 or t.norm in _SKIP_WORDS or t.key in _SKIP_WORDS):
            return False
        if (t.kind == "ar" and not t.pre and t.norm[0] == "ي" and len(t.norm) >= 4
                and i not in self.ent_at and t.norm not in _Y_NOUNS):
            return False  # يحقق، يقرر: an imperfect verb, not a noun phrase
        if t.kind not in ("ar", "lat") and not (t.norm == "#" or t.kind == "num"):
            return False
        if t.kind == "num":
            return True
        if i in self.ent_at:
            return True
        k = t.key
        n = t.norm
        if n[:1] in ("و", "ف") and (n[1:] in _PARTICLES or n[1:] in _PREPS or n[1:] in _NEG_BEFORE):
            return False  # ولم، فقد، وعلى: a particle behind a conjunction
        return not (n in _PARTICLES or k in _PARTICLES or n in _PREPS or k in _PREPS or n in _SPEECH
                    or k in _SPEECH or k in _DAYS or i in self.time_tok or i in self.trig
                    or n in _GOVERNORS or k in _EXPOSED)

    def is_accusative_modifier(self, i: int) -> bool:
        """عمداً، جوياً، واسعاً: an indefinite word with tanween fath is an adverb or an
        adjective in the accusative, never the head of a subject."""
        t = self.toks[i]
        if i in self.ent_at or t.seg.det:
            return False
        return "\u064b" in t.text or t.norm in _ADVERBS

    def is_adjective(self, i: int, definite: bool) -> bool:
        """A word that agrees with the noun before it: ال-word after a definite noun, nisba
        or accusative form after an indefinite one (هجوم كيماوي، العدوان الإسرائيلي)."""
        t = self.toks[i]
        if t.kind != "ar" or i in self.ent_at or t.pre or t.norm in _PARTICLES:
            return False
        if definite:
            return t.seg.det
        return (not t.seg.det and (t.norm.endswith(("ي", "يه", "يين", "يون", "يا")) and len(t.norm) > 3)
                or self.is_accusative_modifier(i))

    def np_at(self, i: int, end: int, *, allow_prep: bool = False) -> Arg | None:
        """The noun phrase starting at token i (no skipping), or None."""
        toks = self.toks
        if i + 1 < end and toks[i].norm in _QUANTIFIERS and not self.has_prep(i):
            # بعض المشتبه بهم، جميع المعتقلين: the quantifier heads the phrase
            rest = self.np_at(i + 1, end)
            return Arg(i, rest.last, rest.entity) if rest is not None else None
        if i >= end or not self.is_content(i):
            return None
        if not allow_prep and set(self.toks[i].pre) & set("بلك"):
            return None  # للنظام السوري: a name behind a preposition is no subject or object
        if i in self.ent_at:
            e, a, b = self.ent_at[i]
            if a == i or a < i:
                nxt = self.ent_at.get(b)
                if (e.type != "PER" and nxt is not None and nxt[1] == b and nxt[0].type == "PER"
                        and not self.toks[b].pre and b < end):
                    # الأمين العام للأمم المتحدة أنطونيو غوتيريس: a title and the name after it
                    return self.apposition(Arg(i, nxt[2], nxt[0]), end)
                return self.apposition(Arg(i, max(b, i + 1), e), end)
        t = toks[i]
        if not allow_prep and self.has_prep(i):
            return None
        if self.is_accusative_modifier(i):
            return None
        if t.kind == "num":
            # a count heads the NP: خمسة أشخاص، 15 سعودياً، 3 منها
            if i + 1 < end and toks[i + 1].norm in ("منها", "منهم", "منه"):
                return Arg(i, i + 2)
            j = i + 1
            while j < end and j < i + 3 and toks[j].kind in ("ar", "num") and self.is_content(j):
                j += 1
            return Arg(i, j) if j > i + 1 else None
        j = i + 1
        ent = None
        while j < end and j - i < 6:
            u = toks[j]
            p = toks[j - 1]
            if "و" in u.pre or self.is_accusative_modifier(j):
                break
            # وسائل إعلام مصرية | الخرطوم: after an indefinite adjective a definite word
            # or a name starts the next noun phrase (the object)
            if ((u.seg.det or j in self.ent_at) and not p.seg.det and j - 1 > i
                    and j - 1 not in self.ent_at and self.is_adjective(j - 1, False)):
                break
            if j in self.ent_at:
                e, a, b = self.ent_at[j]
                prev_ent = self.ent_at.get(j - 1)
                if prev_ent is not None and prev_ent[0] is not e and (
                        prev_ent[0].type in ("PER", "GPE") or e.type != "PER"):
                    break  # عمر البشير | روسيا: two names side by side are subject and object
                if (prev_ent is None and p.seg.det and a == j and e.type in ("GPE", "ORG")
                        and not u.seg.det and p.seg.stem not in _CLASSIFIERS):
                    break  # التحالف | إيران: a definite noun heads no name (but العاصمة صنعاء)
                ent = ent or e
                j = max(b, j + 1)
                continue
            if not self.is_content(j) or u.kind == "num":
                break
            if u.seg.det and p.seg.det and u.seg.stem in _CLASSIFIERS and j - 1 not in self.ent_at:
                break  # الطائرات | العاصمة صنعاء: a place word is a noun, never an adjective
            if (u.seg.det and p.seg.det and j - 1 > i and p.norm.endswith(("ي", "يه"))
                    and u.norm.endswith(("ين", "ون")) and not u.norm.endswith(("يين", "يون"))
                    and j not in self.ent_at):
                break  # متحدث باسم الجيش الحكومي | المتمردين: a plural noun is no adjective
            # الرياض | الحوثيين: a name takes no article-adjective, so the word opens the
            # object; a singular nisba may still be a surname (محمد شياع السوداني)
            if (u.seg.det and j - 1 in self.ent_at and self.ent_at[j - 1][0].type in ("PER", "GPE")
                    and not (u.norm.endswith("ي") and self.ent_at[j - 1][0].type == "PER")):
                break
            if self.has_prep(j) and not (u.norm.startswith("لل") or u.seg.det and "ل" in u.pre):
                break
            # مقاتلات التحالف | مواقع الحوثيين: after a definite word, a common indefinite
            # noun heads the next noun phrase (the object); names (عمر البشير) continue
            if not u.seg.det and p.seg.det and (not self.name_like(j) or u.seg.suf
                                                 or u.norm.endswith(("ه", "ها", "هم", "هما"))):
                break  # (الرئيس الجمهوري | معارضيه: a possessed noun opens the object)
            j += 1
        arg = Arg(i, j, ent)
        return self.apposition(arg, end)

    def apposition(self, a: Arg, end: int) -> Arg:
        """الرئيس السوداني، عمر البشير، …: a short NP between commas right after a
        definite description names it; keep both so the name is inside the argument."""
        toks = self.toks
        j = a.last
        if j + 2 >= end or toks[j].norm not in ("،", ",") or not any(
                toks[k].seg.det for k in range(a.first, a.last)):
            return a
        k = j + 1
        while k < end and k - j <= 4 and (k in self.ent_at or self.is_content(k) and toks[k].kind == "ar"
                                           and not toks[k].pre):
            k += 1
        if k > j + 1 and k < end and toks[k].norm in ("،", ","):
            ent = a.entity or next((self.ent_at[x][0] for x in range(j + 1, k) if x in self.ent_at), None)
            return Arg(a.first, k, ent)
        return a

    def definite(self, a: Arg) -> bool:
        """A genitive is definite: an ال-word, a name, or a number in its first two words."""
        for k in range(a.first, min(a.last, a.first + 3)):
            t = self.toks[k]
            if (t.seg.det or t.seg.suf or k in self.ent_at or t.kind in ("num", "lat")
                    or t.norm.startswith("ال")):
                return True
            if k == a.first and read_number(self.doc, k, a.last)[0] is not None:
                return True  # اعتقال خمسة أشخاص
        return False

    def np_right(self, i: int, end: int, *, allow_prep: bool = False, skip: bool = True) -> Arg | None:
        while skip and i < end and self.is_skippable(i):
            i += 1
        return self.np_at(i, end, allow_prep=allow_prep)

    def np_left(self, i: int, start: int) -> Arg | None:
        """A subject NP that ends right before token i (subject-verb order), or None."""
        j = i - 1
        while j >= start and (self.toks[j].norm in ("قد", "ايضا", "بدورها", "بدوره") or self.toks[j].norm in _AUX):
            j -= 1  # زوجها ظل يضربها: an auxiliary between subject and verb
        b = j + 1
        # طائرات هليكوبتر من طراز أباتشي، عناصر من الشرطة: a descriptive من inside the subject
        while j >= start and b - j <= 7 and (self.is_content(j) or (
                self.toks[j].norm == "من" and j + 1 < b and j - 1 >= start and self.is_content(j - 1)
                and not self.toks[j - 1].seg.det and j - 1 not in self.trig)):
            if j in self.ent_at:
                j = self.ent_at[j][1]  # jump to the entity's first token
            u = self.toks[j]
            if set(u.pre) & set("بك") or ("ل" in u.pre and not u.seg.det):
                break
            if "و" in u.pre:
                j -= 1
                if j >= start and self.is_content(j) and not set(self.toks[j].pre) & set("بلك"):
                    continue  # الحكومة والمعارضة وافقتا: a coordinated subject
                break
            j -= 1
        a = j + 1
        if a >= b:
            return None
        t = self.toks[a]
        if set(t.pre) & set("بلك"):
            return None
        before = self.toks[j] if j >= start else None
        ok = (before is None or before.kind == "punct" or before.norm in
              ("ان", "انه", "بان", "لان", "كان", "كانت", "فيما", "بينما", "حيث", "وان", "اذ", "كما", "قد")
              or before.key in ("ان", "كان", "كانت"))
        if not ok:
            return None
        ent = next((self.ent_at[k][0] for k in range(a, b) if k in self.ent_at), None)
        return Arg(a, b, ent)

    def prep_np(self, i: int, end: int, preps: Iterable[str], limit: int = 10) -> Arg | None:
        """An NP introduced by one of `preps` within `limit` tokens of i (على X، ضد X، بـX)."""
        preps = tuple(preps)
        toks = self.toks
        for j in range(i, min(end, i + limit)):
            t = toks[j]
            if t.kind == "punct" and t.norm not in ("،", ",", '"', "«", "»"):
                return None
            if t.norm in preps or (t.norm in ("الي", "علي") and t.norm in preps):
                return self.np_right(j + 1, end, skip=False)
            lead = t.pre[-1] if t.pre else (t.norm[0] if self.has_prep(j) else "")
            if lead and lead in "بل" and lead in preps and j > i:
                arg = self.np_at(j, end, allow_prep=True)
                if arg:
                    return arg
        return None


# ---------------------------------------------------------------------------------------
# Arguments, status, attributes
# ---------------------------------------------------------------------------------------


def _masdar_reading(m: Mention, cl: Clause, s_last: int) -> None:
    """قصفها لمحافظة درعا: a verb form with an object pronoun followed by لـ is the verbal
    noun with a possessive (its agent), when the lexicon knows that noun."""
    if not (m.verb and m.suffix and m.last < s_last and cl.lam_at(m.last)):
        return
    tok = cl.toks[m.first]
    base = tok.key[:-len(tok.seg.suf)] if tok.seg.suf and tok.key.endswith(tok.seg.suf) else ""
    if base and any(not h.verb and h.entry.type == m.entry.type
                    for h in load_lexicon().words.get(base, ())):
        m.verb = False


def _argue(m: Mention, cl: Clause, s_first: int, s_last: int) -> None:
    toks = cl.toks
    e = m.entry
    _masdar_reading(m, cl, s_last)
    after = m.last
    # passive: damma on a verb, تم + masdar, or a noun after تعرض لـ
    prev = toks[m.first - 1] if m.first > s_first else None
    if m.verb and (e.passive or _has_damma_passive(toks[m.first])):
        m.passive = True
    if not m.verb and prev is not None and prev.key in ("تم", "يتم", "سيتم", "جري", "يجري"):
        m.passive = True
    if (m.verb and not m.passive and _verb_stems(e)[0] in _COUNT_PASSIVE
            and toks[m.first].key == _verb_stems(e)[0]  # the bare 3ms form: قُتل, not قتلت
            and not (prev is not None and (prev.norm in _PRONOUN_COMP or prev.norm in _RELATIVES))
            and after < s_last and (toks[after].kind == "num" or read_number(cl.doc, after, s_last)[0] is not None
                                    or toks[after].norm.endswith(("ان", "ين")) and not toks[after].seg.det
                                    and after + 1 < s_last and toks[after + 1].norm == "من")):
        # قتل خمسة أشخاص، قتل عنصران من الشرطة: a count right after the verb is its
        # (passive) subject; an active verb names its agent first
        m.passive = True
    exposed = None
    for k in range(m.first - 1, max(s_first, m.first - 8) - 1, -1):
        if toks[k].key in _EXPOSED or toks[k].norm in _EXPOSED:
            exposed = k
            break
        if k in cl.trig:
            break
    if exposed is not None and not m.verb:
        m.passive = True
        m.recipient = cl.np_right(exposed + 1, m.first)
    if m.verb and not m.passive and _agent_marker(cl, after, s_last, own=True) is not None:
        m.passive = True  # خففت العقوبة … من قبل محكمة عليا: the marker makes it passive
    if m.verb:
        rel = _relative_head(cl, m, s_first)
        if m.passive:
            m.recipient = m.recipient or cl.np_right(after, s_last)
        elif rel is not None and not m.suffix and after < s_last and toks[after].norm in _RESUMPTIVE:
            # المدينة التي يسيطر عليها الحوثيون: the pronoun after the verb is the head, the
            # subject follows
            m.recipient = rel
            m.actor = cl.np_right(after + 1, s_last)
        elif rel is not None and not m.suffix:
            # المتمردين الذين سيطروا على صنعاء: the relative's head is the subject
            m.actor = rel
            m.recipient = cl.np_right(after, s_last)
        else:
            left = cl.np_left(m.first, s_first)
            tok = toks[m.first]
            plural = tok.norm.endswith(("وا", "ون")) and not m.suffix
            if left is None and plural:
                m.recipient = cl.np_right(after, s_last)  # رفضوا أجزاء من الاتفاق
            elif left is not None:
                m.actor = left
                m.recipient = cl.np_right(after, s_last, skip=True)
                if m.recipient is not None and toks[m.recipient.first].norm in _AIMING:
                    m.recipient = cl.np_right(m.recipient.first + 1, s_last)  # … مستهدفةً قناصة
            else:
                m.actor = cl.np_right(after, s_last)
                if m.actor is not None and "و" in toks[m.actor.first].pre:
                    m.actor = None  # اعتقلتهم وساومتهم: a conjunction opens the next clause
                if m.actor is not None and toks[m.actor.first].norm in _AIMING:
                    # أطلقت النار مستهدفةً قناصة: the participle's object is the target
                    m.recipient, m.actor = cl.np_right(m.actor.first + 1, s_last), None
                    after = m.recipient.last if m.recipient else after
                if m.actor is not None and m.actor.first not in cl.ent_at and _non_agent(cl, m.actor):
                    # بضرورة ضرب قواعد سوريا: a place or thing is what the act falls on
                    m.recipient, m.actor = m.actor, None
                    after = m.recipient.last
                if m.actor is not None and toks[m.actor.first].key in _EVENT_NOUNS:
                    # استهدفت العملية …: the subject is the act itself, told again
                    m.actor, m.anaphoric_subject = None, True
                if not m.suffix and m.recipient is None:  # قصفها: the object is the attached pronoun
                    k = m.actor.last if m.actor else after
                    while k < s_last and k in cl.time_tok:
                        k += 1  # حث نشطاء الأربعاء الجانبين
                    m.recipient = cl.np_right(k, s_last, skip=False)
        if m.recipient is None and e.rp:
            start = m.actor.last if m.actor else after
            m.recipient = cl.prep_np(start, s_last, e.rp)
        if m.recipient is None and e.type == "ACCUSE":
            m.recipient = _complement_subject(cl, m.actor.last if m.actor and m.actor.first > m.first
                                              else after, s_last)
    else:
        # nouns: the genitive right after (with its modifier already inside the trigger). A
        # definite noun takes no genitive, and adjectives that agree with it are skipped.
        j = after
        while j < s_last and j < after + 3 and cl.is_adjective(j, m.det):
            j += 1
        gen_arg = None
        if (not m.suffix and not m.det and j == after and after < s_last and not _indefinite(m, toks)
                and "و" not in toks[after].pre and not cl.lam_at(after)
                and not _governs_pronoun(toks[after])):
            gen_arg = cl.np_at(after, s_last)
            if gen_arg is not None and not cl.definite(gen_arg):
                gen_arg = None
        if gen_arg is not None and e.gen == "agent" and _masdar_like(toks[gen_arg.first]):
            gen_arg = None  # التزام تطوير قدرات العراق: a verbal noun is what is committed to
        if gen_arg is not None:
            if e.gen == "agent" and not m.passive:
                m.actor = gen_arg
            else:
                m.recipient = m.recipient or gen_arg
        if gen_arg is None and j < s_last and cl.lam_at(j):
            # هجوماً لميليشيات الحوثي، انتقادات كندية للسعودية: a genitive with لـ after the
            # noun and its adjectives; an agent for armed acts, else who the act is aimed at
            # (always so after a possessive: قصفها لمحافظة درعا)
            gen_arg = cl.np_at(j, s_last, allow_prep=True)
            if gen_arg is not None:
                if (e.gen == "agent" and e.type in _LAM_AGENT and "ل" not in e.rp and not m.passive
                        and not m.suffix):
                    m.actor = gen_arg
                else:
                    m.recipient = m.recipient or gen_arg
        after = j
        start = gen_arg.last if gen_arg else after
        if e.rp and m.recipient is None:
            m.recipient = cl.prep_np(start, s_last, e.rp)
        if m.actor is None and not m.passive:
            m.actor = _relative_agent(cl, j, s_last) or _governor_subject(m, cl, s_first)
            if m.actor is not None and m.actor.last < m.first and m.recipient is None:
                # منح النظام جيش الإسلام مهلة: a second phrase between the subject and the
                # noun is whom the act is given to
                m.recipient = cl.np_right(m.actor.last, m.first)
    if m.actor is None:
        start = m.recipient.last if m.recipient is not None and m.recipient.first >= after else after
        m.actor = _agent_marker(cl, start, s_last)


def _indefinite(m: Mention, toks) -> bool:
    """اجتماعاً، هجوماً: a noun with the accusative tanween heads no genitive."""
    t = toks[m.last - 1]
    if "\u064b" in t.text:
        return True
    return t.norm.endswith("ا") and t.norm[:-1] in _lemma_forms(m.entry)


@lru_cache(maxsize=None)
def _lemma_forms(entry: LexEntry) -> frozenset[str]:
    """The normalised citation forms of an entry (its comma variants, or its verb stems)."""
    n = normalize(entry.lemma).partition(" ")[0]
    return frozenset(x for part in n.split(",") for x in part.split("/") if x)


_ATTRIBUTION = frozenset("بحسب حسب حسبما وفقا وفق نقلا طبقا بحسبما".split())
_RESUMPTIVE = frozenset("عليه عليها عليهم فيه فيها فيهم منه منها منهم به بها بهم له لها لهم اليه اليها اليهم ضده ضدها ضدهم".split())
_RELATIVES = frozenset("الذي التي الذين اللذين اللتين اللواتي اللاتي".split())


def _relative_head(cl: Clause, m: Mention, s_first: int) -> Arg | None:
    """The noun phrase a relative pronoun right before the verb refers to."""
    toks = cl.toks
    r = m.first - 1
    if r <= s_first or toks[r].norm not in _RELATIVES:
        return None
    hit = cl.ent_at.get(r - 1)
    if hit is not None:
        return Arg(hit[1], hit[2], hit[0])
    found: list[Arg] = []
    for k in range(r - 1, max(s_first, r - 4) - 1, -1):
        if toks[k].kind == "punct" or k in cl.trig:
            break
        a = cl.np_at(k, r)
        if a is not None and a.last == r - 1 and toks[r - 1].seg.det and a.last - 1 in cl.ent_at:
            a = Arg(a.first, r, a.entity)  # مدينة الحديدة الساحلية: the adjective after the name
        if a is not None and a.last == r:
            found.append(a)
    if not found:
        return None
    # مدينة الحديدة الساحلية التي: the whole phrase; تقدم المتمردين الذين: the definite noun
    # that the relative agrees with, not the construct before it
    head = toks[found[-1].first]
    if head.seg.det or found[-1].first in cl.ent_at or head.seg.stem in _CLASSIFIERS:
        return found[-1]
    named = [a for a in found if toks[a.first].seg.det or a.first in cl.ent_at]
    return named[-1] if named else found[-1]


def _masdar_like(t) -> bool:
    """تطوير، تعزيز، تنفيذ: the تفعيل pattern of verbal nouns, which name acts, not agents."""
    n = t.key[2:] if t.key.startswith("ال") else t.key
    return len(n) == 5 and n[0] == "ت" and n[3] == "ي"


def _shared_sides(m: Mention, argued: list[Mention], s_first: int) -> None:
    """واتفقت بغداد وواشنطن في جولة الحوار: a two-sided act told right after another one
    in the same clause has the same two sides."""
    if m.entry.type not in _TWO_SIDED or m.verb or m.recipient is not None:
        return
    if m.actor is not None and not m.actor.weak:
        return
    for x in reversed(argued):
        if x.first < s_first:
            break
        end = max(x.last, x.actor.last if x.actor else 0, x.recipient.last if x.recipient else 0)
        if (x.entry.type in _TWO_SIDED and x.actor is not None and x.recipient is not None
                and not x.recipient.weak and 0 <= m.first - end <= 3):
            m.actor, m.recipient = x.actor, x.recipient
        return


def _complement_subject(cl: Clause, i: int, s_last: int) -> Arg | None:
    """اشتكت من أن زوجها ظل يضربها، اتهم بأن الجيش …: the one the complaint is about is the
    subject of the clause after أن."""
    toks = cl.toks
    j = i
    if j < s_last and toks[j].norm in ("من", "علي"):
        j += 1
    if j < s_last and toks[j].norm in ("ان", "بان"):
        return cl.np_right(j + 1, s_last)
    return None


def _governs_pronoun(tok) -> bool:
    """شنتها، أبرمته، أطلقها: a carrying/announcing verb whose pronoun object is the act."""
    verbs = _GOVERNORS | _AGENT_VERBS
    if tok.seg.suf in ("ها", "ه", "هم") and tok.seg.stem in verbs:
        return True
    n = tok.key
    return any(n.endswith(p) and n[:-len(p)] in verbs for p in ("ها", "ه"))


def _relative_agent(cl: Clause, i: int, s_last: int) -> Arg | None:
    """الهجمات التي شنتها إيران، صواريخ أطلقتها الميليشيات: the agent of a relative clause
    or a following verb that takes the act as its (pronoun) object."""
    toks = cl.toks
    j = i
    while j < s_last and toks[j].norm in ('"', "»", "”", "،"):
        j += 1
    if j < s_last and toks[j].norm in ("التي", "الذي", "اللتي"):
        j += 1
    # اتفاق تسوية أبرمته روسيا: one genitive word may stand before the verb
    for k in (j, j + 1):
        if k < s_last and _governs_pronoun(toks[k]):
            return cl.np_right(k + 1, s_last)
        if k < s_last and (toks[k].kind != "ar" or toks[k].seg.det or k in cl.trig):
            break
    return None


def _governor_subject(m: Mention, cl: Clause, s_first: int) -> Arg | None:
    """The subject of a support/announcing verb that governs the noun (شن الجيش هجوماً)."""
    toks = cl.toks
    lo = max(s_first, m.first - 14)
    for k in range(m.first - 1, lo - 1, -1):
        t = toks[k]
        if k in cl.trig and k < m.first:
            return None
        if t.kind == "punct" and t.norm not in ("،", ",", "(", ")"):
            return None
        if t.norm in _COMPLEMENTIZERS and (m.entry.type in _MATERIAL or m.entry.type in _TWO_SIDED):
            return None  # قالت الرئاسة إن … هجوم / اتفاق: the act sits in a clause of its own
        if t.key in _GOVERNORS or t.norm in _GOVERNORS or t.key in _SPEECH or t.norm in _SPEECH:
            if m.entry.type in _MATERIAL and (t.key in _REPORTING or t.norm in _REPORTING):
                return None  # قالت مصادر إن …: the reporter is not the agent
            between = cl.np_right(k + 1, m.first)
            if between is not None and toks[between.first].norm not in _AMOUNTS:
                return between
            return cl.np_left(k, s_first)
    return None


def _agent_marker(cl: Clause, i: int, end: int, own: bool = False) -> Arg | None:
    """من قبل X / على يد X after the trigger (with `own`, not past another act's trigger:
    دانت … إطلاق صواريخ من قبل الحوثيين is the launch's agent)."""
    toks = cl.toks
    for j in range(i, min(end - 1, i + 12)):
        if own and j in cl.trig:
            return None
        pair = (toks[j].norm, toks[j + 1].norm)
        if pair in _AGENT_MARKERS:
            return cl.np_right(j + 2, end)
    return None


# meetings and agreements: both sides act
_TWO_SIDED = frozenset({"CONSULT", "AGREE", "COOPERATE"})
# acts with two sides: بين X وY names both
_RECIPROCAL = frozenset({"CONSULT", "AGREE", "COOPERATE", "ASSAULT"})

# armed acts whose لـ-genitive is the agent (هجوم لداعش); for the rest it is the target
_LAM_AGENT = frozenset({"ASSAULT", "MOBILIZE", "PROTEST"})

# acts that rarely name a target (a protest, a mobilisation, a ceasefire)
_NO_TARGET = frozenset({"PROTEST", "MOBILIZE", "RETREAT", "AGREE", "AID"})


# في عنتيبي، من سوريا، بالعاصمة: a place the act happened in or came from, not its target
_PLACE_PREPS = frozenset("في من داخل قرب وسط شمال جنوب شرق غرب شمالي جنوبي شرقي غربي".split())


def _in_place_phrase(cl: Clause, e: Entity, a: int) -> bool:
    """في جمهورية الشيشان، بالعاصمة، من سوريا: a place named as where, not who."""
    if e.type != "GPE":
        return False
    toks = cl.toks
    if "ب" in toks[a].pre:
        return True
    for k in (a - 1, a - 2):
        if k < 0:
            break
        t = toks[k]
        if t.norm in _PLACE_PREPS or "ب" in t.pre and k == a - 1:
            return True
        if k == a - 1 and not (t.seg.stem in _CLASSIFIERS or t.key in _CLASSIFIERS):
            break  # only a place word (مدينة، جمهورية) may stand between
    return False


def _entity_after(cl: Clause, m: Mention, s_last: int) -> Arg | None:
    """Fallback target: the first named actor after the trigger in its clause (نددت الولايات
    المتحدة بالهجمات التي شنتها إيران -> إيران), skipping the actor itself."""
    toks = cl.toks
    j = m.last
    while j < min(s_last, m.last + 10):
        t = toks[j]
        if t.kind == "punct" and t.norm not in ("،", ",", '"', "«", "»", "(", ")"):
            return None
        if t.key in _SPEECH or t.norm in _SPEECH or t.norm in _ATTRIBUTION:
            return None  # …، قال نصرالله / بحسب وكالة الأنباء: a speaker or a source
        if j in cl.ent_at:
            e, a, b = cl.ent_at[j]
            if m.actor is not None and m.actor.first <= a < m.actor.last:
                j = b
                continue
            if e.type in ("PER", "ORG", "GPE") and not _in_place_phrase(cl, e, a):
                return Arg(a, b, e, weak=True)
            j = b
            continue
        j += 1
    return None


def _entity_before(cl: Clause, m: Mention, s_first: int) -> Arg | None:
    """Fallback agent: the nearest named actor before the trigger in its clause, when the
    trigger's own subject is a pronoun or elided (وأيدت …: still the United States)."""
    toks = cl.toks
    j = m.first - 1
    while j >= max(s_first, m.first - 12):
        t = toks[j]
        if t.kind == "punct" and t.norm not in ("،", ",", '"', "«", "»", "(", ")"):
            return None
        if j in cl.ent_at:
            e, a, b = cl.ent_at[j]
            if e.type in ("PER", "ORG", "GPE") and not cl.has_prep(a) and not _in_place_phrase(cl, e, a):
                if m.recipient is None or not (m.recipient.first <= a < m.recipient.last):
                    return Arg(a, b, e, weak=True)
            j = a - 1
            continue
        j -= 1
    return None


def _claim_actor(cl: Clause, s_first: int, s_last: int) -> Arg | None:
    """تبنت مسؤوليته جماعة X / أعلن X مسؤوليته: the claimant is the actor."""
    toks = cl.toks
    for j in range(s_first, s_last):
        if toks[j].key in _CLAIM_VERBS or toks[j].norm in _CLAIM_VERBS:
            k = j + 1
            if k < s_last and toks[k].stem.startswith("مسؤولي"):
                k += 1
            return cl.np_right(k, s_last)
    return None


def _status(m: Mention, cl: Clause, s_first: int, s_last: int) -> str:
    toks = cl.toks
    back = [toks[k] for k in range(max(s_first, m.first - 4), m.first)]
    near = [toks[k] for k in range(max(s_first, m.first - 2), m.first)]
    if any(t.norm in _NEG_BEFORE or t.key in _NEG_BEFORE for t in near):
        return "negated"
    if any(toks[k].key in _DENY for k in range(max(s_first, m.first - 8), m.first)):
        return "negated"
    if any(t.norm in _HYPO_BEFORE or t.key in _HYPO_BEFORE for t in back):
        return "hypothetical"
    if m.future_form or any(t.norm in _FUTURE_BEFORE or t.key in _FUTURE_BEFORE for t in back):
        return "future"
    if any(toks[k].key in _FUTURE_AFTER for k in range(m.last, min(s_last, m.last + 3))):
        return "future"
    # a verb written with سـ that the segmenter split off (وسيلتقي)
    if m.verb and "س" in toks[m.first].pre:
        return "future"
    return "actual"


def _extend_modifier(m: Mention, cl: Clause, s_last: int) -> None:
    """Keep the closest modifier that carries meaning: قصف صاروخي، هجوم كيماوي."""
    if m.verb:
        return
    j = m.last
    while j < s_last and j < m.last + 2:
        t = cl.toks[j]
        mod = _MODIFIERS.get(t.key) or _MODIFIERS.get(t.norm)
        if mod is None:
            break
        _, mode = mod
        if mode and taxonomy.valid_mode(m.entry.type, mode):
            m.mode = mode
        j += 1
    m.last = j


_HARM = _VIOLENCE_CUES | frozenset("اسقاط تدمير سحق محو انتقام الانتقام قتال القتال ضرب".split())


def _retype_pledge(m: Mention, cl: Clause, s_last: int) -> None:
    """روسيا تتعهد بإسقاط أي صاروخ: a pledge to do harm is a threat, not an agreement."""
    if m.entry.type != "AGREE" or not _verb_stems(m.entry)[0].startswith("تعهد"):
        return
    toks = cl.toks
    for k in range(m.last, min(s_last, m.last + 3)):
        t = toks[k]
        if t.key in _HARM or t.stem in _HARM or (t.norm[:1] == "ب" and t.norm[1:] in _HARM):
            m.entry = replace(m.entry, type="THREATEN", mode="violence")
            m.mode = "violence"
            return


def _refine_mode(m: Mention, cl: Clause, s_last: int) -> None:
    toks = cl.toks
    window = {toks[k].stem for k in range(m.last, min(s_last, m.last + 8))} | \
             {toks[k].key for k in range(m.last, min(s_last, m.last + 8))}
    if m.entry.type == "REQUEST" and m.mode is None:
        for mode, cues in _REQUEST_MODES.items():
            if window & cues:
                m.mode = mode
                break
    elif m.entry.type == "ASSAULT" and m.mode is None:
        # the weapon named near a generic attack word sets its mode (هجوم بطائرة مسيرة)
        near = {toks[k].stem for k in range(max(0, m.first - 6), min(s_last, m.last + 8))
                if toks[k].sent == toks[m.first].sent}
        for mode, cues in _WEAPON_CUES:
            if near & cues:
                m.mode = mode
                break
    elif m.entry.type == "THREATEN" and m.mode is None:
        if window & _VIOLENCE_CUES:
            m.mode = "violence"


def _date(m: Mention, cl: Clause, times: list[tuple[int, int, TimeExpr]], s_first: int, s_last: int,
          doc: Doc) -> dict:
    best = None
    # times are sorted by start token: look only at the sentence's (linear scans over every
    # time of a very long article, once per event, were quadratic)
    lo = bisect_left(times, s_first, key=lambda x: x[0])
    hi = bisect_left(times, s_last, key=lambda x: x[0])
    for a, b, tx in times[lo:hi]:
        if a < s_first or b > s_last:
            continue
        # prefer the adjunct after the trigger (قصف صاروخي، في 5 أغسطس); a time before it
        # more often belongs to the clause's main verb
        dist = (a - m.last) if a >= m.last else 2 * (m.first - b) + 2
        lo, hi = (m.last, a) if a >= m.last else (b, m.first)
        if any(k in cl.trig for k in range(lo, hi)):
            dist += 12  # another act stands between: the time is more likely that act's
        if dist > 30:
            continue  # too far to govern this clause
        if best is None or dist < best[0]:
            best = (dist, tx)
    if best is not None:
        tx = best[1]
        m.date_near = best[0] <= 6
        return {"value": tx.value, "precision": tx.precision, "from": "text"}
    if doc.published:
        return {"value": doc.published.isoformat(), "precision": "day", "from": "published"}
    return {"value": None, "precision": None, "from": "published"}


def _usable_times(doc: Doc, times: list[TimeExpr]) -> list[tuple[int, int, TimeExpr]]:
    out = []
    for tx in times:
        v = tx.value
        if not v or tx.precision == "vague" or str(v).upper().endswith("_REF") or str(v).startswith("P"):
            continue
        a = doc.token_at(tx.span.start)
        b = doc.token_at(max(tx.span.start, tx.span.end - 1))
        if a is not None and b is not None:
            out.append((a, b + 1, tx))
    return out


def _location(doc: Doc, layers: Any, m: Mention, sent_index: int, s_first: int, s_last: int) -> Place | None:
    try:  # the geo engineer's resolver, when it is there
        from marsad.geo.resolve import event_location  # type: ignore
    except Exception:  # noqa: BLE001 - optional module
        event_location = None
    if event_location is not None:
        try:
            loc = event_location(doc, layers, sent_index, m.first, m.last)
            if loc is not None:
                return loc
        except Exception:  # noqa: BLE001 - a geo failure must not lose the event
            pass
    s = doc.sentences[sent_index]
    best = None
    for p in getattr(layers, "places", []) or []:
        if not (s.start <= p.span.start < s.end):
            continue
        a = doc.token_at(p.span.start)
        if a is None:
            continue
        dist = a - m.last if a >= m.last else (m.first - a) + 3
        if best is None or dist < best[0]:
            best = (dist, p)
    return best[1] if best else None


# ---------------------------------------------------------------------------------------
# Merging
# ---------------------------------------------------------------------------------------


def _arg_words(doc: Doc, a: Arg | None) -> set[str]:
    if a is None:
        return set()
    return {t.stem for t in doc.tokens[a.first:a.last] if t.kind != "punct" and len(t.stem) > 2}


def _overlap(doc: Doc, a: Arg | None, b: Arg | None) -> bool:
    if a is None or b is None or a.weak or b.weak:
        return False
    if a.entity is not None and b.entity is not None and a.entity.id == b.entity.id:
        return True
    return bool(_arg_words(doc, a) & _arg_words(doc, b))


_SEASONS = {"WI": (1, 2), "SP": (3, 5), "SU": (6, 8), "FA": (9, 11)}


def _interval(value: str) -> tuple[date, date] | None:
    """The days a TIMEX value covers: 2024, 2024-08, 2024-08-05, 2024-W32, 2023-SU, A/B."""
    v = value.strip().upper()
    try:
        if "/" in v:
            a, b = v.split("/", 1)
            ia, ib = _interval(a), _interval(b)
            return (ia[0], ib[1]) if ia and ib else None
        if len(v) >= 10 and v[4] == "-" and v[7] == "-":
            d = date.fromisoformat(v[:10])
            return d, d
        if len(v) == 7 and v[4] == "-" and v[5:].isdigit():
            y, mth = int(v[:4]), int(v[5:])
            end = date(y + (mth == 12), mth % 12 + 1, 1) - timedelta(days=1)
            return date(y, mth, 1), end
        if len(v) == 4 and v.isdigit():
            return date(int(v), 1, 1), date(int(v), 12, 31)
        if len(v) == 8 and v[5] == "W":
            monday = date.fromisocalendar(int(v[:4]), int(v[6:]), 1)
            return monday, monday + timedelta(days=6)
        if len(v) == 7 and v[5:] in _SEASONS:
            a, b = _SEASONS[v[5:]]
            return date(int(v[:4]), a, 1), date(int(v[:4]), b, 28)
    except ValueError:
        return None
    return None


def _dates_compatible(a: str | None, b: str | None) -> bool:
    """5 Aug and "the first week of August" can be one act; 2013 and 2016 cannot."""
    if not a or not b or a == b:
        return True
    ia, ib = _interval(a), _interval(b)
    if ia is None or ib is None:
        return False
    return ia[0] <= ib[1] and ib[0] <= ia[1]


def _conflict(doc: Doc, ev: Mention, m: Mention) -> bool:
    """Two mentions cannot be one act: different text dates, statuses, or actors. An
    anaphoric mention (الهجوم) only conflicts on dates: its actor may be a new description."""
    if ev.date and m.date and ev.date.get("from") == "text" and m.date.get("from") == "text" \
            and not _dates_compatible(ev.date.get("value"), m.date.get("value")) \
            and (ev.date_near or m.date_near or not m.anaphoric):
        return True
    if m.anaphoric:
        return False
    if ev.status != m.status:
        return True
    if ev.actor and m.actor and not (ev.actor.weak or m.actor.weak) and not _overlap(doc, ev.actor, m.actor) \
            and not (m.entry.type in _TWO_SIDED and _overlap(doc, ev.actor, m.recipient)):
        # (an agreement told from the other side: اتفق X مع Y … وافق Y is one act)
        return True
    return False


def _head_rank(m: Mention) -> int:
    """Which mention names a merged act: a dated report beats a descriptive present tense
    (صواريخ تستهدف إسرائيل … ضربت إسرائيل ليل الأربعاء), and a result word (مقتل) comes last."""
    if m.entry.attach:
        return -1
    return (2 if m.date_near else 0) + (0 if m.present else 1)


@dataclass(slots=True)
class _Group:
    head: Mention
    members: list[Mention]


def _merge(doc: Doc, mentions: list[Mention]) -> list[_Group]:
    groups: list[_Group] = []
    for m in mentions:
        target = None
        m_sent = doc.tokens[m.first].sent
        for g in reversed(groups):
            h = g.head
            if h.entry.type != m.entry.type:
                continue
            last_sent = doc.tokens[g.members[-1].first].sent
            if m.entry.attach:
                # مقتل 15 مدنياً after the strike that caused it
                if m_sent - last_sent <= 2:
                    target = g
                    break
                continue
            if _conflict(doc, h, m):
                continue
            if m.verb and not m.anaphoric and any(
                    x.verb and x.entry is not m.entry and x.entry.lemma != m.entry.lemma
                    and doc.tokens[x.first].sent == m_sent for x in g.members):
                continue  # زار … حيث التقى: two verbs of a sentence tell two acts
            close = m_sent == last_sent and 0 <= m.first - g.members[-1].last <= 4
            same_word = any(x.entry is m.entry or (m.mode and x.mode == m.mode) for x in g.members)
            linked = (m.anaphoric or close or same_word
                      or any(_overlap(doc, x.recipient, m.recipient) or _overlap(doc, x.actor, m.actor)
                             for x in g.members))
            if linked:
                target = g
                break
        if target is None:
            groups.append(_Group(m, [m]))
            continue
        if (target.head.entry.attach and not m.entry.attach) or _head_rank(m) > _head_rank(target.head):
            # the act itself (غارات) leads; the result word (مقتل) becomes a mention
            old = target.head
            target.head = m
            target.members.insert(0, m)
            m, h = old, target.head
        else:
            h = target.head
            target.members.append(m)
        if h.actor is None or (h.actor.weak and m.actor is not None and not m.actor.weak):
            h.actor = m.actor or h.actor
        if m.recipient is not None and (
                h.recipient is None or (h.recipient.weak and not m.recipient.weak)
                or (h.rec_from_result and not m.entry.attach and not m.recipient.weak)):
            # the victims of a result word (مقتل 15 مدنياً) only stand in for the target
            h.rec_from_result = m.entry.attach or m.rec_from_result
            h.recipient = m.recipient
        elif h.recipient is not None and h.entry.attach:
            h.rec_from_result = True
        if m.date and m.date.get("from") == "text" and (
                not h.date or h.date.get("from") != "text" or (m.date_near and not h.date_near)):
            h.date, h.date_near = m.date, m.date_near
        h.location = h.location or m.location
        h.mode = h.mode or m.mode
        for k, v in m.size.items():
            if v is not None and h.size.get(k) is None:
                h.size[k] = v
        for c in m.contexts:
            if c not in h.contexts:
                h.contexts.append(c)
    return groups


# ---------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------


def _argument(doc: Doc, a: Arg | None, extra_strip: int = 0) -> Argument | None:
    if a is None:
        return None
    t = doc.tokens[a.first]
    # للسعودية keeps its لـ: "لسعودية" would be no word at all
    strip = len(t.key) >= 3 and not (t.pre.endswith("ل") and t.key.startswith("ال"))
    span = doc.token_span(a.first, a.last, strip_proclitic=strip)
    if extra_strip:
        span = doc.span(min(span.start + extra_strip, span.end - 1), span.end)
    if span.text.startswith("#") and len(span.text) > 1:
        span = doc.span(span.start + 1, span.end)  # #إيران: the hashtag sign is no part of the name
    ent = a.entity
    if ent is not None and not (span.start <= ent.span.start and ent.span.end <= span.end):
        ent = None
    code = ent.actor_code if ent is not None else None
    if code is None:
        code = _resolve_code(doc, a)
    return Argument(span=span, entity=ent.id if ent else None, code=code)


def _resolve_code(doc: Doc, a: Arg) -> str | None:
    """Actor code for a described NP (مسلحون مجهولون، السلطات العراقية) from the actor module."""
    try:
        from marsad.extract.actors import resolve_phrase  # type: ignore
    except Exception:  # noqa: BLE001 - optional while the actor module is being written
        return None
    try:
        res = resolve_phrase(doc, a.first, a.last, doc.published)
    except Exception:  # noqa: BLE001
        return None
    if res is None:
        return None
    if isinstance(res, str):
        return res
    if isinstance(res, dict):
        return res.get("code") or res.get("actor_code")
    return getattr(res, "code", None) or getattr(res, "actor_code", None)


def _accept(m: Mention, cl: Clause) -> bool:
    """Filter weak triggers: quality 3 only inside phrases; quality 2 needs an argument."""
    q = m.entry.quality
    if m.first > 0 and cl.toks[m.first - 1].key in _STATE_BEFORE:
        return False
    if m.first in cl.time_tok and not m.phrase:
        return False  # فجر الإثنين: dawn, part of a time expression, not "blew up"
    if m.entry.near:
        toks = cl.toks
        s = toks[m.first].sent
        window = [t for t in toks[max(0, m.first - 4):m.last + 4] if t.sent == s]
        if not any(t.stem in m.entry.near or t.key in m.entry.near for t in window):
            return False
        return True
    if m.phrase:
        return True
    if q >= 3:
        return False
    if (m.entry.type == "AGREE" and m.verb and m.present and not m.future_form
            and _verb_stems(m.entry)[0] == "اتفق" and "س" not in cl.toks[m.first].pre):
        return False  # نتفق مع الوزير في …: sharing a view, not striking an agreement
    if (m.verb and m.present and not m.future_form and "territory" in m.entry.contexts
            and "س" not in cl.toks[m.first].pre):
        return False  # يسيطر على: holds, a state rather than a seizure
    if q == 2 and m.present and m.verb and m.first > 0 and cl.toks[m.first - 1].norm in _RELATIVES:
        return False  # المدينة التي يسيطر عليها الحوثيون: a standing state, not an act
    # a guessed argument (a pronoun's antecedent, the nearest name) does not vouch for a
    # weak trigger
    bare = (m.actor is None or m.actor.weak) and (m.recipient is None or m.recipient.weak)
    if q == 2 and not m.verb and not m.det and bare:
        return False
    if q == 2 and m.verb and bare and not m.passive:
        return False
    return True


def extract_events(doc: Doc, layers: Any) -> list[Event]:
    lex = load_lexicon()
    entities = list(getattr(layers, "entities", []) or [])
    times = list(getattr(layers, "times", []) or [])
    mentions = find_mentions(doc, lex)
    trig_tokens = {k for m in mentions for k in range(m.first, m.last)}
    cl = Clause(doc, entities, times, trig_tokens)
    usable = _usable_times(doc, times)
    quotes = list(getattr(layers, "quotes", []) or [])
    kept: list[Mention] = []
    argued: list[Mention] = []
    for m in mentions:
        s = doc.sentence_of(m.first)
        _extend_modifier(m, cl, s.last)
        _retype_pledge(m, cl, s.last)
        _argue(m, cl, s.first, s.last)
        _dropped_subject(doc, m, cl, quotes, argued, s.first)
        _pronoun_target(m, cl, s.first)
        _shared_sides(m, argued, s.first)
        argued.append(m)
        if m.entry.type == "ASSAULT" and m.actor is None and not (m.verb and not m.passive):
            if s.i not in cl._claims:
                cl._claims[s.i] = (_claim_actor(cl, s.first, s.last)
                                   if cl.sentence_has(s.i, _CLAIM_VERBS) else None)
            m.actor = cl._claims[s.i]
        if m.actor is None and m.entry.type in VERBAL_TYPES:
            m.actor = _speaker_actor(doc, cl, quotes, m)
        if not _accept(m, cl):
            continue
        if m.actor is not None and doc.tokens[m.actor.first].key in _SOURCES:
            m.actor = None  # مصادر ميدانية، البيان: who reports is not who acts
        if (m.entry.type == "ASSAULT" and _means(cl, m.recipient)) or _duration(cl, m.recipient):
            # أطلق صواريخ باتجاه جازان: past the weapon, the target after the preposition
            after_means = m.recipient.last
            m.recipient = cl.prep_np(after_means, s.last, m.entry.rp) if m.entry.rp else None
        if m.entry.type == "ASSAULT" and _means(cl, m.actor):
            m.actor = None  # اعترضت الدفاعات صاروخاً في طريقه لاستهداف …: the missile is no agent
        if m.entry.type in _RECIPROCAL and (m.actor is None or m.actor.weak or m.recipient is None):
            sides = _between(cl, m, s.last)
            if sides is not None:
                m.actor, m.recipient = sides[0], sides[1] or m.recipient
        if m.recipient is None and not m.suffix and m.entry.type not in _NO_TARGET:
            m.recipient = _entity_after(cl, m, s.last)
        if m.actor is None and not m.passive:
            m.actor = _entity_before(cl, m, s.first)
        if m.actor is not None and m.actor.first < m.last and m.first < m.actor.last:
            m.actor = None  # a name the tagger ran over the trigger (ويدعم برلسكوني)
        if m.recipient is not None and m.recipient.first < m.last and m.first < m.recipient.last:
            m.recipient = None
        prev = doc.tokens[m.first - 1] if m.first > s.first else None
        m.status = _status(m, cl, s.first, s.last)
        _refine_mode(m, cl, s.last)
        m.date = _date(m, cl, usable, s.first, s.last, doc)
        # الهجوم، هذا الاستهداف: a definite noun with no date of its own refers back
        first_det = m.det
        m.anaphoric = m.anaphoric_subject or (not m.verb and (
            (first_det and not m.date_near) or (prev is not None and prev.norm in _DEMONSTRATIVES)))
        m.location = _location(doc, layers, m, s.i, s.first, s.last)
        if m.entry.type in ("ASSAULT", "COERCE"):
            fields = ("dead", "injured") if m.entry.type == "ASSAULT" else ("arrested",)
            m.size = extract_size(doc, s.first, s.last, fields)
        else:
            m.size = {}
        ctx = list(m.entry.contexts)
        if cl.sentence_has(s.i, _TERROR_CUES) and "terrorism" not in ctx:
            ctx.append("terrorism")
        m.contexts = ctx
        kept.append(m)
    groups = _merge(doc, kept)
    _attach_casualties(doc, groups)
    _condemned_agents(cl, groups)
    events: list[Event] = []
    for n, g in enumerate(groups, 1):
        h = g.head
        s = doc.sentence_of(h.first)
        trig = _trigger_span(doc, h)
        mode = taxonomy.valid_mode(h.entry.type, h.mode)
        size = {"dead": None, "injured": None, "arrested": None}
        size.update({k: v for k, v in h.size.items() if k in size})
        conf = {1: 0.8, 2: 0.6}.get(h.entry.quality, 0.4) + (0.1 if h.actor else 0.0) + \
            (0.05 if len(g.members) > 1 else 0.0)
        events.append(Event(
            id=f"v{n}", type=h.entry.type, mode=mode, trigger=trig,
            sentence=doc.span(s.start, s.end), status=h.status, contexts=h.contexts,
            actor=_argument(doc, h.actor, cl.prep_len(h.actor.first) if h.actor else 0),
            recipient=_argument(doc, h.recipient, cl.prep_len(h.recipient.first) if h.recipient else 0),
            location=h.location, date=h.date, size=size,
            cameo_root=taxonomy.cameo_root(h.entry.type, mode),
            acled=taxonomy.acled_type(h.entry.type, mode),
            confidence=round(min(conf, 0.95), 2),
            mentions=[_trigger_span(doc, x) for x in g.members[1:]],
        ))
    return events


# verbal acts whose object is often another act: the target is who did that act
_AIMED_AT_ACTS = frozenset({"ACCUSE", "REJECT"})


def _same_party(cl: Clause, a: Arg | None, b: Arg | None) -> bool:
    """The two arguments name the same party (same tokens, entity or head words)."""
    if a is None or b is None:
        return False
    if a.first < b.last and b.first < a.last:
        return True
    if a.entity is not None and b.entity is not None and a.entity.id == b.entity.id:
        return True
    return bool(_arg_words(cl.doc, a) & _arg_words(cl.doc, b))


def _condemned_agents(cl: Clause, groups: list[_Group]) -> None:
    """دانت البحرين إطلاق صواريخ من قبل ميليشيات الحوثي، نددت بالهجمات التي شنتها إيران:
    the target of a condemnation aimed at an act is the act's agent, as the merged act
    knows it (its agent may be told in another sentence)."""
    group_at: dict[int, _Group] = {}
    for g in groups:
        for x in g.members:
            group_at.setdefault(x.first, g)
    toks = cl.toks
    for g in groups:
        h = g.head
        threat = h.entry.type == "THREATEN" and h.recipient is None
        if h.entry.type not in _AIMED_AT_ACTS and not threat:
            continue
        end = toks[h.first].sent
        j, seen = h.last, 0
        while j < len(toks) and toks[j].sent == end and seen < 4:
            if h.actor is not None and h.actor.first <= j < h.actor.last:
                j = h.actor.last
                continue
            t = toks[j]
            if j in group_at and group_at[j] is not g:
                act = group_at[j].head
                if threat and not _same_party(cl, act.recipient, h.actor):
                    # تهديدات ترامب بتوجيه ضربة للنظام السوري: who the threatened act targets
                    h.recipient = act.recipient
                elif (act.entry.type not in _AIMED_AT_ACTS and act.actor is not None
                        and (h.recipient is None or h.recipient.weak or h.recipient.first >= j)
                        and not _same_party(cl, act.actor, h.actor)):
                    h.recipient = act.actor
                break
            if t.kind == "punct" and t.norm not in ("،", ",", '"', "«", "»"):
                break
            if not (cl.is_skippable(j) or t.kind == "punct" or cl.is_adjective(j, True)
                    or cl.is_accusative_modifier(j)):
                seen += 1
            j += 1


def _attach_casualties(doc: Doc, groups: list[_Group]) -> None:
    """A casualty count told in a sentence of its own (ما تسبب في استشهاد أحد المقيمين
    وإصابة 11 من المدنيين) belongs to the attack told just before it."""
    assault_sents = {doc.tokens[x.first].sent for g in groups if g.head.entry.type == "ASSAULT"
                     for x in g.members}
    for s in doc.sentences:
        if s.i in assault_sents:
            continue
        size = None
        for g in reversed(groups):
            if g.head.entry.type != "ASSAULT":
                continue
            last = max(doc.tokens[x.first].sent for x in g.members)
            if 0 < s.i - last <= 2:
                size = size or extract_size(doc, s.first, s.last, ("dead", "injured"))
                for k, v in size.items():
                    if v is not None and g.head.size.get(k) is None:
                        g.head.size[k] = v
            break


# heads of noun phrases that are things and places acted on, never the agent of an act:
# after a verb whose subject was dropped (وأيدت حق إسرائيل، استهدفت تجمعات سكانية) such a
# phrase is the object
_NON_AGENT = frozenset(
    "حق حقوق موقع مواقع منزل منازل مبني مباني منطقه مناطق مدينه مدن قريه قري بلده بلدات حي احياء "
    "مقر مقرات منشاه منشات مستشفي مستشفيات مدرسه مدارس تجمع تجمعات ناقله سفينه سفن مطار ميناء "
    "قاعده قواعد هدف اهداف مركز مراكز مخيم مخيمات طريق سياره سيارات شاحنه شاحنات ارض اراضي "
    "اجزاء جزء قرار قرارات مشروع خطه فكره سياسه مبادره مقترح اقتراح طلب دعوه سراح وقف انسحاب "
    "محطه محطات جسر حدود منصه مخازن مخزن مستودع مستودعات نظير نظيره نظيرته نظيريه نظراءه".split())
# a verb right after these has the speaker (or the subject named before) as its subject
_PRONOUN_COMP = frozenset("انه انها انهم انهما بانه بانها بانهم لانه لانها لانهم وانه وانها وانهم".split())


# what is fired or thrown: the means of an attack, never its target (إطلاق عدة صواريخ)
_WEAPONS = frozenset(
    "صاروخ صواريخ قذيفه قذائف نار النار رصاص الرصاص رصاصه طلقات قنبله قنابل عبوه عبوات "
    "مسيره مسيرات صاروخا هاون".split())


def _means(cl: Clause, a: Arg | None) -> bool:
    """The phrase names a weapon: its head, or the word after a count (عدة صواريخ، 7 صواريخ)."""
    if a is None:
        return False
    if a.last - a.first == 2 and cl.toks[a.first + 1].norm == "منها":
        return True  # واستهدف 3 منها الرياض: three of the missiles (منها: things, not people)
    for k in range(a.first, min(a.last, a.first + 2)):
        t = cl.toks[k]
        stem = t.stem[2:] if t.stem.startswith("ال") else t.stem
        if t.key in _WEAPONS or stem in _WEAPONS or t.norm in _WEAPONS:
            return True
        if not (t.kind == "num" or t.norm in ("عده", "عدد", "بعض")):
            return False
    return False


def _between(cl: Clause, m: Mention, s_last: int) -> tuple[Arg, Arg | None] | None:
    """اللقاء الذي دار بين X وY، المفاوضات مستمرة بين X وY، القتال بين X وY: the two sides."""
    toks = cl.toks
    for j in range(m.last, min(s_last - 1, m.last + 6)):
        t = toks[j]
        if t.kind == "punct" and t.norm not in ("،", ","):
            return None
        if t.norm == "بين":
            a = cl.np_right(j + 1, s_last, skip=False)
            if a is None:
                return None
            b = None
            k = a.last
            while k < min(s_last, a.last + 5):
                t = toks[k]
                if "و" in t.pre and t.kind == "ar":
                    b = cl.np_at(k, s_last)
                    break
                if (t.kind == "punct" and t.norm not in ("،", ",")) or k in cl.trig:
                    break
                k += 1
            return a, b
        if j > m.last and j in cl.trig:
            return None
    return None


_TIME_UNITS = frozenset("ساعه ساعات ساعتين يوم يوما ايام يومين اسبوع اسابيع اسبوعين شهر اشهر شهور شهرين سنه سنوات عام اعوام دقيقه دقائق".split())


def _duration(cl: Clause, a: Arg | None) -> bool:
    """مهلة 72 ساعة: a count of time is no party to the act."""
    if a is None or a.last - a.first < 2:
        return False
    t0, t1 = cl.toks[a.first], cl.toks[a.first + 1]
    return (t0.kind == "num" or read_number(cl.doc, a.first, a.last)[0] is not None) and t1.norm in _TIME_UNITS


def _non_agent(cl: Clause, a: Arg) -> bool:
    t = cl.toks[a.first]
    stem = t.stem[2:] if t.stem.startswith("ال") else t.stem
    return t.key in _NON_AGENT or stem in _NON_AGENT or t.norm in _NON_AGENT


def _previous_subject(doc: Doc, m: Mention, cl: Clause, quotes: list, argued: list[Mention],
                      s_first: int) -> Arg | None:
    """The subject a coordinated or bare verb leaves out, nearest first: the actor of the
    act told just before in the sentence (same quote, same kind: armed or verbal), the
    speaker of the quote the verb stands in; for verbal acts also the actor of any earlier
    act, the last speaker, the subject of a speech verb, the nearest name in the sentence."""
    where = _quote_of(doc, quotes, m.first)
    before = [x for x in reversed(argued) if x.first >= s_first and x.actor is not None
              and not x.actor.weak and x.actor.last <= m.first and _quote_of(doc, quotes, x.first) == where]
    verbal = m.entry.type in VERBAL_TYPES
    for x in before:
        if (x.entry.type in VERBAL_TYPES) == verbal:
            return x.actor
    said = _speaker_actor(doc, cl, quotes, m)
    if said is not None:
        return said
    if not verbal:
        return None  # an armed act is not done by whoever last spoke or acted otherwise
    if before:
        return before[0].actor
    last = _last_speaker(doc, cl, quotes, m)
    if last is not None:
        return last
    toks = cl.toks
    for k in range(m.first - 1, s_first - 1, -1):
        if toks[k].key in _SPEECH or toks[k].norm in _SPEECH:
            # وقال المسؤول لـ"سكاي نيوز"، طالباً …: the speaker named by the speech verb
            said = cl.np_right(k + 1, m.first) or cl.np_left(k, s_first)
            if said is not None:
                return said
            break
    for j in range(m.first - 1, s_first - 1, -1):
        hit = cl.ent_at.get(j)
        if hit is not None and hit[0].type in ("PER", "ORG", "GPE") and not _in_place_phrase(cl, hit[0], hit[1]):
            # وبحسب صالح، … لذا دعا: the person (or country) the sentence is about
            return Arg(hit[1], hit[2], hit[0])
    return None


def _first_person(m: Mention, tok) -> bool:
    """ندعو، نطالب، رفضنا: a first person plural form (not a stem that begins or ends in ن)."""
    past, _, present = _verb_stems(m.entry)
    n = tok.key if tok.key else tok.norm
    if present and n.startswith("ن") and not present[1:].startswith("ن") and not n.startswith("نا"):
        return len(n) >= len(present) - 1
    return bool(past) and n.endswith("نا") and not past.endswith("ن") and n.startswith(past[:2])


@lru_cache(maxsize=None)
def _verb_stems(entry: LexEntry) -> tuple[str, str, str]:
    return normalize(entry.lemma).partition(" ")[0].partition("/")


def _quote_of(doc: Doc, quotes: list, i: int) -> int:
    """Index of the quote holding token i, or -1."""
    start = doc.tokens[i].start
    for n, q in enumerate(quotes):
        if q.span.start <= start < q.span.end:
            return n
    return -1


def _last_speaker(doc: Doc, cl: Clause, quotes: list, m: Mention) -> Arg | None:
    """The speaker of the latest statement that ended before the verb, in its sentence or
    the one before (وقال صالح … لذا دعا إلى …: still Saleh)."""
    start = doc.tokens[m.first].start
    sent = doc.tokens[m.first].sent
    best = None
    for q in quotes:
        if q.speaker is None or q.span.start >= start:
            continue
        a = doc.token_at(q.speaker.start)
        if a is None or sent - doc.tokens[a].sent > 1:
            continue
        if best is None or q.span.start > best.span.start:
            best = q
    if best is None:
        return None
    a = doc.token_at(best.speaker.start)
    b = doc.token_at(max(best.speaker.start, best.speaker.end - 1))
    if a is None or b is None:
        return None
    return Arg(a, b + 1, cl.ent_at.get(a, (None,))[0])


def _dropped_subject(doc: Doc, m: Mention, cl: Clause, quotes: list, argued: list[Mention],
                     s_first: int) -> None:
    """A verb whose subject is left out takes the subject told before it:

    - أعلنت الشرطة أنها اعتقلت خمسة: the pronoun after أن is the speaker; what follows the
      verb is its object;
    - نددت الولايات المتحدة … وأيدت حق إسرائيل، هجوماً … استهدف ناقلة نفط: a coordinated
      or relative verb whose following phrase is a thing acted on (حق، ناقلة، مواقع).
    """
    toks = cl.toks
    tok = toks[m.first]
    if (not m.verb and m.entry.pos == "N" and m.actor is None and m.entry.type in VERBAL_TYPES
            and tok.norm[:1] == "م" and tok.norm.endswith("ا") and not tok.pre):
        # …، مشيداً بالرئيس: the participle's subject is the clause's (the speaker's)
        m.actor = _previous_subject(doc, m, cl, quotes, argued, s_first)
        return
    if not m.verb and m.actor is None and not m.passive and m.first - 2 > s_first:
        k = m.first - 1
        while k > s_first and m.first - k <= 3 and (toks[k].norm in _AMOUNTS or toks[k].norm == "من"):
            k -= 1
        g = toks[k]
        if (g.key in _GOVERNORS or g.norm in _GOVERNORS) and k > s_first:
            if toks[k - 1].norm in _PRONOUN_COMP:
                # أعلنت أنها شنت هجمات: the pronoun subject of the governing verb is the speaker
                m.actor = _speaker_actor(doc, cl, quotes, m)
                return
            if "و" in g.pre or toks[k - 1].norm in ("،", ",", "حيث", "ثم"):
                # … التقى نظيره، ووقعا عدداً من الاتفاقيات: the subject told before
                before = [x for x in reversed(argued) if x.first >= s_first and x.actor is not None
                          and not x.actor.weak and x.actor.last <= k]
                if before:
                    m.actor = before[0].actor
                    if m.entry.type in _RECIPROCAL and m.recipient is None:
                        m.recipient = before[0].recipient  # ووقعا: both sides of the meeting
                return
    if m.verb and _first_person(m, tok):
        # ندعو، طالبنا inside a quote: the speaker (and those they speak for)
        said = _speaker_actor(doc, cl, quotes, m)
        if said is not None:
            if m.actor is not None and m.actor.first > m.first and m.recipient is None:
                m.recipient = m.actor
            m.actor = said
            return
    if not m.verb or m.passive or m.first <= s_first:
        return
    prev = toks[m.first - 1]
    if prev.norm in _PRONOUN_COMP:
        subj = _speaker_actor(doc, cl, quotes, m) or _previous_subject(doc, m, cl, quotes, argued, s_first)
        if subj is not None:
            if m.actor is not None and m.actor.first > m.first and m.recipient is None:
                m.recipient = m.actor
            m.actor = subj
        return
    if m.actor is not None and m.actor.first < m.first:
        return  # subject-verb order: the subject is there
    if m.actor is None and m.recipient is None and m.entry.type in VERBAL_TYPES:
        # لذا دعا إلى …: no subject at all; the one who spoke last
        m.actor = _previous_subject(doc, m, cl, quotes, argued, s_first)
        return
    tok = toks[m.first]
    last_arg_end = 0
    for x in reversed(argued):
        if x.first < s_first:
            break
        last_arg_end = max(x.last, x.actor.last if x.actor else 0, x.recipient.last if x.recipient else 0)
        break
    coordinated = ("و" in tok.pre or "ف" in tok.pre or prev.norm in ("،", ",", "و", "حيث", "ثم", "كما")
                   or (last_arg_end and last_arg_end == m.first))
    if not coordinated:
        return
    if m.actor is not None and not _non_agent(cl, m.actor):
        return
    subj = _previous_subject(doc, m, cl, quotes, argued, s_first)
    if subj is None:
        return
    if m.actor is not None and m.recipient is None:
        m.recipient = m.actor
    m.actor = subj


def _antecedent(cl: Clause, i: int, pron: str, s_first: int, avoid: Arg | None) -> Arg | None:
    """Who an attached pronoun (قتلوه، أنه قُتل، اعتقالهم) stands for: the nearest named
    person before it in its sentence or the one before (a group or a country for هم),
    never the act's own actor."""
    toks = cl.toks
    sent = toks[i].sent
    types = ("PER",) if pron in ("ه", "ها") else ("PER", "ORG", "GPE")
    j = i - 1
    while j >= 0 and sent - toks[j].sent <= 1:
        hit = cl.ent_at.get(j)
        if hit is not None:
            e, a, b = hit
            if e.type in types and not (avoid is not None and avoid.first <= a < avoid.last):
                return Arg(a, b, e, weak=True)
            j = a - 1
            continue
        j -= 1
    return None


def _pronoun_target(m: Mention, cl: Clause, s_first: int) -> None:
    """Attached pronouns that stand for a party of the act:

    - the object pronoun of a verb (اغتصبها، استدعته) is the one acted on;
    - the possessive of a noun whose genitive is its patient (اغتصابها، اعتقاله) likewise,
      and of a noun whose genitive is its agent (زيارته، تهديداته) the one who acts;
    - the pronoun after أن before a passive (أكدت مصادر أنه قُتل) is the one acted on.
    """
    toks = cl.toks
    tok = toks[m.first]
    pron = next((p for p in ("هما", "هم", "ها", "ه") if tok.norm.endswith(p)), None) if m.suffix else None
    if m.verb and pron and not m.passive and m.recipient is None \
            and tok.seg.stem not in _AGENT_VERBS and tok.key not in _AGENT_VERBS:
        m.recipient = _antecedent(cl, m.first, pron, s_first, m.actor)
    elif not m.verb and pron and m.entry.gen == "patient" and m.recipient is None:
        m.recipient = _antecedent(cl, m.first, pron, s_first, m.actor)
    elif not m.verb and pron and m.entry.gen == "agent" and m.actor is None and not m.passive:
        m.actor = _antecedent(cl, m.first, pron, s_first, m.recipient)
    elif m.verb and m.passive and m.recipient is None and m.first > s_first \
            and toks[m.first - 1].norm in _PRONOUN_COMP:
        n = toks[m.first - 1].norm
        pron = "هم" if n.endswith("هم") else ("ها" if n.endswith("ها") else "ه")
        m.recipient = _antecedent(cl, m.first - 1, pron, s_first, m.actor)


_MAX_QUOTE_CHARS = 20_000  # no reported statement runs longer than this


def _speaker_actor(doc: Doc, cl: Clause, quotes: list, m: Mention) -> Arg | None:
    """Inside reported speech, a verbal act with no subject of its own is the speaker's."""
    start = doc.tokens[m.first].start
    # quotes are sorted by start: those that open after this token cannot hold it; scanning
    # back stops at quotes that opened too long before to reach it
    holders = []
    for j in range(bisect_right(quotes, start, key=lambda q: q.span.start) - 1, -1, -1):
        q = quotes[j]
        if q.span.start < start - _MAX_QUOTE_CHARS:
            break
        if q.span.start <= start < q.span.end and q.speaker is not None:
            holders.append(q)
    for q in reversed(holders):  # in text order, as the quotes list has them
        a = doc.token_at(q.speaker.start)
        b = doc.token_at(max(q.speaker.start, q.speaker.end - 1))
        if a is not None and b is not None:
            ent = cl.ent_at.get(a, (None,))[0]
            return Arg(a, b + 1, ent)
    return None
