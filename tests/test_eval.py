"""`marsad eval` computes exactly the referee scorer's numbers."""
import importlib.util
import json
import subprocess
import sys

from marsad.eval.scorer import score
from tests.conftest import shared_path


def test_marsad_scores_equal_the_shared_scorer_on_the_dev_gold(tmp_path):
    dev = shared_path("eval", "dev")
    pred = tmp_path / "pred.jsonl"
    r = subprocess.run([sys.executable, "-m", "marsad.cli", "eval", str(dev), "--json", "--save-pred", str(pred)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    ours = json.loads(r.stdout)
    spec = importlib.util.spec_from_file_location("referee", shared_path("eval", "score.py"))
    referee = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(referee)
    theirs, _ = referee.score(referee.load(dev), referee.load(pred))
    assert ours == theirs


def test_scorer_agrees_on_perturbed_predictions(dev_gold):
    """Beyond the pipeline's own output: both scorers on gold turned into noisy predictions."""
    spec = importlib.util.spec_from_file_location("referee", shared_path("eval", "score.py"))
    referee = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(referee)
    gold = {g["id"]: g for g in dev_gold}
    pred = {}
    for k, g in enumerate(dev_gold):
        G = g["gold"]
        pred[g["id"]] = {
            "id": g["id"], "text": g["text"],
            "entities": [{"text": e["text"], "type": e["type"]} for e in G["entities"][k % 3::2]],
            "times": [{"text": t["text"], "value": t["value"] if i % 3 else "2000"} for i, t in enumerate(G["times"])],
            "quotes": [{"text": q["quote_start"] + " …", "speaker": {"text": (q["speaker"] if isinstance(q["speaker"], str) else q["speaker"][0]) if i % 4 else "x"}}
                       for i, q in enumerate(G["quotes"])],
            "events": [{"type": e["type"] if i % 5 else "AGREE", "mode": e["mode"],
                        "trigger": {"text": e["triggers"][0]}, "actor": {"text": str(e["actor"])},
                        "location": {"country": e["country"]}, "date": {"value": e["date"]},
                        "size": {"dead": e["dead"]}} for i, e in enumerate(G["events"])],
        }
    assert score(gold, pred)[0] == referee.score(gold, pred)[0]
