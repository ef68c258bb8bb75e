"""Named entities (ANNOTATION.md, Entities): the CRF tagger over doc tokens, the rule
post-pass, and `marsad tag` over CoNLL tokens."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from marsad.cli import main as cli_main
from marsad.extract import entities as E
from marsad.text import analyse_text

SHARED = Path(__file__).resolve().parents[2] / "shared"
REPO = Path(__file__).resolve().parents[1]
TYPES = {"PER", "ORG", "GPE", "LOC", "FAC"}


def ents(text: str) -> list[tuple[str, str]]:
    return [(e.span.text, e.type) for e in E.extract_entities(analyse_text(text))]


# -- the contract -------------------------------------------------------------------------
def test_ids_in_text_order_spans_exact_types_known():
    text = ("قال رئيس الوزراء العراقي محمد شياع السوداني في بغداد إن الحكومة العراقية "
            "ستبحث مع الولايات المتحدة انسحاب قوات التحالف الدولي.")
    out = E.extract_entities(analyse_text(text))
    assert out, "a sentence full of names yields entities"
    assert [e.id for e in out] == [f"e{i}" for i in range(1, len(out) + 1)]
    assert [e.span.start for e in out] == sorted(e.span.start for e in out)
    for e in out:
        assert text[e.span.start:e.span.end] == e.span.text
        assert e.type in TYPES


def test_empty_and_punctuation_only_documents():
    assert E.extract_entities(analyse_text("")) == []
    assert E.extract_entities(analyse_text("... ، !")) == []


def test_deterministic():
    text = "وصل وزير الخارجية الروسي سيرغي لافروف إلى دمشق حيث التقى بشار الأسد."
    assert ents(text) == ents(text)


# -- annotation conventions ---------------------------------------------------------------
def test_attached_proclitic_is_not_part_of_the_mention():
    found = dict(ents("زار الوفد العراق وبغداد والتقى بمسؤولين في واشنطن."))
    assert found.get("بغداد") == "GPE"
    assert found.get("واشنطن") == "GPE"
    assert not any(t.startswith("وبغداد") for t in found)


def test_lam_of_the_article_stays_when_the_bare_form_is_absent():
    found = dict(ents("وقالت مصادر للولايات المتحدة إن المحادثات ستستمر."))
    assert found.get("للولايات المتحدة") == "GPE"


def test_official_bodies_keep_their_nationality_word():
    found = dict(ents("أعلنت الحكومة العراقية أن قوات الأمن العراقية اعتقلت خمسة أشخاص، "
                      "وقال بيان لوزارة الخارجية الروسية إن السلطات السودانية أفرجت عنهم."))
    assert found.get("الحكومة العراقية") == "ORG"
    assert found.get("قوات الأمن العراقية") == "ORG"
    assert found.get("السلطات السودانية") == "ORG"
    assert any(t.endswith("وزارة الخارجية الروسية") and ty == "ORG" for t, ty in found.items())


def test_a_role_is_not_a_body():
    found = dict(ents("قال وزير الخارجية الأمريكي إن بلاده ستفرض عقوبات."))
    assert not any("الخارجية" in t for t in found), found


def test_nationality_words_are_not_entities():
    found = dict(ents("قال مسؤولون إن الأميركيين والعراقيين اتفقوا على خطة جديدة."))
    assert "الأميركيين" not in found and "والعراقيين" not in found and "العراقيين" not in found


def test_place_types():
    found = dict(ents("هبطت الطائرة في مطار بغداد الدولي بعد رحلة فوق البحر الأحمر، ثم توجه الوفد إلى دمشق."))
    assert found.get("مطار بغداد الدولي") == "FAC"
    assert found.get("البحر الأحمر") == "LOC"
    assert found.get("دمشق") == "GPE"


def test_person_names_without_titles():
    found = dict(ents("التقى الرئيس الأمريكي دونالد ترامب نظيره الروسي فلاديمير بوتين في هلسنكي."))
    assert found.get("دونالد ترامب") == "PER"
    assert found.get("فلاديمير بوتين") == "PER"


def test_latin_acronyms_are_organisations():
    found = dict(ents("دبي، الإمارات العربية المتحدة (CNN) -- أعلنت الشرطة اعتقال رجل."))
    assert found.get("CNN") == "ORG"


# -- the tagger ---------------------------------------------------------------------------
def test_bio_spans():
    assert E.bio_spans(["O", "B-PER", "I-PER", "O", "I-ORG", "B-LOC", "B-LOC"]) == [
        (1, 3, "PER"), (4, 5, "ORG"), (5, 6, "LOC"), (6, 7, "LOC")]
    assert E.bio_spans(["B-PER", "I-ORG"]) == [(0, 1, "PER"), (1, 2, "ORG")]


def test_doc_free_path_shares_the_doc_features():
    text = "وقال المتحدث باسم الأمم المتحدة ستيفان دوجاريك إن الوضع في اليمن خطير"
    doc = analyse_text(text)
    via_doc = E.tag_forms([t.norm for t in doc.tokens])
    via_tokens = E.tag_tokens([t.text for t in doc.tokens])
    assert via_doc == via_tokens
    assert any(t != "O" for t in via_doc)


def test_name_seen_once_is_tagged_again():
    tags = E.propagate([["قال", "جنبلاط"], ["ورد", "جنبلاط", "امس"]],
                       [["O", "B-PER"], ["O", "O", "O"]])
    assert tags[1] == ["O", "B-PER", "O"]
    # a word read two ways in one document is left as the tagger had it
    tags = E.propagate([["زار", "عمان"], ["قال", "عمان"], ["في", "عمان"]],
                       [["O", "B-LOC"], ["O", "B-PER"], ["O", "O"]])
    assert tags[2] == ["O", "O"]


def test_misc_names_are_carried_over_too():
    # ANERcorp scheme: currencies and the like are MISC, one reading per document as well
    tags = E.propagate([["مليون", "دولار"], ["الف", "دولار"]], [["O", "B-MISC"], ["O", "O"]])
    assert tags[1] == ["O", "B-MISC"]


def test_word_classes_generalise_over_clitics():
    assert "L=cur" in E.word_features("والدولار")[0]
    assert "L=cur" in E.word_features("دينارا")[0]
    assert "T=title" in E.word_features("الرئيس")[0]
    assert "-1:T=org" in E.word_features("صحيفه")[1]  # as the left neighbour of a name
    assert not any(f.startswith(("T=", "L=")) for f in E.word_features("قال")[0])


def test_document_marks_carry_a_title_to_bare_mentions():
    forms = [["قال", "الرئيس", "بوتين", "ان"], ["واكد", "بوتين"], ["كتبت", "صحيفه", "النهار"]]
    marks = E.document_marks([[E.form_key(w) for w in fs] for fs in forms])
    assert marks == {"بوتين": ("D=ti",), "النهار": ("D=oh",)}
    items = E.document_items(forms)
    assert "D=ti" in items[1][1]  # the bare mention in another sentence gets the evidence
    assert not any("D=ti" in it for it in items[1][:1])
    # within one sentence too: the marks come on top of the sentence's own features
    one = E.document_items([forms[0]])[0]
    assert "D=ti" in one[2] and "D=ti" not in E.sentence_features(forms[0])[2]


def test_model_resources_are_small():
    total = sum(Path(E.resource_path(n)).stat().st_size
                for n in (E.MODEL, E.CLUSTERS, E.KEY_CLUSTERS, E.GAZETTEER))
    assert total < 10_000_000


# -- marsad tag ---------------------------------------------------------------------------
CONLL = "أعلن\tO\nالرئيس\tO\nالفرنسي\tO\nإيمانويل\tB-PERS\nماكرون\tI-PERS\nمن\tO\nباريس\tB-LOC\n.\tO\n\nوصل\tO\nإلى\tO\nمطار\tO\nبغداد\tB-LOC\n"


def test_tag_command_anercorp_scheme(tmp_path, capsys):
    src = tmp_path / "in.conll"
    src.write_text(CONLL, encoding="utf-8")
    out = tmp_path / "out.tsv"
    assert cli_main(["tag", "--conll", str(src), "--scheme", "anercorp", "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").split("\n")
    rows = [ln.split("\t") for ln in lines if ln]
    assert [r[0] for r in rows] == [ln.split("\t")[0] for ln in CONLL.split("\n") if ln]
    assert lines.count("") >= 2  # sentence break kept
    tags = {r[1] for r in rows}
    assert tags <= {"O"} | {f"{p}-{t}" for p in "BI" for t in ("PERS", "LOC", "ORG", "MISC")}
    assert dict((r[0], r[1]) for r in rows)["باريس"] == "B-LOC"


def test_tag_command_marsad_scheme(tmp_path, capsys):
    src = tmp_path / "in.conll"
    src.write_text(CONLL, encoding="utf-8")
    assert cli_main(["tag", "--conll", str(src)]) == 0
    rows = [ln.split("\t") for ln in capsys.readouterr().out.split("\n") if ln]
    assert dict((r[0], r[1]) for r in rows)["باريس"] == "B-GPE"
    assert {r[1][2:] for r in rows if r[1] != "O"} <= TYPES


def test_tag_command_missing_file_is_a_user_error(capsys):
    assert cli_main(["tag", "--conll", "/nonexistent/file.conll"]) == 2
    assert "no such file" in capsys.readouterr().err


# -- quality on the dev gold (scorer's coarse entity F1) --------------------------------
def _scorer():
    path = SHARED / "eval" / "score.py"
    if not path.exists():
        pytest.skip("../shared not available")
    sys.path.insert(0, str(path.parent))
    try:
        import score  # type: ignore
    finally:
        sys.path.pop(0)
    return score


def test_dev_gold_coarse_entity_f1():
    score = _scorer()
    gold = score.load(SHARED / "eval" / "dev")
    pred = {}
    for doc_id, g in gold.items():
        doc = analyse_text(g["text"])
        pred[doc_id] = {"id": doc_id, "text": g["text"], "entities": [
            {"text": e.span.text, "start": e.span.start, "end": e.span.end, "type": e.type}
            for e in E.extract_entities(doc)]}
    res, _ = score.score(gold, pred)
    assert res["entities_coarse"]["f1"] >= 0.75, res["entities_coarse"]


@pytest.mark.slow
def test_held_out_anercorp_f1():
    if not (SHARED / "data" / "ner").exists():
        pytest.skip("../shared not available")
    out = subprocess.run([sys.executable, str(REPO / "scripts" / "train_ner.py"), "--eval",
                          "--model-out", "/tmp/marsad_test_ner_eval.crfsuite"],
                         capture_output=True, text=True, check=True).stdout
    overall = [ln for ln in out.splitlines() if ln.startswith("overall")][0]
    f1 = float(overall.split("F1")[1].split()[0])
    assert f1 >= 0.81, out
