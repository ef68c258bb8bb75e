"""Temporal expressions: find every date, period and clock time the way Arabic news writes
them, and normalise each to a TIMEX3-style value (ANNOTATION.md: 2024-08-09, 2024-08, 2024,
2023-SU, 2024-W32, 2024-Q1, 198, 2024-08-01/2024-08-07, 2024-08-09T14:00).

    extract_times(doc) -> list[TimeExpr]   sorted by start

The extractor is a small recursive-descent parser over the Doc's tokens (normalised forms,
proclitics stripped), tried at each token; the longest parse wins and the scan resumes after
it. Relative expressions resolve against `doc.published` (anchor "published"); anaphoric ones
(بعده بيومين، في اليوم التالي، الشهر السابق) against the most recent date already found in
the text (anchor "text"); explicit ones need neither ("absolute"). Without a publication date
the latest explicit full date stands in for it (anchor "inferred"); failing that, relative
expressions keep value None rather than a guess.

Bare weekdays and month names point at the last such day/month on or before publication
unless the clause is in the future tense (سيعقد، من المقرر، المقبل ...), as news uses them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from marsad.extract import timelex as L
from marsad.text import Doc
from marsad.text.doc import Token
from marsad.text.normalize import normalize
from marsad.types import TimeExpr

_PREC_RANK = {"time": 0, "day": 1, "week": 2, "month": 3, "season": 4, "quarter": 5, "year": 6,
              "decade": 7}

# every word a pattern may look up with proclitics stripped (K below); used to peel و/ف/ب/ل
# off words the segmenter keeps whole because their stem is not in its vocabulary
_KNOWN = frozenset(
    set(L.MONTH_FIRST) | set(L.WEEKDAYS) | set(L.UNITS) | set(L.PERIOD_NOUNS) | set(L.SEASONS)
    | set(L.SEASONS_BARE) | set(L.DECADES) | set(L.DAY_PARTS) | set(L.EDGE_WORDS)
    | set(L.CARDINALS) | set(L.ORDINALS) | L.YEAR_WORDS
    | {"اليوم", "امس", "الامس", "غدا", "غد", "الغد", "الليله", "البارحه", "يوم", "شهر", "الساعه",
       "ساعه", "منذ", "قبل", "بعد", "بين", "هذا", "هذه", "ذلك", "تلك", "نفس", "الربع", "بعده",
       "بعدها", "قبله", "قبلها", "وقت", "الساعات", "ساعات", "الاسبوع", "عقب", "بعدئذ", "اول",
       "من", "حقبه", "ذات"} | set(L.HOURS))

_APPROX = frozenset("نحو حوالي قرابه زهاء".split())
_MORE_LESS = frozenset({"اكثر", "اقل", "يزيد", "يقرب"})
_RANGE_TO = frozenset({"الي", "حتي", "و", "-", "–", "لغايه", "وحتي"})
_VAGUE_HEAD = frozenset({"وقت", "ساعه", "ساعات", "الساعات", "الساعه"})
_VAGUE_ADJ = frozenset("لاحق سابق متاخر متاخره مبكر مبكره الاولي الاخيره المتاخره المبكره".split())
_YEAR_NEXT_OK = frozenset("عندما حين حيث اذ الي مع ثم حتي بعد قبل و لكن او".split())
_NUMBER_NOUNS = frozenset("القرار قرار رقم المرسوم مرسوم الماده ماده الفقره البند بند".split())
_FRIDAY_NOUNS = frozenset("صلاه خطبه خطيب امام ائمه صلوات".split())
_DAY_AFTER_YAWM = frozenset({"امس", "غد"})
# nouns that العام follows as the adjective "general" (الأمين العام السابق, المدير العام الحالي)
_GENERAL_HEADS = frozenset(
    "الامين امين المدير مدير النائب نائب المفتش المراقب المدعي الراي القطاع المؤتمر الامن "
    "الاضراب العفو المنسق القائد المرشد الحاكم القنصل المفوض المستشار الادعاء".split())
_FREQUENCY = frozenset({"كل", "ايام", "كافه", "اسبوعيا"})
_PAST_CLAUSE = frozenset("الذي التي الذين اللذين اللتين كان كانت كانوا".split())
# nouns that make a following اليوم / الغد part of a name (حزب الغد، صحيفة اليوم)
_NAME_HEADS = frozenset("حزب صحيفه جريده قناه تلفزيون مجله موقع حركه تيار وكاله اذاعه برنامج".split())
_DURATIVE = frozenset(
    "مستمر مستمره المستمر المستمره متواصل متواصله المتواصل المتواصله يستمر تستمر استمر استمرت "
    "لم لا يزال تزال مازال مازالت محاصر محاصره المحاصر المحاصره عالق عالقون مغلق مغلقه مضرب "
    "مضربون معتصم معتصمون سابقه الاول الاولي الاكبر الاعلي الادني الاسوا اكبر اعلي ادني اسوا "
    "اطول الاطول اقوي الاقوي".split())
_AFTER_COUNT_OK = frozenset("حين عندما حيث اذ لكن ثم و في علي الي عن مع تقريبا فقط فيما".split())
_START_VERBS = frozenset(
    "بدا بدات بدأ ابتدا اندلع اندلعت انطلق انطلقت تاسس تاسست اسس اسست انشئ انشئت نشا نشات "
    "وقع وقعت حدث حدثت جري جرت حصل حصلت انتهي انتهت توفي غادر غادرت عاد عادت وصل وصلت".split())
# adjectives and ordinals after اليوم that make it "the day" of something (اليوم العالمي،
# اليوم الأول), not "today"
_NOT_TODAY = frozenset(set(L.ORDINALS) | L.FOLLOWING | L.PRECEDING | L.SAME | {
    "العالمي", "الدولي", "الوطني", "العربي", "المفتوح", "الدراسي", "الاخير", "الموعود",
    "الكبير", "الاسود", "الاخر", "الاخيره", "المشهود", "التاريخي", "الختامي", "الافتتاحي",
    "الذي", "التي"})
_CLOCK_PREV = frozenset("في عند حتي منذ بعد قبل حوالي نحو تمام قرابه".split())


@dataclass(frozen=True, slots=True)
class Val:
    """A resolved time: `d` is the day itself or the first day of the period."""
    prec: str
    d: date
    end: date | None = None  # explicit range (inclusive end), endpoints written per `unit`
    unit: str = ""
    hm: tuple[int, int] | None = None
    code: str = ""  # season code

    def value(self) -> str:
        if self.end is not None:
            u = self.unit or self.prec
            return f"{self._fmt(self.d, u)}/{self._fmt(self.end, u)}"
        return self._fmt(self.d, self.prec)

    def _fmt(self, d: date, prec: str) -> str:
        if prec == "time" and self.hm:
            return f"{d.isoformat()}T{self.hm[0]:02d}:{self.hm[1]:02d}"
        if prec in ("day", "time"):
            return d.isoformat()
        if prec == "week":
            y, w, _ = d.isocalendar()
            return f"{y}-W{w:02d}"
        if prec == "month":
            return f"{d.year:04d}-{d.month:02d}"
        if prec == "season":
            return f"{d.year:04d}-{self.code}"
        if prec == "quarter":
            return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
        if prec == "decade":
            return str(d.year // 10)
        return str(d.year)


@dataclass(slots=True)
class Hit:
    end: int  # one past the last token
    val: Val | None
    prec: str
    anchor: str | None
    cal: str = "gregorian"


def _coarser(a: str, b: str) -> str:
    a = "day" if a == "time" else a
    return a if _PREC_RANK[a] >= _PREC_RANK[b] else b


def _anchored_prec(base: str, unit: str) -> str:
    """Precision of "N units after <date>": the coarser of the two, except that a count of
    days or weeks from a day still names a day (بعد ذلك بأسبوع from 3 March: 10 March)."""
    if unit in ("hour", "day", "week") and base in ("day", "time"):
        return "day"
    return _coarser(base, L.UNIT_PRECISION[unit])


def _day(d: date) -> Val:
    return Val("day", d)


def _month(y: int, m: int) -> Val:
    return Val("month", date(y, m, 1))


def _year(y: int) -> Val | None:
    return Val("year", date(y, 1, 1)) if 1 <= y <= 9999 else None


def _weekday_near(pub: date, wd: int, mode: str) -> date:
    """The weekday `wd` on/before (past), on/after (future), strictly before (last) or
    strictly after (next) the publication day."""
    back = (pub.weekday() - wd) % 7
    fwd = (wd - pub.weekday()) % 7
    if mode == "past":
        return pub - timedelta(days=back)
    if mode == "future":
        return pub + timedelta(days=fwd)
    if mode == "last":
        return pub - timedelta(days=back or 7)
    return pub + timedelta(days=fwd or 7)


def _peeled(w: str, k: str) -> str:
    """Key of an Arabic word whose key `k` is not a time word: the word without the و ف ب ل ك
    the segmenter left attached when that gives one (وشباط), else `k`."""
    if w[:1] not in _PROCLITICS:  # the common case, decided without a cache look-up
        return k
    return _peeled_cached(w, k)


_PROCLITICS = frozenset("وفبلك")


@lru_cache(maxsize=50_000)
def _peeled_cached(w: str, k: str) -> str:
    for p in (1, 2):
        if len(w) - p >= 4 and all(c in _PROCLITICS for c in w[:p]) and w[p:] in _KNOWN:
            return w[p:]
    return k


class _Scanner:
    def __init__(self, doc: Doc, pub: date | None, pub_anchor: str):
        self.doc = doc
        self.toks: list[Token] = doc.tokens
        self.n = len(self.toks)
        self.pub = pub
        self.pub_anchor = pub_anchor
        # time-lexicon key of each token; most words need no peeling, so only those outside
        # the lexicon go through the (cached) peeling of unsplit proclitics
        self.K = [t.key if t.kind != "ar" or t.key in _KNOWN or t.norm[:1] not in _PROCLITICS
                  else _peeled_cached(t.norm, t.key) for t in self.toks]
        self.N = [t.norm for t in self.toks]
        self.lim = 0  # one past the current sentence's last token
        self.last: Val | None = None  # most recent resolved time, for anaphoric anchors
        self.recent: dict[str, Val] = {}  # most recent per precision
        self.last_sent = -1  # sentence of self.last
        self._bound = [getattr(self, name) for name in self._PATTERNS]  # bound once, not per token

    @staticmethod
    def _key(t: Token) -> str:
        k = t.key
        if t.kind != "ar" or k in _KNOWN:
            return k
        return _peeled(t.norm, k)

    # -- small helpers -------------------------------------------------------------------
    def _prev(self, i: int) -> str:
        """Key of the token before i in the same sentence, or ""."""
        return self.K[i - 1] if i > self.doc.sentences[self.toks[i].sent].first else ""

    def k(self, j: int) -> str:
        return self.K[j] if j < self.lim else ""

    def num(self, j: int) -> int | None:
        if j < self.lim and self.toks[j].kind == "num" and self.N[j].isdigit():
            return int(self.N[j])
        return None

    def future(self, i: int) -> bool:
        """Is the clause before token i in the future tense? Looks back to the clause's
        complementiser (إن/أن) or the sentence start, at most 20 tokens."""
        s = self.doc.sentences[self.toks[i].sent].first if i < self.n else 0
        before = self.K[max(s, i - 2):i]
        if before[-1:] == ["منذ"] or (len(before) == 2 and before[0] == "منذ" and before[1] in L.EDGE_WORDS):
            return False  # منذ (بداية) شباط: "since" looks back
        for j in range(i - 1, max(s, i - 20) - 1, -1):
            k, w = self.K[j], self.N[j]
            if k in L.COMPLEMENTIZERS or w in L.COMPLEMENTIZERS:
                # the clause is future when its governor is: من المقرر أن، يتوقع أن
                return any(self.K[x] in L.FUTURE_CUES or L.is_future_verb(self.N[x])
                           for x in range(max(s, j - 2), j))
            if k in L.FUTURE_CUES or w in L.FUTURE_CUES or L.is_future_verb(w):
                return True
            if k in _PAST_CLAUSE:
                return False  # ... سترفع الحظر الذي كانت فرضته في 9 يوليو: a past clause
        return False

    def pub_hit(self, end: int, prec: str, make) -> Hit:
        """A publication-relative hit: `make(pub)` gives the Val (or None)."""
        if self.pub is None:
            return Hit(end, None, prec, None)
        v = make(self.pub)
        return Hit(end, v, v.prec if v else prec, self.pub_anchor if v else None)

    # -- counts and units: ثلاثة أيام، يومين، 3 أسابيع، عام ------------------------------------
    def count_unit(self, j: int) -> tuple[int | None, str, int] | None:
        k = self.k(j)
        if k in L.UNITS:
            unit, c = L.UNITS[k]
            return c, unit, j + 1
        n = self.num(j)
        if n is None and k in L.CARDINALS:
            n = L.CARDINALS[k]
            if self.k(j + 1) in ("عشر", "عشره") and n < 10:
                n, j = n + 10, j + 1
        if n is not None and self.k(j + 1) in L.UNITS:
            return n, L.UNITS[self.k(j + 1)][0], j + 2
        return None

    # -- month names ----------------------------------------------------------------------
    def month_name(self, j: int) -> tuple[L.MonthName, int] | None:
        opts = L.MONTH_FIRST.get(self.k(j))
        if not opts:
            return None
        best = None
        for second, mn in opts:
            if second is None:
                if best is None:
                    best = (mn, j + 1)
            elif j + 1 < self.lim and self.N[j + 1] == second:
                return mn, j + 2
        return best

    def monthx(self, j: int) -> tuple[L.MonthName, int, bool, bool] | None:
        """[شهر] month [/ ( - month )]: (name, end, paired, had شهر)."""
        shahr = self.k(j) in ("شهر", "الشهر") and self.k(j + 1) in L.MONTH_FIRST
        if shahr:
            j += 1
        m = self.month_name(j)
        if m is None:
            return None
        mn, e = m
        paired = False
        sep = self.N[e] if e < self.lim else ""
        k2 = e + 1 if sep in ("/", "(", "-", "،", "او", "\\", "|") else e
        m2 = self.month_name(k2) if k2 < self.lim else None
        if m2 and m2[0].month == mn.month and m2[0].calendar == mn.calendar and self.K[k2] != self.K[j]:
            paired, e = True, m2[1]
            if sep == "(" and e < self.lim and self.N[e] == ")":
                e += 1
        return mn, e, paired, shahr

    def yearpart(self, j: int) -> tuple[str, int, int] | None:
        """What may follow a month: 2024 / عام 2024 / من العام الماضي / الماضي / الجاري.
        Returns (kind, number, end): kind year | hyear | rel (year offset) | same | past |
        next | cur."""
        k = self.k(j)
        jj = j + 1 if k == "من" else j
        if self.N[jj:jj + 1] in (["،"], [","]) and self.num(jj + 1) is not None and len(self.N[jj + 1]) == 4:
            jj += 1  # نوفمبر، 2014
        if self.k(jj) in L.YEAR_WORDS and self.num(jj + 1) is not None:
            jj += 1
        y = self.num(jj)
        if y is not None and len(self.N[jj]) == 4:
            e = jj + 1
            if self.k(e) in L.HIJRI_AFTER:
                return "hyear", y, e + 1
            if self.k(e) in L.YEAR_AFTER:
                e += 1
            return "year", y, e
        if k in L.PAST:
            return "past", 0, j + 1
        if k in L.NEXT:
            return "next", 0, j + 1
        if k in L.CURRENT:
            return "cur", 0, j + 1
        # (من) هذا العام / العام الجاري / السنة الماضية / العام نفسه / نفس العام
        a, b = self.k(jj), self.k(jj + 1)
        if a in ("هذا", "هذه") and b in ("العام", "السنه"):
            return "rel", 0, jj + 2
        if a in ("العام", "السنه"):
            if b in L.CURRENT:
                return "rel", 0, jj + 2
            if b in L.PAST:
                return "rel", -1, jj + 2
            if b in L.NEXT:
                return "rel", 1, jj + 2
            if b in L.SAME:
                return "same", 0, jj + 2
        if a == "نفس" and b in ("العام", "السنه"):
            return "same", 0, jj + 2
        return None

    def resolve_month(self, i: int, month: int, cal: str, day: int | None,
                      yp: tuple[str, int, int] | None) -> tuple[Val | None, str | None]:
        """(value, anchor) of month (and day) given what followed it; day precision when a
        day is given, else month (a Hijri month: its Gregorian range)."""
        kind = yp[0] if yp else "none"
        anchor: str | None = "absolute"
        if cal == "hijri":
            if kind in ("hyear", "year"):
                hy = yp[1]
            else:
                if self.pub is None:
                    return None, None
                hy = L.hijri_year_of(self.pub)
                if hy is None:
                    return None, None
                anchor = self.pub_anchor
                d0 = L.hijri_to_gregorian(hy, month, day or 1)
                if d0 is None:
                    return None, None
                fut = kind in ("next",) or (kind == "none" and self.future(i))
                if kind == "past":
                    if d0 > self.pub:
                        hy -= 1
                elif fut and d0 < self.pub:
                    hy += 1
                elif not fut and kind != "cur" and d0 > self.pub + timedelta(days=30):
                    hy -= 1
            if day:
                g = L.hijri_to_gregorian(hy, month, day)
                return (_day(g), anchor) if g else (None, None)
            r = L.hijri_month_range(hy, month)
            return (Val("month", r[0], end=r[1], unit="day"), anchor) if r else (None, None)

        if kind == "year":
            y = yp[1]
        elif kind == "hyear":
            return None, None
        elif kind == "same":
            if self.last is None:
                return None, None
            y, anchor = self.last.d.year, "text"
        else:
            if self.pub is None:
                return None, None
            p = self.pub
            anchor = self.pub_anchor
            if kind == "rel":
                y = p.year + yp[1]
            elif kind == "cur":
                y = p.year
            else:
                if day is None:
                    after_or_same = month >= p.month
                    after = month > p.month
                else:
                    after_or_same = (month, day) >= (p.month, p.day)
                    after = (month, day) > (p.month, p.day)
                if kind == "past":
                    y = p.year - 1 if after_or_same else p.year
                elif kind == "next":
                    y = p.year if after else p.year + 1
                elif self.future(i):
                    y = p.year if after_or_same else p.year + 1
                elif after:
                    # a date shortly after publication without a year is an upcoming one
                    near = day is not None and (month, day) <= ((p + timedelta(days=45)).month,
                                                                (p + timedelta(days=45)).day) \
                        and (p + timedelta(days=45)).year == p.year
                    y = p.year if near else p.year - 1
                else:
                    y = p.year
        if day:
            try:
                return _day(date(y, month, day)), anchor
            except ValueError:
                return None, None
        if not 1 <= y <= 9999:
            return None, None
        return _month(y, month), anchor

    def month_ok(self, i: int, mn: L.MonthName, paired: bool, shahr: bool, day: bool,
                 yp: tuple | None) -> bool:
        """Names that are also common words count as months only in date context."""
        if not mn.ambiguous or paired or shahr or day or yp:
            return True
        prev = self.K[i - 1] if i > 0 and self.toks[i - 1].sent == self.toks[i].sent else ""
        return prev in ("في", "منذ", "حتي", "خلال", "شهر") or prev in L.EDGE_WORDS

    # -- patterns -------------------------------------------------------------------------
    def p_date(self, i: int) -> Hit | None:
        """5 أغسطس/آب الجاري، 24 و25 أبريل، الأول من مارس 2024، 5/8/2024، 12 رمضان 1445 هـ."""
        toks, N = self.toks, self.N
        n1 = self.num(i)
        # numeric d/m/y (or y-m-d)
        if i < self.lim and toks[i].kind == "num" and "." in N[i]:
            parts = N[i].split(".")
            if len(parts) == 3 and all(p.isdigit() for p in parts):
                return self._dmy(parts, i + 1)
        if n1 is not None and i + 4 < self.lim and self.N[i + 1:i + 4:2] in (["/", "/"], ["-", "-"]) \
                and self.num(i + 2) is not None and self.num(i + 4) is not None:
            return self._dmy([N[i], N[i + 2], N[i + 4]], i + 5)
        # day number or ordinal day
        j = i
        day: int | None = None
        if n1 is not None and len(N[i]) <= 2 and 1 <= n1 <= 31:
            day, j = n1, i + 1
        elif self.k(i) in L.ORDINALS:
            day, j = L.ORDINALS[self.k(i)], i + 1
            tens = L.ORDINAL_TENS.get(self.N[j] if j < self.lim else "") or L.ORDINAL_TENS.get(self.k(j))
            if tens and day < 10:
                day, j = day + tens, j + 1  # الخامس عشر، التاسع والعشرين
            if self.k(j) != "من" and not (self.k(j) in ("شهر", "الشهر")):
                return None
        if day is None:
            return None
        day2 = None
        if self.k(j) in _RANGE_TO or N[j:j + 1] == ["و"]:
            n2 = self.num(j + 1)
            if n2 is not None and len(N[j + 1]) <= 2 and day < n2 <= 31:
                day2, j = n2, j + 2
        if self.k(j) in L.CURRENT and day2 is None and self.toks[i].kind == "num":
            # في 15 الجاري: the 15th of the current month
            def this_month(p: date) -> Val | None:
                try:
                    return _day(p.replace(day=day))
                except ValueError:
                    return None
            return self.pub_hit(j + 1, "day", this_month)
        if self.k(j) == "من":
            j += 1
        if self.k(j) == "الشهر" and self.k(j + 1) in L.SAME and (self.recent.get("month") or self.last):
            # يوم 10 من الشهر ذاته: that day of the month last named
            base = self.recent.get("month") or self.last
            try:
                return Hit(j + 2, _day(base.d.replace(day=day)), "day", "text")
            except ValueError:
                return None
        if self.k(j) in ("الشهر",) and self.k(j + 1) in L.CURRENT | L.PAST | L.NEXT:
            # يوم 5 من الشهر الجاري
            mod = self.k(j + 1)
            end = j + 2

            def make(p: date) -> Val | None:
                base = p if mod in L.CURRENT else L.add_months(p, -1 if mod in L.PAST else 1)
                try:
                    return _day(date(base.year, base.month, day))
                except ValueError:
                    return None
            return self.pub_hit(end, "day", make)
        mx = self.monthx(j)
        if mx is None:
            return None
        mn, e, _, _ = mx
        yp = self.yearpart(e)
        if yp:
            e = yp[2]
        v, anchor = self.resolve_month(i, mn.month, mn.calendar, day, yp)
        if day2 is not None and v is not None:
            v2, _ = self.resolve_month(i, mn.month, mn.calendar, day2, yp)
            v = Val("day", v.d, end=v2.d, unit="day") if v2 else None
        return Hit(e, v, "day", anchor if v else None, mn.calendar)

    def _dmy(self, parts: list[str], end: int) -> Hit | None:
        a, b, c = (int(x) for x in parts)
        if len(parts[0]) == 4:
            y, m, d = a, b, c
        elif len(parts[2]) == 4:
            d, m, y = a, b, c
        else:
            return None
        try:
            return Hit(end, _day(date(y, m, d)), "day", "absolute")
        except ValueError:
            return None

    def p_month(self, i: int) -> Hit | None:
        """(شهر) أغسطس/آب (2024 | الماضي | من هذا العام) -> month."""
        mx = self.monthx(i)
        if mx is None:
            return None
        mn, e, paired, shahr = mx
        yp = self.yearpart(e)
        if not self.month_ok(i, mn, paired, shahr, False, yp):
            return None
        if mn.calendar == "hijri" and not (yp or shahr):
            return None  # رمضان، رجب alone are names as often as months
        if yp:
            e = yp[2]
        v, anchor = self.resolve_month(i, mn.month, mn.calendar, None, yp)
        return Hit(e, v, "month", anchor if v else None, mn.calendar)

    def p_week_of_month(self, i: int) -> Hit | None:
        """الأسبوع الأول من شهر أغسطس/آب الجاري -> 2024-08-01/2024-08-07 (week)."""
        if self.k(i) != "الاسبوع":
            return None
        o = self.k(i + 1)
        if o not in L.LAST_WORDS and L.ORDINALS.get(o, 0) not in (1, 2, 3, 4):
            return None
        if self.k(i + 2) != "من":
            return None
        m = self.p_month(i + 3)
        if m is None:
            return None
        if m.val is None or m.val.end is not None:
            return Hit(m.end, None, "week", None, m.cal)
        d0 = m.val.d
        last = L.month_end(d0.year, d0.month)
        if o in L.LAST_WORDS:
            a, b = last - timedelta(days=6), last
        else:
            a = d0 + timedelta(days=7 * (L.ORDINALS[o] - 1))
            b = min(a + timedelta(days=6), last)
        return Hit(m.end, Val("week", a, end=b, unit="day"), "week", m.anchor, m.cal)

    def p_year(self, i: int) -> Hit | None:
        """عام 2014، العام 1995، لعام 2024، 1445 هـ، and a bare 2015 where context says year."""
        toks, N = self.toks, self.N
        k = self.k(i)
        j = i + 1 if k in L.YEAR_WORDS else i
        y = self.num(j)
        if y is None or len(N[j]) != 4:
            return None
        e = j + 1
        hijri = self.k(e) in L.HIJRI_AFTER
        if j == i and not hijri and not self._bare_year_ok(i, y):
            return None
        if hijri:
            e += 1
            if not 1300 <= y <= 1600:
                return None
            a = L.hijri_to_gregorian(y, 1, 1)
            b = L.hijri_to_gregorian(y + 1, 1, 1)
            if a is None or b is None:
                return Hit(e, None, "year", None, "hijri")
            return Hit(e, Val("year", a, end=b - timedelta(days=1), unit="day"), "year", "absolute", "hijri")
        if self.k(e) in L.YEAR_AFTER:
            e += 1
        if not 1000 <= y <= 2200:
            return None
        # بين عامي 2014 و2016 is handled by p_range; عامي 2014 و2015 gives two years
        return Hit(e, _year(y), "year", "absolute")

    def _bare_year_ok(self, i: int, y: int) -> bool:
        hi = (self.pub.year + 30) if self.pub else 2100
        if not 1900 <= y <= hi:
            return False
        s = self.doc.sentences[self.toks[i].sent].first
        prev = self.K[i - 1] if i > s else ""
        if prev in _NUMBER_NOUNS or prev in L.QUANTITY_CUES:
            return False
        if prev in L.YEAR_CUES:
            return True
        if prev == "و" and i - 2 >= s and self.toks[i - 2].kind == "num" and len(self.N[i - 2]) == 4:
            return True  # عامي 2014 و2015
        nxt = self.toks[i + 1] if i + 1 < self.lim else None
        if y % 100 == 0:
            return False  # round numbers are as often counts
        return nxt is None or nxt.kind == "punct" and nxt.norm not in ("%", "/", "-", ".") \
            or self.K[i + 1] in _YEAR_NEXT_OK

    def p_range(self, i: int) -> Hit | None:
        """بين 14 حزيران/يونيو و15 تموز/يوليو، من 1 إلى 7 أغسطس، بين عامي 2014 و2016."""
        k = self.k(i)
        if k not in ("بين", "من"):
            return None
        j = i + 1
        if self.k(j) in ("عامي", "سنتي", "العامين"):
            j += 1
        a = self.p_point(j)
        if a is None or a.val is None:
            return None
        if a.val.end is not None:
            return a if k == "بين" else Hit(a.end, a.val, a.prec, a.anchor, a.cal)  # من 1 إلى 7 أغسطس
        sep = self.N[a.end] if a.end < self.lim else ""
        glued = a.end < self.lim and self.toks[a.end].seg.pre.startswith("و")  # ويونيو 2021
        if k == "بين" and sep not in ("و", "-", "–") and not glued:
            return None
        if k == "من" and self.k(a.end) not in ("الي", "حتي", "لغايه") and sep not in ("-", "–"):
            return None
        b_start = a.end if glued and k == "بين" else a.end + 1
        b = self.p_point(b_start)
        if b is None or b.val is None:
            return None
        av, bv = a.val, b.val
        if bv.d <= av.d and b.anchor != "absolute" and bv.end is None:
            # the second end's year was guessed alone: it follows the first end
            for y in (av.d.year, av.d.year + 1):
                try:
                    cand = bv.d.replace(year=y)
                except ValueError:
                    continue
                if cand > av.d:
                    bv = Val(bv.prec, cand, hm=bv.hm)
                    break
        unit = av.prec if av.prec == bv.prec else None
        if unit not in ("day", "month", "year") or av.end or bv.end or bv.d <= av.d:
            return None
        return Hit(b.end, Val(unit, av.d, end=bv.d, unit=unit), unit,
                   a.anchor if a.anchor == "absolute" else b.anchor, a.cal)

    def p_point(self, j: int) -> Hit | None:
        """One endpoint of a range: a full date, a month, or a year (with its day from the
        other end when written 'من 1 إلى 7 أغسطس')."""
        if j >= self.lim:
            return None
        best = None
        for p in (self.p_date, self.p_month, self.p_year):
            h = p(j)
            if h and (best is None or h.end > best.end):
                best = h
        y = self.num(j)
        if best is None and y is not None and len(self.N[j]) == 4 and 1900 <= y <= 2100:
            return Hit(j + 1, _year(y), "year", "absolute")  # من 2011 إلى 2014
        if best is None:
            # a bare day borrowing the month of the second endpoint: من 1 إلى 7 أغسطس
            n = self.num(j)
            if n is not None and 1 <= n <= 31 and len(self.N[j]) <= 2:
                sep = j + 1
                if self.k(sep) in ("الي", "حتي", "و") or self.N[sep:sep + 1] == ["-"]:
                    b = self.p_date(sep + 1)
                    if b and b.val and b.val.end is None:
                        try:
                            return Hit(j + 1, _day(b.val.d.replace(day=n)), "day", b.anchor)
                        except ValueError:
                            return None
        return best

    def p_weekday(self, i: int) -> Hit | None:
        """(يوم) الأحد (الماضي | المقبل) (، 11 أغسطس 2024)."""
        j = i
        if self.k(j) in ("يوم", "اليوم") and (self.k(j + 1) in L.WEEKDAYS or self.k(j + 1) in L.WEEKDAY_BARE):
            j += 1
        k = self.k(j)
        bare_ok = j > i and j < self.lim and not self.toks[j].seg.pre
        wd = L.WEEKDAYS.get(k, L.WEEKDAY_BARE.get(k) if bare_ok else None)
        if wd is None:
            return None
        s = self.doc.sentences[self.toks[i].sent].first
        prev = self.K[i - 1] if i > s else ""
        if wd == 0 and (prev in ("بين", "كلا") or self.k(j + 1) == "معا"):
            return None  # الاثنين "the two"
        if wd == 4 and prev in _FRIDAY_NOUNS:
            return None  # صلاة الجمعة: the institution, not a date
        e = j + 1
        # a date in apposition decides: الأحد 11 أغسطس، الأحد (11 أغسطس)، الأحد الموافق ...
        jj = e + 1 if self.N[e:e + 1] in (["،"], ["("], [","]) else e
        if self.k(jj) == "الموافق":
            jj += 1
        d = self.p_date(jj) if jj < self.lim else None
        if d is not None and d.val is not None:
            end = d.end + 1 if self.N[d.end:d.end + 1] == [")"] else d.end
            return Hit(end, d.val, "day", d.anchor, d.cal)
        mod = self.k(e)
        if mod in L.PAST:
            mode, e = "last", e + 1
        elif mod in L.NEXT:
            mode, e = "next", e + 1
        else:
            mode = "future" if self.future(i) else "past"
        return self.pub_hit(e, "day", lambda p: _day(_weekday_near(p, wd, mode)))

    _REL = {  # multi-word first: tokens -> day offset from publication
        ("اول", "من", "امس"): -2, ("اول", "امس"): -2, ("امس", "الاول"): -2,
        ("يوم", "امس"): -1, ("يوم", "غد"): 1, ("بعد", "غد"): 2, ("الليله", "الماضيه"): -1,
        ("الليله", "البارحه"): -1, ("امس",): -1, ("الامس",): -1, ("البارحه",): -1,
        ("اليوم",): 0, ("الليله",): 0, ("غدا",): 1, ("الغد",): 1,
    }
    _REL_MAX = 3
    _REL_FIRST = frozenset(k[0] for k in _REL)

    def p_relday(self, i: int) -> Hit | None:
        """اليوم، أمس، أول أمس، غداً، الليلة (and اليوم الأحد, أمس السبت)."""
        if self.k(i) not in self._REL_FIRST:
            return None  # the common case: no phrase of _REL starts here
        found = None
        for size in range(self._REL_MAX, 0, -1):
            key = tuple(self.k(i + x) for x in range(size))
            if key in self._REL:
                found = (self._REL[key], i + size)
                break
        if found is None:
            return None
        off, e = found
        nxt = self.k(e)
        seg = self.toks[i].seg
        if "ل" in seg.pre or "ك" in seg.pre or ("ب" in seg.pre and not seg.det):
            return None  # لامس (touched), لليوم: not "yesterday" / "today"
        s = self.doc.sentences[self.toks[i].sent].first
        if self._prev(i) in _NAME_HEADS or "مثل" in self.K[max(s, i - 2):i]:
            return None  # حزب الغد، صحيفة اليوم; في مثل هذا اليوم (an anniversary)
        if self.k(i) == "اليوم":
            s = self.doc.sentences[self.toks[i].sent].first
            prev = self.K[i - 1] if i > s else ""
            if prev in ("حتي", "الي") or self.N[i][:1] == "ل" and self.toks[i].seg.pre:
                return None  # حتى اليوم / لليوم: "to date", a vague word
            if nxt in _NOT_TODAY or (e < self.lim and self.toks[e].kind == "num"):
                return None  # اليوم العالمي، اليوم الأول، اليوم التالي (p_period)
        wd = None
        if nxt in L.WEEKDAYS:
            wd, e = L.WEEKDAYS[nxt], e + 1  # اليوم الأحد: the weekday restates the day
        elif self.N[e:e + 1] == ["("] and self.k(e + 1) in L.WEEKDAYS and self.N[e + 2:e + 3] == [")"]:
            wd, e = L.WEEKDAYS[self.k(e + 1)], e + 3  # اليوم (الخميس)

        def make(p: date) -> Val:
            d = p + timedelta(days=off)
            if wd is not None and d.weekday() != wd:
                # the text's weekday is firmer than a publication stamp that may lag a day
                # (time zones, late editions): take that weekday nearest to the stated day
                d = min((d + timedelta(days=x) for x in range(-3, 4)),
                        key=lambda c: (c.weekday() != wd, abs((c - d).days), c > d))
            return _day(d)
        return self.pub_hit(e, "day", make)

    def p_dayref(self, j: int) -> Hit | None:
        """What a part of the day attaches to: a weekday, اليوم/أمس/الغد, a date."""
        best = None
        for p in (self.p_weekday, self.p_relday, self.p_date, self.p_period):
            h = p(j)
            if h and (best is None or h.end > best.end):
                best = h
        if best is None and self.k(j) == "يوم" and self.k(j + 1) in _DAY_AFTER_YAWM:
            best = self.p_relday(j)
        if best and best.prec in ("day",):
            return best
        return None

    def p_daypart(self, i: int) -> Hit | None:
        """مساء الثلاثاء، فجر الاثنين، ظهر اليوم، بعد ظهر اليوم، ليل الأربعاء الخميس."""
        k = self.k(i)
        if k in L.DAY_PARTS:
            j = i + 1
        elif k in ("بعد", "منتصف") and self.k(i + 1) in ("ظهر", "الظهر", "ليل", "ليله"):
            j = i + 2
        else:
            return None
        if self.k(j) == "من":
            j += 1
        # night spanning two days: ليل الأربعاء الخميس / ليل الثلاثاء إلى الأربعاء
        if k in ("ليل", "ليله") and self.k(j) in L.WEEKDAYS:
            a = L.WEEKDAYS[self.k(j)]
            jj = j + 1
            if self.k(jj) in ("الي", "علي", "و") or self.N[jj:jj + 1] in (["-"], ["/"]):
                jj += 1
            if self.k(jj) in L.WEEKDAYS and L.WEEKDAYS[self.k(jj)] == (a + 1) % 7:
                b = self.p_weekday(jj)
                if b is not None:
                    if b.val is None:
                        return Hit(b.end, None, "day", None)
                    return Hit(b.end, Val("day", b.val.d - timedelta(days=1), end=b.val.d, unit="day"),
                               "day", b.anchor)
        ref = self.p_dayref(j)
        if ref is None:
            return None
        return Hit(ref.end, ref.val, "day", ref.anchor, ref.cal)

    def hour_at(self, j: int) -> tuple[int, int, int] | None:
        """An hour (and minutes): 14، 14:30، العاشرة، الحادية عشرة، والنصف، والدقيقة 32."""
        n = self.num(j)
        if n is not None:
            h, m, e = n, 0, j + 1
            if self.N[e:e + 1] == [":"] and self.num(e + 1) is not None:
                m, e = self.num(e + 1), e + 2
        elif self.k(j) in L.HOURS:
            h, m, e = L.HOURS[self.k(j)], 0, j + 1
            if self.k(e) in ("عشره", "عشر"):
                h, e = h + 10, e + 1
        else:
            return None
        k = self.k(e)
        w = self.N[e] if e < self.lim else ""
        if w in ("والنصف", "ونصف"):
            m, e = 30, e + 1
        elif w in ("والربع", "وربع"):
            m, e = 15, e + 1
        elif w in ("والثلث", "وثلث"):
            m, e = 20, e + 1
        elif k == "الا" and self.k(e + 1) in ("ربعا", "ربع"):
            h, m, e = h - 1, 45, e + 2
        elif k in ("الدقيقه", "دقيقه") and self.num(e + 1) is not None:
            m, e = self.num(e + 1), e + 2
        elif w == "و" and self.num(e + 1) is not None and self.k(e + 2) in ("دقيقه", "دقائق"):
            m, e = self.num(e + 1), e + 3
        if not (0 <= h <= 24 and 0 <= m < 60):
            return None
        return h, m, e

    def p_clock(self, i: int) -> Hit | None:
        """الساعة العاشرة صباحاً، الساعة 14:30، في السابعة من مساء الأحد -> ...T19:00."""
        has_sa = self.k(i) in ("الساعه", "ساعه")
        hm = self.hour_at(i + 1 if has_sa else i)
        if hm is None:
            return None
        h, m, e = hm
        part = None
        ref: Hit | None = None
        k = self.k(e)
        if k in L.DAY_PART_ADVERBS:
            part, e = L.DAY_PART_ADVERBS[k], e + 1
            if self.k(e) == "من":  # العاشرة صباحا من يوم الأحد
                r = self.p_dayref(e + 1)
                if r:
                    ref, e = r, r.end
            else:
                r = self.p_dayref(e)
                if r:
                    ref, e = r, r.end
        else:
            jj = e + 1 if k == "من" else e
            if self.k(jj) in L.DAY_PARTS or (self.k(jj) == "بعد" and self.k(jj + 1) in ("ظهر", "الظهر")):
                part = L.DAY_PARTS.get(self.k(jj), "pm")
                r = self.p_daypart(jj)
                if r:
                    ref, e = r, r.end
                else:
                    e = jj + (2 if self.k(jj) == "بعد" else 1)
            else:
                r = self.p_dayref(jj)
                if r:
                    ref, e = r, r.end
        if not has_sa and (part is None or self._prev(i) not in _CLOCK_PREV):
            return None  # a bare ordinal is a clock time only as في العاشرة صباحاً ...
        if not has_sa and self.num(i) is not None and ref is None:
            return None
        if part == "am" and h == 12:
            h = 0
        elif part == "noon" and 1 <= h <= 5:
            h += 12
        elif part == "pm" and h < 12:
            h += 12
        elif part == "night" and 6 <= h <= 11:
            h += 12
        elif part == "night" and h == 12:
            h = 0
        if h == 24:
            h = 0
        if ref is not None:
            if ref.val is None or ref.val.end is not None:
                return Hit(e, None, "time", None)
            return Hit(e, Val("time", ref.val.d, hm=(h, m)), "time", ref.anchor, ref.cal)
        return self.pub_hit(e, "time", lambda p: Val("time", p, hm=(h, m)))

    def p_period(self, i: int) -> Hit | None:
        """الأسبوع الماضي، الشهر الجاري، هذا العام، العام المقبل، اليوم التالي، الشهر السابق،
        العام نفسه، ذلك اليوم."""
        k, k1 = self.k(i), self.k(i + 1)
        unit = None
        rel = None  # ("pub", offset) or ("text", offset)
        e = i + 2
        if k == "العام" and self._prev(i) in _GENERAL_HEADS:
            return None  # الأمين العام السابق: "general", not "year"
        if k in L.PERIOD_NOUNS or k == "اليوم":
            unit = L.PERIOD_NOUNS.get(k, "day")
            if k1 in L.PAST and unit != "day":
                rel = ("pub", -1)
            elif k1 in L.NEXT and unit != "day":
                rel = ("pub", 1)
            elif k1 in L.CURRENT and unit != "day":
                rel = ("pub", 0)
            elif k1 in L.FOLLOWING:
                rel = ("text", 1)
            elif k1 in L.PRECEDING:
                rel = ("text", -1)
            elif k1 in L.SAME:
                rel = ("text", 0)
        elif k in ("هذا", "هذه") and k1 in L.PERIOD_NOUNS:
            unit, rel = L.PERIOD_NOUNS[k1], ("pub", 0)
        elif k in ("ذلك", "تلك", "نفس", "ذات") and (k1 in L.PERIOD_NOUNS or k1 == "اليوم"):
            unit, rel = L.PERIOD_NOUNS.get(k1, "day"), ("text", 0)
        if unit is None or rel is None:
            return None
        prec = L.UNIT_PRECISION[unit]
        if rel[0] == "pub":
            off = rel[1]
            return self.pub_hit(e, prec, lambda p: self._at(L.shift(p, unit, off), prec))
        base = self.recent.get(prec) or self.last
        if base is None:
            if rel[1] == 0:
                return None  # في اليوم ذاته with no date before it: nothing to point at
            if self.pub is None:
                return Hit(e, None, prec, None)
            off = rel[1]  # السابق / التالي with nothing before: relative to publication
            return self.pub_hit(e, prec, lambda p: self._at(L.shift(p, unit, off), prec))
        p2 = _coarser(base.prec, prec) if _PREC_RANK.get(base.prec, 1) > _PREC_RANK[prec] else prec
        return Hit(e, self._at(L.shift(base.d, unit, rel[1]), p2), p2, "text")

    @staticmethod
    def _at(d: date, prec: str) -> Val:
        if prec == "month":
            return Val("month", d.replace(day=1))
        if prec == "year":
            return Val("year", date(d.year, 1, 1))
        if prec == "season":
            y, c = L.season_of(d)
            return Val("season", L.season_start(y, c), code=c)
        if prec == "decade":
            return Val("decade", date(d.year - d.year % 10, 1, 1))
        return Val(prec, d)

    def p_season(self, i: int) -> Hit | None:
        """الصيف الماضي، هذا الشتاء، صيف 2016، ربيع العام الماضي."""
        k, k1 = self.k(i), self.k(i + 1)
        code, mode, e, year = None, None, i + 2, None
        if k in L.SEASONS and (k1 in L.PAST | L.NEXT | L.CURRENT):
            code = L.SEASONS[k]
            mode = "past" if k1 in L.PAST else "next" if k1 in L.NEXT else "cur"
        elif k in ("هذا", "هذه") and k1 in L.SEASONS:
            code, mode = L.SEASONS[k1], "cur"
        elif k in L.SEASONS_BARE or k in L.SEASONS:
            code = L.SEASONS_BARE.get(k) or L.SEASONS[k]
            yp = self.yearpart(i + 1)
            if yp is None or yp[0] not in ("year", "rel", "same"):
                return None
            e = yp[2]
            if yp[0] == "year":
                year = yp[1]
            elif yp[0] == "same":
                if self.last is None:
                    return Hit(e, None, "season", None)
                return Hit(e, Val("season", L.season_start(self.last.d.year, code), code=code),
                           "season", "text")
            else:
                mode = ("rel", yp[1])
        if code is None:
            return None
        if year is not None:
            return Hit(e, Val("season", L.season_start(year, code), code=code), "season", "absolute")

        def make(p: date) -> Val:
            if isinstance(mode, tuple):
                y = p.year + mode[1]
            elif mode == "cur":
                y = p.year - 1 if code == "WI" and p.month <= 2 else p.year
            elif mode == "past":
                y = next(y for y in (p.year, p.year - 1, p.year - 2) if L.season_end(y, code) < p)
            else:
                y = next(y for y in (p.year - 1, p.year, p.year + 1) if L.season_start(y, code) > p)
            return Val("season", L.season_start(y, code), code=code)
        return self.pub_hit(e, "season", make)

    def p_quarter(self, i: int) -> Hit | None:
        """الربع الأول من العام (الجاري | 2023) -> 2024-Q1."""
        if self.k(i) != "الربع":
            return None
        o = self.k(i + 1)
        q = 4 if o in L.LAST_WORDS else L.ORDINALS.get(o)
        if q not in (1, 2, 3, 4):
            return None
        j = i + 2
        if self.k(j) == "من":
            j += 1
        yp = self.yearpart(j)
        if yp is None and self.k(j) in ("العام", "السنه") and self.k(j + 1) != "المالي":
            yp = ("rel", 0, j + 1)  # الربع الأول من العام: the current (calendar) year
        if yp is None or yp[0] not in ("year", "rel"):
            return None
        if yp[0] == "year":
            return Hit(yp[2], Val("quarter", date(yp[1], 3 * q - 2, 1)), "quarter", "absolute")
        off = yp[1]
        return self.pub_hit(yp[2], "quarter", lambda p: Val("quarter", date(p.year + off, 3 * q - 2, 1)))

    def p_decade(self, i: int) -> Hit | None:
        """الثمانينيات، تسعينيات القرن الماضي -> 198 / 199 (decade)."""
        j = i + 1 if self.k(i) in ("عقد", "حقبه") else i
        dec = L.DECADES.get(self.k(j))
        if dec is None:
            return None
        e = j + 1
        if self.k(e).startswith("عمر") or self.k(e) == "من" and self.k(e + 1).startswith(("عمر", "العمر")):
            return None  # في منتصف العشرينيات من عمرها: an age, not a decade
        century = 1900
        jj = e + 1 if self.k(e) == "من" else e
        if self.k(jj) == "القرن":
            nx = self.k(jj + 1)
            if nx in ("الماضي", "المنصرم", "العشرين", "الفائت"):
                e = jj + 2
            elif nx in ("الحالي", "الجاري"):
                century, e = 2000, jj + 2
            elif nx == "الحادي" and self.k(jj + 2) == "والعشرين":
                century, e = 2000, jj + 3
        return Hit(e, Val("decade", date(century + 10 * dec, 1, 1)), "decade", "absolute")

    def p_ago(self, i: int) -> Hit | None:
        """منذ سبعة أعوام، قبل عام، قبل ثلاثة أيام، بعد يومين -> the date N units away."""
        k = self.k(i)
        if k not in ("منذ", "قبل", "بعد"):
            return None
        j = i + 1
        if self.k(j) in _APPROX:
            j += 1
        elif self.k(j) in _MORE_LESS and self.k(j + 1) in ("من", "عن", "علي"):
            j += 2
        cu = self.count_unit(j)
        if cu is None:
            return None
        n, unit, e = cu
        if n is None:
            return None  # منذ أشهر، قبل أيام: vague
        prec = L.UNIT_PRECISION[unit]
        if self.num(e) is not None:
            return None  # منذ عام 2016: a year (p_year), not "a year ago"
        if self.k(e) in ("واحد", "واحده"):
            e += 1
        if any(w in ("من", "علي") for w in self.K[e:min(e + 3, self.lim)]):
            return None  # قبل يومين من الانتخابات: anchored on an event, not a date
        nxt = self.toks[e] if e < self.lim else None
        if self.k(j) in L.UNITS and nxt is not None and nxt.kind == "ar" and not nxt.seg.pre \
                and self.K[e] not in _AFTER_COUNT_OK:
            return None  # بعد يوم مشحون: "a day" described, not "a day later"
        if k == "منذ" and not self._since_is_point(i, unit):
            return None  # الحرب المستمرة منذ خمس سنوات: a duration
        sign = 1 if k == "بعد" else -1
        if k == "بعد" and not self.future(i):
            # narrative: ... في أبريل 1985، ثم سلّمها بعد سنة -> 1986. Only next to that date;
            # further away "بعد 78 يوماً" counts from an event the text does not date.
            base = self.last
            if base is None or self.last_sent != self.toks[i].sent:
                return None
            p2 = _anchored_prec(base.prec, unit)
            return Hit(e, self._at(L.shift(base.d, unit, n), p2), p2, "text")
        return self.pub_hit(e, prec, lambda p: self._at(L.shift(p, unit, sign * n), prec))

    def _since_is_point(self, i: int, unit: str) -> bool:
        """Does منذ + count name a point ("N units ago") rather than measure a duration?
        Counted days, weeks and months are points (وصل منذ يومين) unless a durative or
        superlative word governs them (المستمر منذ ثلاثة أشهر، الأكبر منذ شهرين); counted
        years are durations as often as not (الحرب المستمرة منذ خمس سنوات), so they are
        points only after a verb of starting or happening (التي بدأت منذ سبعة أعوام)."""
        s = self.doc.sentences[self.toks[i].sent].first
        if unit in ("hour", "day", "week", "month"):
            return not any(self.K[j] in _DURATIVE or self.N[j] in _DURATIVE
                           for j in range(max(s, i - 5), i))
        return any(self.K[j] in _START_VERBS or self.N[j] in _START_VERBS
                   for j in range(max(s, i - 3), i))

    def p_anchored(self, i: int) -> Hit | None:
        """بعده بيومين، بعد ذلك بأسبوع، قبلها بيوم، بعد ذلك بساعات: relative to the most
        recent date in the text."""
        k = self.k(i)
        if k in ("بعده", "بعدها", "بعدهم", "بعدئذ"):
            sign, j = 1, i + 1
        elif k in ("قبله", "قبلها", "قبلهم"):
            sign, j = -1, i + 1
        elif k in ("بعد", "عقب", "قبل") and self.k(i + 1) in ("ذلك", "ذاك"):
            sign, j = (-1 if k == "قبل" else 1), i + 2
        else:
            return None
        cu = self.count_unit(j)
        if cu is None:
            return None
        n, unit, e = cu
        prec = L.UNIT_PRECISION[unit]
        base = self.last
        if base is None:
            return Hit(e, None, prec, None)
        p2 = _anchored_prec(base.prec, unit)
        if n is None:
            # بعد ذلك بساعات: only resolvable when the unit is finer than the anchor
            if _PREC_RANK[prec] < _PREC_RANK[p2]:
                return Hit(e, self._at(base.d, p2), p2, "text")
            return Hit(e, None, prec, None)
        return Hit(e, self._at(L.shift(base.d, unit, sign * n), p2), p2, "text")

    def p_edge(self, i: int) -> Hit | None:
        """بداية/مطلع/منتصف/أواخر/نهاية + a period: the value is the period's own."""
        if self.k(i) not in L.EDGE_WORDS:
            return None
        j = i + 1
        best = None
        for p in (self.p_month, self.p_year, self.p_period, self.p_season):
            h = p(j)
            if h and (best is None or h.end > best.end):
                best = h
        if best is None:
            bare = self.k(j)
            if bare in L.PERIOD_NOUNS:  # مطلع العام، نهاية الشهر، نهاية الأسبوع: the current one
                unit = L.PERIOD_NOUNS[bare]
                prec = L.UNIT_PRECISION[unit]
                return self.pub_hit(j + 1, prec, lambda p: self._at(p, prec))
            return None
        return best

    def p_vague_of(self, i: int) -> Hit | None:
        """في وقت لاحق من هذا الشهر، ساعة متأخرة من بعد ظهر اليوم، الساعات الأولى من يوم
        الاثنين: the value is that of the period named after من."""
        if self.k(i) not in _VAGUE_HEAD or self.k(i + 1) not in _VAGUE_ADJ:
            return None
        j = i + 2
        if self.k(j) == "من":
            j += 1
        best = None
        for p in (self.p_period, self.p_relday, self.p_weekday, self.p_daypart, self.p_month, self.p_date):
            h = p(j)
            if h and (best is None or h.end > best.end):
                best = h
        return best

    _PATTERNS = ("p_range", "p_vague_of", "p_edge", "p_week_of_month", "p_quarter", "p_clock",
                 "p_daypart", "p_relday", "p_weekday", "p_date", "p_month", "p_year", "p_period",
                 "p_season", "p_decade", "p_anchored", "p_ago")

    def parse(self, i: int) -> Hit | None:
        best = None
        for p in self._bound:
            h = p(i)
            if h is not None and h.end > i and (best is None or h.end > best.end):
                best = h
        return best

    def run(self) -> list[TimeExpr]:
        toks, sents, K = self.toks, self.doc.sentences, self.K
        out: list[TimeExpr] = []
        # only numbers, Latin words and time words can start an expression: a comprehension
        # finds them faster than stepping through every token
        starts = [j for j, t in enumerate(toks) if t.kind != "punct" and (t.kind != "ar" or K[j] in _KNOWN)]
        i = 0
        for i0 in starts:
            if i0 < i:
                continue  # inside the last expression found
            i = i0
            t = toks[i]
            self.lim = sents[t.sent].last
            try:
                h = self.parse(i)
            except (ValueError, OverflowError):
                h = None  # arithmetic past the calendar's range (منذ 2500 عام): no date to give
            if h is None:
                i += 1
                continue
            if self._prev(i) in _FREQUENCY:
                i = h.end  # كل يوم جمعة، أيام الخميس: a frequency, not a date
                continue
            out.append(self._emit(i, h))
            if h.val is not None:
                self.last = h.val
                self.last_sent = t.sent
                self.recent[h.val.prec] = h.val
            i = h.end
        return out

    def _emit(self, i: int, h: Hit) -> TimeExpr:
        t = self.toks[i]
        start = t.key_start
        pre = t.seg.pre
        if pre and "ل" in pre and self.K[i] in ("عام", "العام"):
            start = _offset_of(t, pre.index("ل"))  # لعام 2024: the annotation keeps the ل
        end = self.toks[h.end - 1].end
        span = self.doc.span(start, end)
        value = h.val.value() if h.val is not None else None
        return TimeExpr(span=span, value=value, precision=h.prec, calendar=h.cal,
                        anchor=h.anchor if value is not None else None)


