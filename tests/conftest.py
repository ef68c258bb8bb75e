import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} not present (../shared is only available to developers and CI)")
    return p


@pytest.fixture(scope="session")
def seed_article() -> dict:
    return json.loads(shared_path("eval", "dev", "seed.jsonl").read_text(encoding="utf-8").splitlines()[0])


@pytest.fixture(scope="session")
def dev_gold() -> list[dict]:
    out = []
    for f in sorted(shared_path("eval", "dev").glob("*.jsonl")):
        out += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out
