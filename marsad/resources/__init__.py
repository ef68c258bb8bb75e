"""Data files the package ships: lexicons, gazetteers, models.

Each file has a provenance line in `PROVENANCE.md` beside it and is rebuilt from
`../shared/data` by a script under `scripts/`.
"""
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent


def resource_path(name: str) -> Path:
    return RESOURCES / name
