"""Casualty and arrest counts ("size") for events: dead, injured, arrested.

The text gives a count as digits (15، ١٥), number words (خمسة، خمسة عشر، ثلاثة آلاف) or a
vague quantity word. Exact counts become integers. Vague quantities become a word-range
label, following ACLED's convention of coding vague reports conservatively; `LABEL_MINIMUM`
gives the integer ACLED would code for each label, for consumers that need a number:

    label               Arabic cues                         ACLED-style minimum
    "several"           عدد من، عدة، بعض، عدد               3
    "tens"              عشرات، العشرات                      10   (ACLED codes "dozens" as 12)
    "hundreds"          مئات، المئات                        100
    "thousands"         آلاف، الآلاف                        1000
    "tens_of_thousands" عشرات الآلاف                        10000

Counts are read next to a casualty cue in the event's sentence: a cue then a count (مقتل 15
شخصاً، إصابة عدد من الجنود، اعتقال خمسة أشخاص) or a count then a cue (15 قتيلاً، 3 جرحى).
Running totals ("36 killed since March": a count followed by منذ, or after حصيلة) are skipped.
"""
from __future__ import annotations

from marsad.text import Doc
from marsad.text.normalize import normalize

LABEL_MINIMUM: dict[str, int] = {
    "several": 3, "tens": 10, "hundreds": 100, "thousands": 1000, "tens_of_thousands": 10000,
}

_UNITS = {
    "واحد": 1, "واحده": 1, "احد": 1, "اثنان": 2, "اثنين": 2, "اثنتين": 2, "اثنتان": 2, "اثنا": 2,
    "اثنتا": 2, "ثلاث": 3, "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5, "ست": 6,
    "سته": 6, "سبع": 7, "سبعه": 7, "ثمان": 8, "ثماني": 8, "ثمانيه": 8, "تسع": 9, "تسعه": 9,
    "عشر": 10, "عشره": 10,
}
_TENS = {
    "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40,
    "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70,
    "ثمانون": 80, "ثمانين": 80, "تسعون": 90, "تسعين": 90,
}
_HUNDREDS = {
    "مئه": 100, "مائه": 100, "مئتين": 200, "مائتين": 200, "مئتان": 200, "مائتان": 200,
    "ثلاثمئه": 300, "ثلاثمائه": 300, "اربعمئه": 400, "اربعمائه": 400, "خمسمئه": 500,
    "خمسمائه": 500, "ستمئه": 600, "ستمائه": 600, "سبعمئه": 700, "سبعمائه": 700,
    "ثمانمئه": 800, "ثمانمائه": 800, "تسعمئه": 900, "تسعمائه": 900,
}
_SCALES = {"الف": 1000, "الاف": 1000, "الفا": 1000, "مليون": 1_000_000, "ملايين": 1_000_000}
_VAGUE = {
    "عشرات": "tens", "مئات": "hundreds", "الاف": "thousands", "عده": "several", "بعض": "several",
    "عدد": "several", "العشرات": "tens", "المئات": "hundreds", "الالاف": "thousands",
}
# singular / dual nouns for people: "مقتل جندي" is one death, "مقتل شخصين" two
_PERSON_1 = frozenset("شخص مدني جندي طفل امراه رجل مواطن مقيم عنصر ضابط شرطي مسلح فلسطيني طفله".split())
_PERSON_2 = frozenset("شخصين جنديين طفلين مدنيين".split())

# cue words (normalised, without proclitics/article) -> field; "before" cues precede the count
_CUE_BEFORE = {
    "مقتل": "dead", "قتل": "dead", "وفاه": "dead", "مصرع": "dead", "استشهاد": "dead",
    "بحياه": "dead", "سقوط": None, "اصابه": "injured", "جرح": "injured", "اصيب": "injured",
    "اصابات": "injured", "اعتقال": "arrested", "توقيف": "arrested", "احتجاز": "arrested",
    "اعتقل": "arrested", "اعتقلت": "arrested", "قتلت": "dead", "قتلوا": "dead",
    "القبض": "arrested", "اعتقلوا": "arrested", "احتجزت": "arrested", "احتجز": "arrested",
}
_CUE_AFTER = {
    "قتيلا": "dead", "قتيل": "dead", "قتلي": "dead", "شهيدا": "dead", "شهداء": "dead",
    "جريحا": "injured", "جرحي": "injured", "مصابا": "injured", "مصابين": "injured",
    "معتقلا": "arrested", "معتقلين": "arrested", "موقوفين": "arrested",
}


