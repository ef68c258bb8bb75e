"""Typed records that flow through the pipeline: Article -> Doc -> layers -> Record.

Every span carries `start`/`end` offsets into `Article.text` (the text exactly as decoded)
and its `text`, so that `article.text[start:end] == span.text` always holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    text: str

    def to_json(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(slots=True)
class Article:
    """One news article as ingest produced it. `text` is never altered after this point."""
    text: str
    id: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO date or datetime
    title: str | None = None
    source: str | None = None  # where it came from: "file.jsonl:12", a URL, ...
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Entity:
    id: str
    span: Span
    type: str  # PER ORG GPE LOC FAC NORP
    canonical: dict | None = None  # {"ar": ..., "en": ...}
    actor_code: str | None = None
    wikidata: str | None = None
    place: dict | None = None  # resolved place for GPE/LOC/FAC (see geo)
    score: float = 1.0
    source: str = "model"  # model | lexicon | rule


@dataclass(slots=True)
class TimeExpr:
    span: Span
    value: str | None  # TIMEX3-style value, None when it cannot be resolved
    precision: str  # time day week month season quarter year decade vague
    calendar: str = "gregorian"
    anchor: str | None = None  # "published", "text", "inferred" ...


@dataclass(slots=True)
class Place:
    span: Span
    name: str | None
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    geonameid: int | None
    precision: str  # site city district province country
    name_ar: str | None = None
    entity: str | None = None
    kind: str | None = None  # GPE LOC FAC: entity type suggested for a gazetteer mention the NER missed


@dataclass(slots=True)
class Quote:
    span: Span
    kind: str  # direct | indirect
    cue: Span | None
    speaker: Span | None
    speaker_entity: str | None = None
    speaker_code: str | None = None


@dataclass(slots=True)
class Argument:
    span: Span
    entity: str | None = None
    code: str | None = None


@dataclass(slots=True)
class Event:
    id: str
    type: str
    mode: str | None
    trigger: Span
    sentence: Span
    status: str = "actual"
    contexts: list[str] = field(default_factory=list)
    actor: Argument | None = None
    recipient: Argument | None = None
    location: Place | None = None
    date: dict | None = None  # {"value", "precision", "from"}
    size: dict = field(default_factory=lambda: {"dead": None, "injured": None, "arrested": None})
    cameo_root: str | None = None
    acled: str | None = None
    confidence: float = 0.5
    mentions: list[Span] = field(default_factory=list)


@dataclass(slots=True)
class Record:
    """The analysed article: serialised by `marsad.record.to_json` into SCHEMA.md's shape."""
    article: Article
    entities: list[Entity] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)
