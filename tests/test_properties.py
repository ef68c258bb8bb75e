"""Property tests: no extractor raises on any string, and every span points at its text."""
from hypothesis import HealthCheck, given, settings, strategies as st

from marsad.pipeline import analyse
from marsad.record import check_spans, to_json
from marsad.text import normalize
from marsad.types import Article

# Arabic news building blocks mixed with noise: cues, triggers, dates, quotes, digits, marks.
WORDS = ["قال", "وأضاف", "مؤكداً", "إن", "أن", "الجيش", "السوري", "قصف", "صاروخي", "اعتقال", "خمسة",
         "أشخاص", "في", "بغداد", "اليوم", "الأحد", "5", "أغسطس/آب", "الجاري", "١٤٤٥", "هـ", "رمضان",
         "أمس", "الماضي", "وزارة", "الخارجية", "العراقية", "«", "»", "\"", ":", "،", ".", "؟", "\n",
         "مقتل", "٣", "جنود", "هجوم", "تنظيم", "داعش", "شمال", "الموصل", "ـ", "ً", "\u200f", "(", ")"]
article_text = st.lists(st.sampled_from(WORDS), max_size=80).map(" ".join) | st.text(max_size=300)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_text, st.sampled_from([None, "2024-08-11", "2018-02-29", "1999-12-31"]))
def test_every_span_is_the_substring_at_its_offsets(text, published):
    rec = to_json(analyse(Article(text=text, published=published, id="p")))
    assert check_spans(rec) == []
    for v in rec["events"]:
        assert v["date"] is None or v["date"]["from"] in ("text", "published")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_normalisation_is_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)
