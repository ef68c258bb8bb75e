"""The event database that grows as news arrives (SQLite by default, PostgreSQL for servers).

- `db.open_db(url)`: engine + Alembic-migrated schema + sessions
- `models`: the tables (articles, actors, entities, times, places, quotes, events,
  canonical_events, event_sources), offsets everywhere
- `ingest.Ingestor`: idempotent, versioned, transactional-per-batch storage of records
- `dedup`: near-duplicate articles (MinHash/LSH) and cross-article event clustering
- `export`: PLOVER JSON, ACLED CSV, GDELT TSV, CSV, Parquet
"""
