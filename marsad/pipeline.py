"""analyse(article) -> Record: the one function every interface (CLI, API, Spark) calls."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from marsad.text import Doc, analyse_text
from marsad.types import Article, Entity, Event, Place, Quote, Record, TimeExpr


@dataclass(slots=True)
class Layers:
    entities: list[Entity] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    notes: dict = field(default_factory=dict)


def published_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def analyse_doc(doc: Doc) -> Layers:
    from marsad.extract import actors, entities, events, places, quotes, times

    layers = Layers()
    layers.entities = actors.resolve_actors(doc, entities.extract_entities(doc))
    layers.times = times.extract_times(doc)
    layers.places = places.extract_places(doc, layers.entities)
    layers.quotes = quotes.extract_quotes(doc, layers)
    layers.events = events.extract_events(doc, layers)
    return layers


def analyse(article: Article) -> Record:
    doc = analyse_text(article.text, published_date(article.published))
    layers = analyse_doc(doc)
    return Record(article=article, entities=layers.entities, times=layers.times,
                  places=layers.places, quotes=layers.quotes, events=layers.events,
                  notes=layers.notes)
