"""Opening the event database: URL -> engine -> migrated schema -> sessions.

`open_db(url)` is the one entry point (ingest, export, demo and the API use it). It accepts a
SQLAlchemy URL (`sqlite:///marsad.db`, `postgresql+psycopg://user@host:5432/db`) or a plain file
path (taken as SQLite), and brings the schema to the newest Alembic revision before returning,
so a fresh file or an old database both just work.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from marsad.errors import UserError

log = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///marsad.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Arbitrary constant: serialises concurrent migrations of one PostgreSQL database.
_PG_MIGRATION_LOCK = 0x6D617273


def default_url() -> str:
    """$MARSAD_DB if set, else a SQLite file in the working directory."""
    return os.environ.get("MARSAD_DB") or DEFAULT_URL


def normalise_url(url: str | os.PathLike | None) -> str:
    """Accept a URL or a filesystem path; use psycopg (v3) for bare `postgresql://` URLs."""
    if url is None or str(url) == "":
        return default_url()
    s = str(url)
    if "://" not in s:
        return f"sqlite:///{Path(s).expanduser()}"
    if s.startswith("postgres://"):
        s = "postgresql://" + s[len("postgres://"):]
    if s.startswith("postgresql://"):
        s = "postgresql+psycopg://" + s[len("postgresql://"):]
    return s


def redact(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def make_engine(url: str | None = None, **kw) -> Engine:
    url = normalise_url(url)
    try:
        u = make_url(url)
    except ArgumentError as e:
        raise UserError(f"not a database URL: {url!r}") from e
    if u.get_backend_name() == "sqlite":
        db = u.database
        if db and db != ":memory:" and not db.startswith("file:"):
            parent = Path(db).expanduser().resolve().parent
            if not parent.is_dir():
                raise UserError(f"database folder does not exist: {parent}")
        kw.setdefault("connect_args", {"timeout": 30})
    else:
        kw.setdefault("pool_pre_ping", True)
    try:
        engine = create_engine(u, **kw)
    except (NoSuchModuleError, ModuleNotFoundError) as e:
        raise UserError(f"no driver for {u.drivername} (for PostgreSQL: pip install 'psycopg[binary]')") from e
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # FKs are off by default in SQLite; WAL lets the dashboard read while ingest writes.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    try:
        cur.execute("PRAGMA journal_mode=WAL")
    except Exception:  # read-only media or in-memory: keep the default journal
        pass
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine) -> None:
    """Upgrade the schema to head (no-op when already there)."""
    from alembic import command

    head = head_revision()
    if current_revision(engine) == head:
        return
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        elif conn.dialect.name == "sqlite":
            # two processes opening one new file: the second waits, then finds it migrated
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        log.info("migrating %s to %s", redact(str(engine.url)), head)
        command.upgrade(_alembic_config(conn), "head")


_PG_WRITE_LOCK = 0x6D617274


def write_lock(s: Session) -> None:
    """Serialise writers of one database for the rest of this transaction, so a batch's reads
    (is this key stored? does this actor exist?) and its writes are one atomic step even when
    several ingest processes or API workers write at once."""
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_WRITE_LOCK})
    elif dialect == "sqlite":
        s.connection().exec_driver_sql("BEGIN IMMEDIATE")


@dataclass
class Database:
    """An open, migrated database: `with db.session() as s: ...` commits on success."""

    url: str
    engine: Engine
    sessionmaker: sessionmaker[Session]
    # per-process state shared by writers of this database (the near-duplicate index)
    cache: dict = field(default_factory=dict)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessionmaker() as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()


def open_db(url: str | os.PathLike | None = None, *, upgrade: bool = True, **engine_kw) -> Database:
    """Open (creating if needed) and migrate the database at `url`."""
    url = normalise_url(url)
    engine = make_engine(url, **engine_kw)
    try:
        if upgrade:
            migrate(engine)
        else:
            with engine.connect():
                pass
    except DBAPIError as e:
        engine.dispose()
        msg = str(getattr(e, "orig", e)).strip().splitlines()
        raise UserError(f"cannot open database {redact(url)}: {msg[0] if msg else e}") from e
    return Database(url=url, engine=engine, sessionmaker=sessionmaker(engine, expire_on_commit=False))
