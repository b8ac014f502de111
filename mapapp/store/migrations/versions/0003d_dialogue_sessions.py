"""Dialogue sessions (issue 18): answers from phones, questions to the panel, dialogunderlag

Revision ID: 0003d
Revises: 0003a
Create Date: 2026-12-02 01:39:35.319747
"""
from alembic import op
import sqlalchemy as sa


revision = '0003d'
down_revision = '0003a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dialogue_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('presentation_id', sa.Integer(), nullable=True),
    sa.Column('presentation_slug', sa.String(length=80), nullable=False),
    sa.Column('presentation_name', sa.String(length=200), nullable=False),
    sa.Column('promise_slug', sa.String(length=80), nullable=False),
    sa.Column('promise_title', sa.String(length=300), nullable=False),
    sa.Column('municipality_code', sa.String(length=4), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('cell_metres', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('results_visible', sa.Boolean(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_by', sa.String(length=100), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['presentation_id'], ['presentation.id'], name='fk_dialogue_session_presentation_id', ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('dialogue_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dialogue_session_presentation_id'), ['presentation_id'], unique=False)

    op.create_table('dialogue_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('area', sa.String(length=80), nullable=False),
    sa.Column('question', sa.String(length=200), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['dialogue_session.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_id', 'phone', 'question')
    )
    with op.batch_alter_table('dialogue_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dialogue_answer_session_id'), ['session_id'], unique=False)

    op.create_table('dialogue_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=80), nullable=False),
    sa.Column('promise_id', sa.Integer(), nullable=True),
    sa.Column('attached_by', sa.String(length=100), nullable=False),
    sa.Column('attached_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['promise_id'], ['promise.id'], name='fk_dialogue_attachment_promise_id', ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['dialogue_session.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_id', 'area')
    )
    with op.batch_alter_table('dialogue_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dialogue_attachment_area'), ['area'], unique=False)
        batch_op.create_index(batch_op.f('ix_dialogue_attachment_promise_id'), ['promise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dialogue_attachment_session_id'), ['session_id'], unique=False)

    op.create_table('dialogue_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('area', sa.String(length=80), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['dialogue_session.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_id', 'phone')
    )
    with op.batch_alter_table('dialogue_question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dialogue_question_session_id'), ['session_id'], unique=False)



def downgrade():
    with op.batch_alter_table('dialogue_question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dialogue_question_session_id'))

    op.drop_table('dialogue_question')
    with op.batch_alter_table('dialogue_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dialogue_attachment_session_id'))
        batch_op.drop_index(batch_op.f('ix_dialogue_attachment_promise_id'))
        batch_op.drop_index(batch_op.f('ix_dialogue_attachment_area'))

    op.drop_table('dialogue_attachment')
    with op.batch_alter_table('dialogue_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dialogue_answer_session_id'))

    op.drop_table('dialogue_answer')
    with op.batch_alter_table('dialogue_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dialogue_session_presentation_id'))

    op.drop_table('dialogue_session')
