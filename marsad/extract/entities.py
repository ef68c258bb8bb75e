"""Named entities (placeholder until the trained tagger lands)."""
from marsad.types import Entity


def extract_entities(doc) -> list[Entity]:
    return []
