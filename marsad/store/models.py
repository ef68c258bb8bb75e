"""The event database: SQLAlchemy 2 models, shared by ingest, export, the API and the dashboard.

Shape, in one paragraph: an `Article` row is one *version* of one article (its key is the
record id, or its URL); the layers extracted from it (`Entity`, `TimeExpr`, `PlaceMention`,
`Quote`, `Event`) hang off that row and carry the character offsets into `Article.text`, so a
UI can highlight every span. Only the latest version of an article keeps its layers (older
versions keep text and hash for history). Events of different articles that describe the same
real-world act are linked into one `CanonicalEvent`, through `EventSource` rows that list each
reporting article with its outlet and URL. Near-duplicate articles (syndicated copies) point to
the earliest copy through `Article.duplicate_of`.

Column names follow SCHEMA.md where a field exists there (`start`/`end`, `type`, `mode`,
`actor_code`, `country`, `admin1` ...). Filter columns are indexed so the 31k-article corpus
stays quick to query. The schema is created and upgraded by Alembic (marsad/store/migrations),
never by `create_all` at run time; change a model only together with a new migration.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Article(Base):
    """One version of one article. `key` identifies the article across versions."""

    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("key", "version", name="uq_articles_key_version"),
        Index("ix_articles_key_latest", "key", "is_latest"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(512))          # record "id" (stable across versions)
    url: Mapped[str | None] = mapped_column(Text, index=False)
    url_hash: Mapped[str | None] = mapped_column(String(64), index=True)  # sha256(url): URLs can exceed index limits
    outlet: Mapped[str | None] = mapped_column(String(200), index=True)
    published: Mapped[str | None] = mapped_column(String(40))   # as given: ISO date or datetime
    published_date: Mapped[date | None] = mapped_column(Date, index=True)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of text (+title)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_latest: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    ingested_at: Mapped[datetime] = mapped_column(DateTime)
    source: Mapped[str | None] = mapped_column(Text)        # file:line or feed URL it came from
    # near-duplicate detection (MinHash/LSH over word shingles): the earliest stored copy
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"), index=True)
    duplicate_score: Mapped[float | None] = mapped_column(Float)  # estimated Jaccard with duplicate_of
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)   # signature, to rebuild the LSH index
    n_events: Mapped[int] = mapped_column(Integer, default=0)
    extra: Mapped[dict | None] = mapped_column(JSON)          # record fields the schema has no column for

    entities: Mapped[list[Entity]] = relationship(back_populates="article", cascade="all, delete-orphan",
                                                  passive_deletes=True, order_by="Entity.start")
    times: Mapped[list[TimeExpr]] = relationship(back_populates="article", cascade="all, delete-orphan",
                                                 passive_deletes=True, order_by="TimeExpr.start")
    places: Mapped[list[PlaceMention]] = relationship(back_populates="article", cascade="all, delete-orphan",
                                                      passive_deletes=True, order_by="PlaceMention.start")
    quotes: Mapped[list[Quote]] = relationship(back_populates="article", cascade="all, delete-orphan",
                                               passive_deletes=True, order_by="Quote.start")
    events: Mapped[list[Event]] = relationship(back_populates="article", cascade="all, delete-orphan",
                                               passive_deletes=True, order_by="Event.trigger_start")


class Actor(Base):
    """A distinct actor across the corpus: one row per (code, Arabic canonical name)."""

    __tablename__ = "actors"
    __table_args__ = (UniqueConstraint("key", name="uq_actors_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(512))             # "code|normalised Arabic name"
    code: Mapped[str | None] = mapped_column(String(64), index=True)   # CAMEO-style, e.g. IRQGOV
    name_ar: Mapped[str | None] = mapped_column(String(400))
    name_en: Mapped[str | None] = mapped_column(String(400))
    type: Mapped[str | None] = mapped_column(String(8))       # PER ORG GPE LOC FAC NORP
    wikidata: Mapped[str | None] = mapped_column(String(32))
    mentions: Mapped[int] = mapped_column(Integer, default=0)  # entity mentions in latest versions


class Entity(Base):
    """An entity mention (SCHEMA.md `entities[]`) in one article."""

    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    eid: Mapped[str] = mapped_column(String(32))               # "e1" as in the record
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    type: Mapped[str | None] = mapped_column(String(8), index=True)
    canonical_ar: Mapped[str | None] = mapped_column(String(400))
    canonical_en: Mapped[str | None] = mapped_column(String(400))
    actor_code: Mapped[str | None] = mapped_column(String(64), index=True)
    wikidata: Mapped[str | None] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actors.id", ondelete="SET NULL"), index=True)

    article: Mapped[Article] = relationship(back_populates="entities")
    actor: Mapped[Actor | None] = relationship()


class TimeExpr(Base):
    """A time expression (SCHEMA.md `times[]`)."""

    __tablename__ = "times"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    value: Mapped[str | None] = mapped_column(String(40))
    precision: Mapped[str | None] = mapped_column(String(16))
    calendar: Mapped[str | None] = mapped_column(String(16))

    article: Mapped[Article] = relationship(back_populates="times")


class PlaceMention(Base):
    """A resolved place mention (record `places[]`, when the record has it)."""

    __tablename__ = "places"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(400))
    name_ar: Mapped[str | None] = mapped_column(String(400))
    country: Mapped[str | None] = mapped_column(String(3), index=True)
    admin1: Mapped[str | None] = mapped_column(String(200), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    geonameid: Mapped[int | None] = mapped_column(Integer)
    precision: Mapped[str | None] = mapped_column(String(16))
    entity: Mapped[str | None] = mapped_column(String(32))    # entity eid, e.g. "e3"

    article: Mapped[Article] = relationship(back_populates="places")


class Quote(Base):
    """A quotation (SCHEMA.md `quotes[]`) with its cue and speaker spans."""

    __tablename__ = "quotes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str | None] = mapped_column(String(16))
    cue_text: Mapped[str | None] = mapped_column(String(200))
    cue_start: Mapped[int | None] = mapped_column(Integer)
    cue_end: Mapped[int | None] = mapped_column(Integer)
    speaker_text: Mapped[str | None] = mapped_column(Text)
    speaker_start: Mapped[int | None] = mapped_column(Integer)
    speaker_end: Mapped[int | None] = mapped_column(Integer)
    speaker_entity: Mapped[str | None] = mapped_column(String(32))
    speaker_code: Mapped[str | None] = mapped_column(String(64), index=True)

    article: Mapped[Article] = relationship(back_populates="quotes")


class Event(Base):
    """An event as one article reports it (SCHEMA.md `events[]`), flattened for filtering."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_type_date", "type", "date"),
        Index("ix_events_country_date", "country", "date"),
        Index("ix_events_confidence", "confidence"),   # 0002: sort by confidence without a full sort
        Index("ix_events_lat_lon", "lat", "lon"),      # 0002: bounding-box filter, map points
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    eid: Mapped[str] = mapped_column(String(32))               # "v1" as in the record
    type: Mapped[str] = mapped_column(String(16), index=True)  # PLOVER type
    mode: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str | None] = mapped_column(String(16), index=True)
    contexts: Mapped[list | None] = mapped_column(JSON)
    trigger_text: Mapped[str] = mapped_column(Text)
    trigger_start: Mapped[int] = mapped_column(Integer)
    trigger_end: Mapped[int] = mapped_column(Integer)
    sentence_start: Mapped[int | None] = mapped_column(Integer)
    sentence_end: Mapped[int | None] = mapped_column(Integer)
    actor_text: Mapped[str | None] = mapped_column(Text)
    actor_start: Mapped[int | None] = mapped_column(Integer)
    actor_end: Mapped[int | None] = mapped_column(Integer)
    actor_entity: Mapped[str | None] = mapped_column(String(32))
    actor_code: Mapped[str | None] = mapped_column(String(64), index=True)
    recipient_text: Mapped[str | None] = mapped_column(Text)
    recipient_start: Mapped[int | None] = mapped_column(Integer)
    recipient_end: Mapped[int | None] = mapped_column(Integer)
    recipient_entity: Mapped[str | None] = mapped_column(String(32))
    recipient_code: Mapped[str | None] = mapped_column(String(64), index=True)
    location_text: Mapped[str | None] = mapped_column(Text)
    location_start: Mapped[int | None] = mapped_column(Integer)
    location_end: Mapped[int | None] = mapped_column(Integer)
    location_name: Mapped[str | None] = mapped_column(String(400))
    country: Mapped[str | None] = mapped_column(String(3), index=True)
    admin1: Mapped[str | None] = mapped_column(String(200), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    geonameid: Mapped[int | None] = mapped_column(Integer)
    geo_precision: Mapped[str | None] = mapped_column(String(16))
    date: Mapped[date | None] = mapped_column(Date, index=True)       # first day the value covers
    date_value: Mapped[str | None] = mapped_column(String(40))        # TIMEX3 value as given
    date_precision: Mapped[str | None] = mapped_column(String(16))
    date_from: Mapped[str | None] = mapped_column(String(16))         # text | published
    dead: Mapped[str | None] = mapped_column(String(32))              # int or word-range label
    injured: Mapped[str | None] = mapped_column(String(32))
    arrested: Mapped[str | None] = mapped_column(String(32))
    cameo_root: Mapped[str | None] = mapped_column(String(8))
    acled: Mapped[str | None] = mapped_column(String(120))
    confidence: Mapped[float | None] = mapped_column(Float)
    mentions: Mapped[list | None] = mapped_column(JSON)               # further mention spans
    canonical_id: Mapped[int | None] = mapped_column(ForeignKey("canonical_events.id", ondelete="SET NULL"),
                                                     index=True)

    article: Mapped[Article] = relationship(back_populates="events")
    canonical: Mapped[CanonicalEvent | None] = relationship(back_populates="events")


class CanonicalEvent(Base):
    """One real-world act, merged from the events of every article that reported it.

    Its descriptive fields are those of the representative member (the most confident event
    with the most specific date and place); `n_sources` counts distinct outlets and
    `n_articles` distinct articles, so the dashboard can rank by corroboration.
    """

    __tablename__ = "canonical_events"
    __table_args__ = (
        Index("ix_canonical_type_date", "type", "date"),
        Index("ix_canonical_country_date", "country", "date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(16), index=True)
    mode: Mapped[str | None] = mapped_column(String(32))
    date: Mapped[date | None] = mapped_column(Date, index=True)
    date_precision: Mapped[str | None] = mapped_column(String(16))
    country: Mapped[str | None] = mapped_column(String(3), index=True)
    admin1: Mapped[str | None] = mapped_column(String(200), index=True)
    location_name: Mapped[str | None] = mapped_column(String(400))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    geo_precision: Mapped[str | None] = mapped_column(String(16))
    actor_code: Mapped[str | None] = mapped_column(String(64), index=True)
    actor_name: Mapped[str | None] = mapped_column(Text)
    recipient_code: Mapped[str | None] = mapped_column(String(64), index=True)
    recipient_name: Mapped[str | None] = mapped_column(Text)
    dead: Mapped[str | None] = mapped_column(String(32))
    injured: Mapped[str | None] = mapped_column(String(32))
    arrested: Mapped[str | None] = mapped_column(String(32))
    cameo_root: Mapped[str | None] = mapped_column(String(8))
    acled: Mapped[str | None] = mapped_column(String(120))
    confidence: Mapped[float | None] = mapped_column(Float)
    n_sources: Mapped[int] = mapped_column(Integer, default=0, index=True)   # distinct outlets
    n_articles: Mapped[int] = mapped_column(Integer, default=0)             # distinct articles
    n_events: Mapped[int] = mapped_column(Integer, default=0)               # member events
    first_published: Mapped[date | None] = mapped_column(Date)
    # events.id of the representative member; no FK, to keep the two tables free of a cycle
    representative_id: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)

    events: Mapped[list[Event]] = relationship(back_populates="canonical")
    sources: Mapped[list[EventSource]] = relationship(back_populates="canonical", cascade="all, delete-orphan",
                                                      passive_deletes=True)


class EventSource(Base):
    """Membership of an article's event in a canonical event, with where it was reported."""

    __tablename__ = "event_sources"
    __table_args__ = (UniqueConstraint("event_id", name="uq_event_sources_event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    canonical_id: Mapped[int] = mapped_column(ForeignKey("canonical_events.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    outlet: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(40))
    similarity: Mapped[float | None] = mapped_column(Float)   # match score with the cluster when joined

    canonical: Mapped[CanonicalEvent] = relationship(back_populates="sources")
    event: Mapped[Event] = relationship()
    article: Mapped[Article] = relationship()


__all__ = ["Base", "Article", "Actor", "Entity", "TimeExpr", "PlaceMention", "Quote", "Event",
           "CanonicalEvent", "EventSource"]