def _offset_of(t: Token, n: int) -> int:
    """Original offset of the n-th normalised character of token t."""
    seen = 0
    for off, ch in enumerate(t.text):
        if normalize(ch):
            if seen == n:
                return t.start + off
            seen += 1
    return t.start


def infer_publication_date(doc: Doc, times: list[TimeExpr]) -> date | None:
    """The latest explicit full date the article writes, as a stand-in for a missing
    publication date; None when there is none, or when the text also names a later year
    (then that date is history, not the news day, and guessing would do harm)."""
    best = None
    latest_year = 0
    for t in times:
        if t.anchor != "absolute" or not t.value or t.precision == "decade":
            continue
        v = t.value.split("/")[-1]
        if v[:4].isdigit():
            latest_year = max(latest_year, int(v[:4]))
        if t.precision in ("day", "time"):
            try:
                d = date.fromisoformat(v[:10])
            except ValueError:
                continue
            if best is None or d > best:
                best = d
    if best is None or latest_year > best.year:
        return None
    return best


def extract_times(doc: Doc) -> list[TimeExpr]:
    """Every temporal expression of the document, sorted by start."""
    pub = doc.published
    if pub is None:
        first = _Scanner(doc, None, "published").run()
        inferred = infer_publication_date(doc, first)
        if inferred is None:
            return first
        return _Scanner(doc, inferred, "inferred").run()
    return _Scanner(doc, pub, "published").run()
