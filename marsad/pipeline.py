"""analyse(article) -> Record: the one function every interface (CLI, API, Spark) calls."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from time import perf_counter
from typing import Iterator

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


class _Clock:
    """Accumulates seconds per stage into `timings` (for bench/throughput.py); free when off."""

    def __init__(self, timings: dict | None):
        self.timings = timings
        self.t = perf_counter() if timings is not None else 0.0

    def lap(self, stage: str) -> None:
        if self.timings is not None:
            now = perf_counter()
            self.timings[stage] = self.timings.get(stage, 0.0) + now - self.t
            self.t = now


def _add_gazetteer_entities(doc: Doc, ents: list[Entity], places: list[Place]) -> list[Entity]:
    """Place names the tagger missed but the gazetteer knows become entities of the type the
    gazetteer suggests (GPE/LOC/FAC); ids are renumbered in text order and places relinked."""
    from marsad.extract import actors

    taken = [(e.span.start, e.span.end) for e in ents]
    new: list[tuple[Entity, Place]] = []
    for p in places:
        if p.entity is not None or p.kind is None:
            continue
        if any(s < p.span.end and p.span.start < e for s, e in taken):
            continue
        ent = Entity(id="", span=p.span, type=p.kind, source="gazetteer",
                     place={"name": p.name, "name_ar": p.name_ar, "country": p.country, "admin1": p.admin1,
                            "lat": p.lat, "lon": p.lon, "geonameid": p.geonameid, "precision": p.precision})
        taken.append((p.span.start, p.span.end))
        new.append((ent, p))
    if not new:
        return ents
    actors.resolve_actors(doc, [e for e, _ in new])
    merged = sorted([*ents, *(e for e, _ in new)], key=lambda e: (e.span.start, e.span.end))
    renumber = {}
    for i, e in enumerate(merged, 1):
        if e.id:
            renumber[e.id] = f"e{i}"
        e.id = f"e{i}"
    for p in places:
        if p.entity is not None:
            p.entity = renumber.get(p.entity, p.entity)
    for e, p in new:
        p.entity = e.id
    return merged


def analyse_doc(doc: Doc, timings: dict | None = None) -> Layers:
    from marsad.extract import actors, entities, events, places, quotes, times

    clock = _Clock(timings)
    layers = Layers()
    ents = entities.extract_entities(doc)
    clock.lap("entities")
    layers.entities = actors.resolve_actors(doc, ents)
    clock.lap("actors")
    layers.times = times.extract_times(doc)
    if doc.published is None:
        # no publication date: the article's own latest full date stands in, and the record
        # says so (relative dates were resolved against it, or left unresolved without it)
        inferred = times.infer_publication_date(doc, layers.times)
        if inferred is not None:
            doc.published = inferred
            layers.notes["published_inferred"] = inferred.isoformat()
    clock.lap("times")
    layers.places = places.extract_places(doc, layers.entities)
    layers.entities = _add_gazetteer_entities(doc, layers.entities, layers.places)
    clock.lap("places")
    layers.quotes = quotes.extract_quotes(doc, layers)
    clock.lap("quotes")
    layers.events = events.extract_events(doc, layers)
    clock.lap("events")
    return layers


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while one article is analysed. An article allocates tens
    of thousands of short-lived objects (tokens, spans, candidate lists) that reference
    counting frees on its own; a collection in the middle of an article scans them and
    promotes the survivors to older generations, which brings on more of the full collections
    that walk every long-lived object (lexicons, gazetteer, per-word caches). Paused, the
    collector runs between articles instead (measured on ANT: GC time ~0.5 -> ~0.35 ms per
    article, fewer full collections). The collector ends enabled whenever it was enabled on
    entry, also with nested or concurrent calls."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def analyse(article: Article, timings: dict | None = None) -> Record:
    with _gc_paused():
        clock = _Clock(timings)
        doc = analyse_text(article.text, published_date(article.published))
        clock.lap("text")
        layers = analyse_doc(doc, timings)
        return Record(article=article, entities=layers.entities, times=layers.times,
                      places=layers.places, quotes=layers.quotes, events=layers.events,
                      notes=layers.notes)
