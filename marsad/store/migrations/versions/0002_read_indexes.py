"""Read-side indexes for the API: sorting the event table by confidence without sorting every
row, and bounding-box filters / map points on (lat, lon).

(A trigram FTS5 table for free text was tried here; its virtual and shadow tables are not
SQLAlchemy models, so the models-vs-migrations check would see them as strays. Free text still
scans; see bench/RELIABILITY.md §4.)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 10:35:00
"""
from __future__ import annotations

from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_confidence', ['confidence'], unique=False)
        batch_op.create_index('ix_events_lat_lon', ['lat', 'lon'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_lat_lon')
        batch_op.drop_index('ix_events_confidence')
