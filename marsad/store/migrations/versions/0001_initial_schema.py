"""Initial schema: articles (versioned), actors, entities, times, places, quotes, events,
canonical events and their sources. Mirrors marsad/store/models.py at revision 0001.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-29 08:57:00.273700
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('actors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=512), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=True),
    sa.Column('name_ar', sa.String(length=400), nullable=True),
    sa.Column('name_en', sa.String(length=400), nullable=True),
    sa.Column('type', sa.String(length=8), nullable=True),
    sa.Column('wikidata', sa.String(length=32), nullable=True),
    sa.Column('mentions', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key', name='uq_actors_key')
    )
    with op.batch_alter_table('actors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actors_code'), ['code'], unique=False)

    op.create_table('articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=512), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('url_hash', sa.String(length=64), nullable=True),
    sa.Column('outlet', sa.String(length=200), nullable=True),
    sa.Column('published', sa.String(length=40), nullable=True),
    sa.Column('published_date', sa.Date(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('is_latest', sa.Boolean(), nullable=False),
    sa.Column('ingested_at', sa.DateTime(), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('duplicate_of', sa.Integer(), nullable=True),
    sa.Column('duplicate_score', sa.Float(), nullable=True),
    sa.Column('minhash', sa.LargeBinary(), nullable=True),
    sa.Column('n_events', sa.Integer(), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['duplicate_of'], ['articles.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key', 'version', name='uq_articles_key_version')
    )
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_articles_content_hash'), ['content_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_articles_duplicate_of'), ['duplicate_of'], unique=False)
        batch_op.create_index(batch_op.f('ix_articles_is_latest'), ['is_latest'], unique=False)
        batch_op.create_index('ix_articles_key_latest', ['key', 'is_latest'], unique=False)
        batch_op.create_index(batch_op.f('ix_articles_outlet'), ['outlet'], unique=False)
        batch_op.create_index(batch_op.f('ix_articles_published_date'), ['published_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_articles_url_hash'), ['url_hash'], unique=False)

    op.create_table('canonical_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('mode', sa.String(length=32), nullable=True),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('date_precision', sa.String(length=16), nullable=True),
    sa.Column('country', sa.String(length=3), nullable=True),
    sa.Column('admin1', sa.String(length=200), nullable=True),
    sa.Column('location_name', sa.String(length=400), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('geo_precision', sa.String(length=16), nullable=True),
    sa.Column('actor_code', sa.String(length=64), nullable=True),
    sa.Column('actor_name', sa.Text(), nullable=True),
    sa.Column('recipient_code', sa.String(length=64), nullable=True),
    sa.Column('recipient_name', sa.Text(), nullable=True),
    sa.Column('dead', sa.String(length=32), nullable=True),
    sa.Column('injured', sa.String(length=32), nullable=True),
    sa.Column('arrested', sa.String(length=32), nullable=True),
    sa.Column('cameo_root', sa.String(length=8), nullable=True),
    sa.Column('acled', sa.String(length=120), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('n_sources', sa.Integer(), nullable=False),
    sa.Column('n_articles', sa.Integer(), nullable=False),
    sa.Column('n_events', sa.Integer(), nullable=False),
    sa.Column('first_published', sa.Date(), nullable=True),
    sa.Column('representative_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('canonical_events', schema=None) as batch_op:
        batch_op.create_index('ix_canonical_country_date', ['country', 'date'], unique=False)
        batch_op.create_index(batch_op.f('ix_canonical_events_actor_code'), ['actor_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_canonical_events_admin1'), ['admin1'], unique=False)
        batch_op.create_index(batch_op.f('ix_canonical_events_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_canonical_events_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_canonical_events_n_sources'), ['n_sources'], unique=False)
        batch_op.create_index(batch_op.f('ix_canonical_events_recipient_code'), ['recipient_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_canonical_events_type'), ['type'], unique=False)
        batch_op.create_index('ix_canonical_type_date', ['type', 'date'], unique=False)

    op.create_table('entities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('eid', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=8), nullable=True),
    sa.Column('canonical_ar', sa.String(length=400), nullable=True),
    sa.Column('canonical_en', sa.String(length=400), nullable=True),
    sa.Column('actor_code', sa.String(length=64), nullable=True),
    sa.Column('wikidata', sa.String(length=32), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entities_actor_code'), ['actor_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_entities_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entities_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entities_type'), ['type'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('eid', sa.String(length=32), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('mode', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=True),
    sa.Column('contexts', sa.JSON(), nullable=True),
    sa.Column('trigger_text', sa.Text(), nullable=False),
    sa.Column('trigger_start', sa.Integer(), nullable=False),
    sa.Column('trigger_end', sa.Integer(), nullable=False),
    sa.Column('sentence_start', sa.Integer(), nullable=True),
    sa.Column('sentence_end', sa.Integer(), nullable=True),
    sa.Column('actor_text', sa.Text(), nullable=True),
    sa.Column('actor_start', sa.Integer(), nullable=True),
    sa.Column('actor_end', sa.Integer(), nullable=True),
    sa.Column('actor_entity', sa.String(length=32), nullable=True),
    sa.Column('actor_code', sa.String(length=64), nullable=True),
    sa.Column('recipient_text', sa.Text(), nullable=True),
    sa.Column('recipient_start', sa.Integer(), nullable=True),
    sa.Column('recipient_end', sa.Integer(), nullable=True),
    sa.Column('recipient_entity', sa.String(length=32), nullable=True),
    sa.Column('recipient_code', sa.String(length=64), nullable=True),
    sa.Column('location_text', sa.Text(), nullable=True),
    sa.Column('location_start', sa.Integer(), nullable=True),
    sa.Column('location_end', sa.Integer(), nullable=True),
    sa.Column('location_name', sa.String(length=400), nullable=True),
    sa.Column('country', sa.String(length=3), nullable=True),
    sa.Column('admin1', sa.String(length=200), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('geonameid', sa.Integer(), nullable=True),
    sa.Column('geo_precision', sa.String(length=16), nullable=True),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('date_value', sa.String(length=40), nullable=True),
    sa.Column('date_precision', sa.String(length=16), nullable=True),
    sa.Column('date_from', sa.String(length=16), nullable=True),
    sa.Column('dead', sa.String(length=32), nullable=True),
    sa.Column('injured', sa.String(length=32), nullable=True),
    sa.Column('arrested', sa.String(length=32), nullable=True),
    sa.Column('cameo_root', sa.String(length=8), nullable=True),
    sa.Column('acled', sa.String(length=120), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('mentions', sa.JSON(), nullable=True),
    sa.Column('canonical_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['canonical_id'], ['canonical_events.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_actor_code'), ['actor_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_admin1'), ['admin1'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_canonical_id'), ['canonical_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_country'), ['country'], unique=False)
        batch_op.create_index('ix_events_country_date', ['country', 'date'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_recipient_code'), ['recipient_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_type'), ['type'], unique=False)
        batch_op.create_index('ix_events_type_date', ['type', 'date'], unique=False)

    op.create_table('places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=400), nullable=True),
    sa.Column('name_ar', sa.String(length=400), nullable=True),
    sa.Column('country', sa.String(length=3), nullable=True),
    sa.Column('admin1', sa.String(length=200), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('geonameid', sa.Integer(), nullable=True),
    sa.Column('precision', sa.String(length=16), nullable=True),
    sa.Column('entity', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_places_admin1'), ['admin1'], unique=False)
        batch_op.create_index(batch_op.f('ix_places_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_places_country'), ['country'], unique=False)

    op.create_table('quotes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=True),
    sa.Column('cue_text', sa.String(length=200), nullable=True),
    sa.Column('cue_start', sa.Integer(), nullable=True),
    sa.Column('cue_end', sa.Integer(), nullable=True),
    sa.Column('speaker_text', sa.Text(), nullable=True),
    sa.Column('speaker_start', sa.Integer(), nullable=True),
    sa.Column('speaker_end', sa.Integer(), nullable=True),
    sa.Column('speaker_entity', sa.String(length=32), nullable=True),
    sa.Column('speaker_code', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quotes_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quotes_speaker_code'), ['speaker_code'], unique=False)

    op.create_table('times',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=True),
    sa.Column('precision', sa.String(length=16), nullable=True),
    sa.Column('calendar', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('times', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_times_article_id'), ['article_id'], unique=False)

    op.create_table('event_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('canonical_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('outlet', sa.String(length=200), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('published', sa.String(length=40), nullable=True),
    sa.Column('similarity', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['canonical_id'], ['canonical_events.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', name='uq_event_sources_event')
    )
    with op.batch_alter_table('event_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_sources_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_sources_canonical_id'), ['canonical_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('event_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_sources_canonical_id'))
        batch_op.drop_index(batch_op.f('ix_event_sources_article_id'))

    op.drop_table('event_sources')
    with op.batch_alter_table('times', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_times_article_id'))

    op.drop_table('times')
    with op.batch_alter_table('quotes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quotes_speaker_code'))
        batch_op.drop_index(batch_op.f('ix_quotes_article_id'))

    op.drop_table('quotes')
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_places_country'))
        batch_op.drop_index(batch_op.f('ix_places_article_id'))
        batch_op.drop_index(batch_op.f('ix_places_admin1'))

    op.drop_table('places')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_type_date')
        batch_op.drop_index(batch_op.f('ix_events_type'))
        batch_op.drop_index(batch_op.f('ix_events_status'))
        batch_op.drop_index(batch_op.f('ix_events_recipient_code'))
        batch_op.drop_index(batch_op.f('ix_events_date'))
        batch_op.drop_index('ix_events_country_date')
        batch_op.drop_index(batch_op.f('ix_events_country'))
        batch_op.drop_index(batch_op.f('ix_events_canonical_id'))
        batch_op.drop_index(batch_op.f('ix_events_article_id'))
        batch_op.drop_index(batch_op.f('ix_events_admin1'))
        batch_op.drop_index(batch_op.f('ix_events_actor_code'))

    op.drop_table('events')
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entities_type'))
        batch_op.drop_index(batch_op.f('ix_entities_article_id'))
        batch_op.drop_index(batch_op.f('ix_entities_actor_id'))
        batch_op.drop_index(batch_op.f('ix_entities_actor_code'))

    op.drop_table('entities')
    with op.batch_alter_table('canonical_events', schema=None) as batch_op:
        batch_op.drop_index('ix_canonical_type_date')
        batch_op.drop_index(batch_op.f('ix_canonical_events_type'))
        batch_op.drop_index(batch_op.f('ix_canonical_events_recipient_code'))
        batch_op.drop_index(batch_op.f('ix_canonical_events_n_sources'))
        batch_op.drop_index(batch_op.f('ix_canonical_events_date'))
        batch_op.drop_index(batch_op.f('ix_canonical_events_country'))
        batch_op.drop_index(batch_op.f('ix_canonical_events_admin1'))
        batch_op.drop_index(batch_op.f('ix_canonical_events_actor_code'))
        batch_op.drop_index('ix_canonical_country_date')

    op.drop_table('canonical_events')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_articles_url_hash'))
        batch_op.drop_index(batch_op.f('ix_articles_published_date'))
        batch_op.drop_index(batch_op.f('ix_articles_outlet'))
        batch_op.drop_index('ix_articles_key_latest')
        batch_op.drop_index(batch_op.f('ix_articles_is_latest'))
        batch_op.drop_index(batch_op.f('ix_articles_duplicate_of'))
        batch_op.drop_index(batch_op.f('ix_articles_content_hash'))

    op.drop_table('articles')
    with op.batch_alter_table('actors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actors_code'))

    op.drop_table('actors')
