"""HR's absences, leave ledger, yearly vacation plan and absence feeds (hr.models)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 23:35:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

UTC = sqlmodel.sql.sqltypes.UTCDateTime
TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        'absence',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('kind', TEXT(length=40), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('hours', sa.Integer(), nullable=True),
        sa.Column('instance_id', sa.Integer(), nullable=True),
        sa.Column('deputy_record_id', sa.Integer(), nullable=True),
        sa.Column('note', TEXT(length=500), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTC(), nullable=False),
        sa.Column('cancelled_at', UTC(), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
        sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], ),
        sa.ForeignKeyConstraint(['deputy_record_id'], ['deputy.id'], ),
        sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], ),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('absence') as batch:
        batch.create_index(batch.f('ix_absence_person_id'), ['person_id'], unique=False)
        batch.create_index(batch.f('ix_absence_starts_on'), ['starts_on'], unique=False)
        batch.create_index(batch.f('ix_absence_ends_on'), ['ends_on'], unique=False)
        batch.create_index(batch.f('ix_absence_instance_id'), ['instance_id'], unique=False)
    op.create_table(
        'leaveentry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('leave_type', TEXT(length=40), nullable=False),
        sa.Column('kind', TEXT(length=20), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('on', sa.Date(), nullable=False),
        sa.Column('reason', TEXT(length=500), nullable=False),
        sa.Column('key', TEXT(length=60), nullable=True),
        sa.Column('absence_id', sa.Integer(), nullable=True),
        sa.Column('instance_id', sa.Integer(), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTC(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
        sa.ForeignKeyConstraint(['absence_id'], ['absence.id'], ),
        sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], ),
        sa.ForeignKeyConstraint(['author_id'], ['person.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('person_id', 'leave_type', 'key'))
    with op.batch_alter_table('leaveentry') as batch:
        batch.create_index(batch.f('ix_leaveentry_person_id'), ['person_id'], unique=False)
    op.create_table(
        'vacationplanentry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('state', TEXT(length=20), nullable=False),
        sa.Column('note', TEXT(length=500), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', UTC(), nullable=True),
        sa.Column('created_at', UTC(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
        sa.ForeignKeyConstraint(['decided_by_id'], ['person.id'], ),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('vacationplanentry') as batch:
        batch.create_index(batch.f('ix_vacationplanentry_person_id'), ['person_id'], unique=False)
        batch.create_index(batch.f('ix_vacationplanentry_year'), ['year'], unique=False)
    op.create_table(
        'vacationplanpublication',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('department', TEXT(length=200), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=False),
        sa.Column('published_at', UTC(), nullable=False),
        sa.ForeignKeyConstraint(['published_by_id'], ['person.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('department', 'year'))
    op.create_table(
        'calendarfeed',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('scope', TEXT(length=20), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('department', TEXT(length=200), nullable=False),
        sa.Column('token_hash', TEXT(length=64), nullable=False),
        sa.Column('show_kinds', sa.Boolean(), nullable=False),
        sa.Column('created_at', UTC(), nullable=False),
        sa.Column('revoked_at', UTC(), nullable=True),
        sa.ForeignKeyConstraint(['owner_id'], ['person.id'], ),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'))
    with op.batch_alter_table('calendarfeed') as batch:
        batch.create_index(batch.f('ix_calendarfeed_owner_id'), ['owner_id'], unique=False)


def downgrade() -> None:
    op.drop_table('calendarfeed')
    op.drop_table('vacationplanpublication')
    op.drop_table('vacationplanentry')
    op.drop_table('leaveentry')
    op.drop_table('absence')