def _bare(tok_key: str) -> str:
    return tok_key[2:] if tok_key.startswith("ال") and len(tok_key) > 4 else tok_key


def read_number(doc: Doc, i: int, last: int) -> tuple[int | str | None, int]:
    """Read a count starting at token i (before `last`). Returns (value, index after it);
    value is an int, a label from LABEL_MINIMUM, or None when no count starts at i."""
    toks = doc.tokens
    if i >= last:
        return None, i
    t = toks[i]
    if t.kind == "num":
        s = t.norm.replace(",", "")
        try:
            n = int(float(s))
        except ValueError:
            return None, i
        j = i + 1
        if j < last and toks[j].norm in _SCALES:
            n *= _SCALES[toks[j].norm]
            j += 1
        return n, j
    w = normalize(t.key)
    w = _bare(w)
    if w == "عدد" and i + 1 < last and toks[i + 1].norm == "من":
        return "several", i + 2
    if w in ("عشرات", "العشرات") and i + 1 < last and _bare(toks[i + 1].key) in ("الاف", "الالاف"):
        return "tens_of_thousands", i + 2
    if w in _VAGUE and w != "عدد":
        return _VAGUE[w], i + 1
    n = None
    j = i
    if w in _HUNDREDS:
        n, j = _HUNDREDS[w], i + 1
    elif w in _TENS:
        n, j = _TENS[w], i + 1
    elif w in _UNITS:
        n, j = _UNITS[w], i + 1
        # خمسة عشر = 15; خمسة وعشرين = 25
        if j < last and toks[j].norm in ("عشر", "عشره"):
            n, j = n + 10, j + 1
        elif j < last and toks[j].pre == "و" and toks[j].stem in _TENS:
            n, j = n + _TENS[toks[j].stem], j + 1
    if n is None:
        return None, i
    if j < last and toks[j].norm in _SCALES:
        n, j = n * _SCALES[toks[j].norm], j + 1
    return n, j


def _running_total(doc: Doc, first: int, j: int, last: int) -> bool:
    toks = doc.tokens
    after = {toks[k].norm for k in range(j, min(j + 5, last))}
    before = {toks[k].stem for k in range(max(first, j - 6), j)}
    return "منذ" in after or "حصيله" in before or "ارتفع" in before


def extract_size(doc: Doc, first: int, last: int, fields: tuple[str, ...] = ("dead", "injured", "arrested")) -> dict:
    """Counts for the tokens [first, last) (usually the event's sentence)."""
    out: dict[str, int | str | None] = {"dead": None, "injured": None, "arrested": None}
    toks = doc.tokens
    for i in range(first, last):
        t = toks[i]
        if t.kind != "ar":
            continue
        key = _bare(t.key)
        field = _CUE_BEFORE.get(key, "-")
        if field != "-":
            j = i + 1
            if j < last and toks[j].norm == "(":
                j += 1  # إصابة (11) من المدنيين
            # اعتقلت الشرطة خمسة أشخاص: the subject may stand between a verb cue and the count
            while j < last and j < i + 4 and toks[j].seg.det and read_number(doc, j, last)[0] is None:
                j += 1
            if j < last and toks[j].norm in ("نحو", "حوالي", "قرابه", "اكثر", "ما"):
                j += 1
                if j < last and toks[j].norm in ("من", "يقارب", "لا"):
                    j += 1
            n, k = read_number(doc, j, last)
            if n is None and j + 1 < last and toks[j + 1].norm in ("اثنين", "اثنان", "اثنتين", "اثنتان"):
                n, k = 2, j + 2  # إصابة مصريين اثنين: the dual number follows its noun
            if n is None and j < last and toks[j].kind == "ar":
                nxt = _bare(toks[j].key)
                if nxt in _PERSON_1:
                    n, k = 1, j + 1
                elif nxt in _PERSON_2:
                    n, k = 2, j + 1
            if n is not None and not _running_total(doc, first, k, last):
                if field is None:  # سقوط 3 قتلى: the field comes from the noun after the count
                    field = _CUE_AFTER.get(_bare(toks[k].key)) if k < last and toks[k].kind == "ar" else None
                if field and field in fields and out[field] is None:
                    out[field] = n
            continue
        field = _CUE_AFTER.get(key)
        if field and i > first and field in fields and out[field] is None:
            # the count is right before: "15 قتيلا", "خمسة قتلى", "عشرات الجرحى"
            for start in (i - 1, i - 2):
                if start < first:
                    break
                n, k = read_number(doc, start, last)
                if n is not None and k == i and not _running_total(doc, first, i + 1, last):
                    out[field] = n
                    break
    return out
