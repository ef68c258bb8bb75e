"""Places: every place mention of an article, resolved to the gazetteer.

`extract_places(doc, entities)` returns one `Place` per place mention:
- each GPE/LOC/FAC entity (its `place` dict is set too, when the gazetteer resolves it);
- each gazetteer name the NER missed (`entity=None`, `kind` = the entity type to add it as:
  GPE, LOC or FAC);
- descriptions that name a capital without naming it (العاصمة السودانية: `kind=None`,
  not an entity).
The resolution logic lives in `marsad.geo.resolve` (see there); `event_location` there
picks the place of an event.
"""
from __future__ import annotations

from marsad.geo.resolve import resolve_places
from marsad.text import Doc
from marsad.types import Entity, Place


def extract_places(doc: Doc, entities: list[Entity]) -> list[Place]:
    return resolve_places(doc, entities)
