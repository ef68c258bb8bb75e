"""The Arabic text layer: normalisation keeps offsets, sentences, tokens, clitics."""
from hypothesis import given, settings, strategies as st

from marsad.text import analyse_text, normalize, normalize_with_map
from marsad.text.segment import segment


def test_normalisation_unifies_letters_and_digits():
    assert normalize("أإآٱ ى ة ٢٠٢٤ ۱۲") == "اااا ي ه 2024 12"


def test_normalisation_deletes_marks_and_keeps_a_map_to_the_original():
    text = "مُؤَكِّداً\u200f أنّ"
    norm, index = normalize_with_map(text)
    assert norm == "مؤكدا ان"
    assert [text[index[i]] for i in range(len(norm))] == ["م", "ؤ", "ك", "د", "ا", " ", "أ", "ن"]
    assert index[len(norm)] == len(text)


def test_tokens_carry_original_offsets_through_diacritics_and_tatweel():
    text = "قـــال الوزيرُ: «نرفضُ ذلك»."
    doc = analyse_text(text)
    assert [t.text for t in doc.tokens] == ["قـــال", "الوزيرُ", ":", "«", "نرفضُ", "ذلك", "»", "."]
    for t in doc.tokens:
        assert text[t.start:t.end] == t.text
    assert doc.tokens[0].norm == "قال"


def test_clitics_are_split_only_when_the_stem_is_a_word():
    assert segment("والعراق").pre == "و" and segment("والعراق").key == "العراق"
    assert segment("بالهجوم").key == "الهجوم"
    assert segment("للعراق").key == "العراق"
    assert segment("وقال").stem == "قال"
    assert segment("ولايه").pre == ""  # ولاية (state) is not و + لاية
    assert segment("بغداد").pre == ""
    assert segment("فرنسا").pre == ""
    assert segment("حكومتها").suf == "ها"


def test_token_span_drops_an_attached_proclitic():
    doc = analyse_text("زار الوفد والعراق.")
    i = next(t.i for t in doc.tokens if t.norm == "والعراق")
    assert doc.token_span(i, i + 1).text == "العراق"


def test_sentences_cope_with_quotes_and_news_punctuation():
    text = 'قال الوزير: "نرفض ذلك." وأضاف أن 5.5 مليون نازح.\nعاجل: انفجار في بغداد'
    doc = analyse_text(text)
    sents = [text[s.start:s.end] for s in doc.sentences]
    assert sents == ['قال الوزير: "نرفض ذلك."', "وأضاف أن 5.5 مليون نازح.", "عاجل: انفجار في بغداد"]


def test_seed_article_tokens_and_sentences(seed_article):
    doc = analyse_text(seed_article["text"])
    assert len(doc.sentences) >= 10
    assert all(seed_article["text"][t.start:t.end] == t.text for t in doc.tokens)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("قالوزيرأإآىة ًٌٍَُِّْـ٠١٢3 .،؟!\"«»\n\u200f\u202babc")), max_size=200))
def test_any_string_gives_consistent_offsets(text):
    doc = analyse_text(text)
    for t in doc.tokens:
        assert text[t.start:t.end] == t.text
        assert t.start <= t.key_start <= t.end
    for s in doc.sentences:
        assert 0 <= s.start <= s.end <= len(text)
    assert normalize(normalize(text)) == normalize(text)
