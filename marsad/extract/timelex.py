"""Lexicon and calendar arithmetic for the temporal extractor (`marsad.extract.times`).

Every word here is in the normalised form of `marsad.text.normalize` (no diacritics,
أإآ→ا, ى→ي, ة→ه), because the extractor compares against `Token.norm` / `Token.key`.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from marsad.text.segment import Vocabulary

# -- month names -------------------------------------------------------------------------
# first word -> list of (second word or None, month number, calendar, ambiguous).
# "Ambiguous" names are also common words (مارس "practised", اب "father", ماي, رجب/رمضان/
# شعبان as personal names, صفر "zero"), so they count as months only with date context.
_GREG: dict[str, int] = {
    "يناير": 1, "جانفي": 1, "فبراير": 2, "فيفري": 2, "مارس": 3, "ابريل": 4, "افريل": 4,
    "مايو": 5, "ماي": 5, "يونيو": 6, "يونيه": 6, "جوان": 6, "يوليو": 7, "يوليه": 7,
    "جويليه": 7, "اغسطس": 8, "اغشت": 8, "اوت": 8, "سبتمبر": 9, "شتنبر": 9, "اكتوبر": 10,
    "نوفمبر": 11, "نونبر": 11, "ديسمبر": 12, "دجنبر": 12,
    # Levantine / Iraqi names
    "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6, "تموز": 7, "اب": 8, "ايلول": 9,
}
_AMBIGUOUS = frozenset({"مارس", "اب", "ماي", "اوت", "تموز", "صفر", "رجب", "رمضان", "شعبان", "شوال", "محرم"})
_LEVANT_PAIRS = {  # كانون / تشرين + ordinal, with or without the article
    ("كانون", "الثاني"): 1, ("كانون", "ثاني"): 1, ("كانون", "الاول"): 12, ("كانون", "اول"): 12,
    ("تشرين", "الاول"): 10, ("تشرين", "اول"): 10, ("تشرين", "الثاني"): 11, ("تشرين", "ثاني"): 11,
}
_HIJRI: dict[str, int] = {"محرم": 1, "صفر": 2, "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10}
_HIJRI_PAIRS = {
    ("ربيع", "الاول"): 3, ("ربيع", "الثاني"): 4, ("ربيع", "الاخر"): 4, ("ربيع", "الاخره"): 4,
    ("جمادي", "الاولي"): 5, ("جمادي", "الاول"): 5, ("جمادي", "الثانيه"): 6,
    ("جمادي", "الاخره"): 6, ("جمادي", "الاخر"): 6, ("جمادي", "الثاني"): 6,
    ("ذو", "القعده"): 11, ("ذي", "القعده"): 11, ("ذو", "الحجه"): 12, ("ذي", "الحجه"): 12,
}


@dataclass(frozen=True, slots=True)
class MonthName:
    month: int
    calendar: str  # gregorian | hijri
    size: int  # number of tokens
    ambiguous: bool


MONTH_FIRST: dict[str, list[tuple[str | None, MonthName]]] = {}
for _w, _m in _GREG.items():
    MONTH_FIRST.setdefault(_w, []).append((None, MonthName(_m, "gregorian", 1, _w in _AMBIGUOUS)))
for (_a, _b), _m in _LEVANT_PAIRS.items():
    MONTH_FIRST.setdefault(_a, []).append((_b, MonthName(_m, "gregorian", 2, False)))
for _w, _m in _HIJRI.items():
    MONTH_FIRST.setdefault(_w, []).append((None, MonthName(_m, "hijri", 1, _w in _AMBIGUOUS)))
for (_a, _b), _m in _HIJRI_PAIRS.items():
    MONTH_FIRST.setdefault(_a, []).append((_b, MonthName(_m, "hijri", 2, False)))

# -- weekdays (Python's weekday(): Monday = 0) ---------------------------------------------
WEEKDAYS = {"الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5,
            "الاحد": 6}
WEEKDAY_BARE = {w[2:]: d for w, d in WEEKDAYS.items()}  # after يوم without article: يوم اثنين

# -- modifiers ----------------------------------------------------------------------------
PAST = frozenset("الماضي الماضيه المنصرم المنصرمه الفائت الفائته المنقضي المنقضيه الاخير".split())
NEXT = frozenset("المقبل المقبله القادم القادمه".split())
CURRENT = frozenset("الجاري الجاريه الحالي الحاليه".split())
FOLLOWING = frozenset("التالي التاليه اللاحق اللاحقه".split())  # relative to the text's date
PRECEDING = frozenset("السابق السابقه".split())
SAME = frozenset("نفسه نفسها ذاته ذاتها".split())

# -- calendar units ----------------------------------------------------------------------
# form -> (unit, count or None when the plural gives no number)
UNITS: dict[str, tuple[str, int | None]] = {}
for _unit, _sing, _dual, _plur in (
    ("hour", "ساعه ساعه", "ساعتين ساعتان", "ساعات"),
    ("day", "يوم يوما", "يومين يومان", "ايام"),
    ("week", "اسبوع اسبوعا", "اسبوعين اسبوعان", "اسابيع"),
    ("month", "شهر شهرا", "شهرين شهران", "اشهر شهور"),
    ("year", "عام عاما سنه", "عامين عامان سنتين سنتان", "اعوام سنوات سنين"),
    ("decade", "", "عقدين عقدان", "عقود"),  # a lone عقد is as often "holding" (عقد اجتماع)
):
    for _f in _sing.split():
        UNITS[_f] = (_unit, 1)
    for _f in _dual.split():
        UNITS[_f] = (_unit, 2)
    for _f in _plur.split():
        UNITS[_f] = (_unit, None)
UNIT_PRECISION = {"hour": "day", "day": "day", "week": "week", "month": "month", "year": "year",
                  "decade": "decade"}
PERIOD_NOUNS = {"الاسبوع": "week", "الشهر": "month", "العام": "year", "السنه": "year"}
PERIOD_NOUNS_BARE = {"اسبوع": "week", "شهر": "month", "عام": "year", "سنه": "year"}

# -- number words (cardinals for counts, ordinals for days / weeks / hours) ---------------
CARDINALS = {
    "واحد": 1, "واحده": 1, "اثنين": 2, "اثنان": 2, "اثنتين": 2, "اثنتان": 2, "ثلاث": 3,
    "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6, "سته": 6, "سبع": 7,
    "سبعه": 7, "ثماني": 8, "ثمانيه": 8, "ثمان": 8, "تسع": 9, "تسعه": 9, "عشر": 10, "عشره": 10,
    "عشرين": 20, "عشرون": 20, "ثلاثين": 30, "ثلاثون": 30, "اربعين": 40, "اربعون": 40,
    "خمسين": 50, "خمسون": 50, "مئه": 100, "مائه": 100,
}
ORDINALS = {
    "الاول": 1, "الاولي": 1, "الحادي": 1, "الثاني": 2, "الثانيه": 2, "الثالث": 3, "الثالثه": 3,
    "الرابع": 4, "الرابعه": 4, "الخامس": 5, "الخامسه": 5, "السادس": 6, "السادسه": 6,
    "السابع": 7, "السابعه": 7, "الثامن": 8, "الثامنه": 8, "التاسع": 9, "التاسعه": 9,
    "العاشر": 10, "العاشره": 10, "العشرين": 20, "الثلاثين": 30, "الحاديه": 1, "الواحده": 1,
}
ORDINAL_TENS = {"عشر": 10, "عشره": 10, "والعشرين": 20, "والثلاثين": 30}
LAST_WORDS = frozenset({"الاخير", "الاخيره"})

# -- parts of the day: the noun before a day (مساء الثلاثاء) and the adverb after a clock
# time (الساعة العاشرة مساءً), with the hour shift they imply for a 12-hour clock
DAY_PARTS = {"فجر": "am", "صباح": "am", "ضحي": "am", "ظهر": "noon", "ظهيره": "noon",
             "عصر": "pm", "مساء": "pm", "ليل": "night", "ليله": "night", "غروب": "pm"}
DAY_PART_ADVERBS = {"فجرا": "am", "صباحا": "am", "ضحي": "am", "ظهرا": "noon", "عصرا": "pm",
                    "مساء": "pm", "مساءا": "pm", "ليلا": "night", "بعد الظهر": "pm"}
HOURS = {"الواحده": 1, "الثانيه": 2, "الثالثه": 3, "الرابعه": 4, "الخامسه": 5, "السادسه": 6,
         "السابعه": 7, "الثامنه": 8, "التاسعه": 9, "العاشره": 10, "الحاديه": 1}

# -- seasons and decades -------------------------------------------------------------------
SEASONS = {"الربيع": "SP", "الصيف": "SU", "الخريف": "FA", "الشتاء": "WI"}
SEASONS_BARE = {"ربيع": "SP", "صيف": "SU", "خريف": "FA", "شتاء": "WI"}
SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
DECADES = {}
for _stem, _d in (("عشرين", 2), ("ثلاثين", 3), ("اربعين", 4), ("خمسين", 5), ("ستين", 6),
                  ("سبعين", 7), ("ثمانين", 8), ("تسعين", 9)):
    for _suf in ("يات", "ات"):
        DECADES[_stem + _suf] = _d
        DECADES["ال" + _stem + _suf] = _d

# -- anchoring words ---------------------------------------------------------------------
EDGE_WORDS = frozenset(  # بداية/منتصف/نهاية + period: the value stays the period's
    "بدايه مطلع منتصف اواخر اوائل اواسط نهايه مستهل غره".split())
YEAR_WORDS = frozenset({"عام", "العام", "سنه", "السنه", "عامي", "سنتي"})
YEAR_AFTER = frozenset({"م", "ميلادي", "ميلاديه", "للميلاد"})
HIJRI_AFTER = frozenset({"ه", "هـ", "هجري", "هجريه", "للهجره"})
# words before a bare 4-digit number that make it a year (في 2015، منذ 2013، اتفاق 2015)
YEAR_CUES = frozenset(
    "في منذ حتي قبل بعد خلال مطلع اوائل اواخر نهايه بدايه منتصف اواسط صيف ربيع خريف شتاء "
    "اتفاق اتفاقيه كارثه انتخابات حرب ثوره احداث موازنه ميزانيه دستور ازمه انتفاضه "
    "كاس مونديال اولمبياد رؤيه خطه عام العام سنه السنه لعام للعام موسم تعداد حتى".split())
# words before a number that make it a quantity, not a year (نحو 2000 شخص)
QUANTITY_CUES = frozenset(
    "نحو حوالي قرابه زهاء اكثر اقل من اصل مجموع بلغ بلغت عدد عددهم رقم عن".split())
FUTURE_CUES = frozenset(
    "سوف المقرر المقبل المقبله القادم القادمه المرتقب المرتقبه يعتزم تعتزم يزمع تزمع المزمع "
    "ينوي تنوي المنتظر المتوقع يتوقع ويتوقع تتوقع موعد بحلول".split())
COMPLEMENTIZERS = frozenset("ان انه انها انهم بان بانه بانها لان".split())
FUTURE_STOP = frozenset({"ستين", "ستون", "سنين", "ستار", "سنوات"})


@lru_cache(maxsize=4096)
def is_future_verb(norm: str) -> bool:
    """A verb with the future prefix س (سيعقد، ستكون، وسيصل): the stem after س must be an
    imperfect verb that the news vocabulary knows, so سيارة, ستة and سنة do not count."""
    w = norm[1:] if norm[:1] in "وف" and norm[1:2] == "س" else norm
    if len(w) < 4 or w[0] != "س" or w[1] not in "يتنا" or w in FUTURE_STOP:
        return False
    return Vocabulary.default().get(w[1:]) >= 5


# -- calendar arithmetic -------------------------------------------------------------------
def add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def add_years(d: date, n: int) -> date:
    y = d.year + n
    return date(y, d.month, min(d.day, calendar.monthrange(y, d.month)[1]))


def shift(d: date, unit: str, n: int) -> date:
    if unit in ("hour", "day"):
        return d + timedelta(days=n if unit == "day" else 0)
    if unit == "week":
        return d + timedelta(days=7 * n)
    if unit == "month":
        return add_months(d, n)
    if unit == "year":
        return add_years(d, n)
    return add_years(d, 10 * n)  # decade


def month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def season_of(d: date) -> tuple[int, str]:
    """(label year, code) of the season containing d; winter is labelled by its December."""
    m = d.month
    if m in (3, 4, 5):
        return d.year, "SP"
    if m in (6, 7, 8):
        return d.year, "SU"
    if m in (9, 10, 11):
        return d.year, "FA"
    return (d.year if m == 12 else d.year - 1), "WI"


def season_start(year: int, code: str) -> date:
    return date(year, SEASON_START[code], 1)


def season_end(year: int, code: str) -> date:
    s = season_start(year, code)
    e = add_months(s, 2)
    return month_end(e.year, e.month)


# -- Hijri ---------------------------------------------------------------------------------
def hijri_to_gregorian(y: int, m: int, d: int) -> date | None:
    from hijridate import Hijri
    try:
        g = Hijri(y, m, d).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return date(g.year, g.month, g.day)


def hijri_month_range(y: int, m: int) -> tuple[date, date] | None:
    from hijridate import Hijri
    try:
        h = Hijri(y, m, 1)
        start = h.to_gregorian()
        length = h.month_length()
    except (ValueError, OverflowError):
        return None
    s = date(start.year, start.month, start.day)
    return s, s + timedelta(days=length - 1)


def hijri_year_of(d: date) -> int | None:
    from hijridate import Gregorian
    try:
        return Gregorian(d.year, d.month, d.day).to_hijri().year
    except (ValueError, OverflowError):
        return None
