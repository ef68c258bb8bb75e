"""POST /api/ingest: JSON articles or records into the database (auth is checked by the app).

A body is one object, a list of objects, or `{"records": [...]}` / `{"articles": [...]}`.
An object that already carries layers (`entities`, `events`, ...) is stored as the record it
is; a bare article (`text` plus optional `id`, `url`, `outlet`, `published`, `title`) is first
analysed by `marsad.pipeline.analyse`, unless the same text is already stored.
"""
from __future__ import annotations

from typing import Any

from fastapi import HTTPException

from marsad.store.db import Database
from marsad.store.ingest import Ingestor

MAX_ITEMS = 200  # per request; the body-size cap bounds bytes, this bounds analysis time
LAYERS = ("entities", "times", "quotes", "events", "places")
ARTICLE_FIELDS = ("id", "url", "outlet", "published", "title", "source")


def _items(payload: Any) -> list[Any]:
    if isinstance(payload, dict):
        for k in ("records", "articles"):
            if isinstance(payload.get(k), list):
                return payload[k]
        return [payload]
    if isinstance(payload, list):
        return payload
    raise HTTPException(422, "body must be an object, a list, or {\"records\": [...]}")


def _analyse(item: dict) -> dict:
    from marsad.pipeline import analyse
    from marsad.record import to_json
    from marsad.types import Article

    fields = {k: (str(item[k]) if item.get(k) is not None else None) for k in ARTICLE_FIELDS}
    return to_json(analyse(Article(text=item["text"], **fields)))


def ingest_payload(db: Database, payload: Any) -> dict[str, Any]:
    items = _items(payload)
    if not items:
        raise HTTPException(422, "nothing to ingest")
    if len(items) > MAX_ITEMS:
        raise HTTPException(413, f"at most {MAX_ITEMS} items per request")
    ing = Ingestor(db)
    analysed = 0
    rejected: list[str] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
            rejected.append(f"item {i}: needs a non-empty \"text\" string")
            continue
        if any(k in item for k in LAYERS):
            ing.add(item, source=f"api:{i}")
        elif ing.is_stored(item.get("id"), item.get("url"), item["text"]):
            ing.stats.records += 1
            ing.stats.unchanged += 1
        else:
            ing.add(_analyse(item), source=f"api:{i}")
            analysed += 1
    ing.flush()
    st = ing.stats
    return {"items": len(items), "analysed": analysed, "added": st.added, "versions": st.versions,
            "unchanged": st.unchanged, "duplicates": st.duplicates, "events": st.events,
            "canonical_new": st.canonical_new, "canonical_joined": st.canonical_joined,
            "failed": st.failed + len(rejected), "errors": rejected + st.errors}
