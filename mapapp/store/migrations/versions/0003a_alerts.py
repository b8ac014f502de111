"""E-mail alerts: addresses, subscriptions, published events, outbox

Revision ID: 0003a
Revises: 0003s
Create Date: 2026-12-02 01:40:13.584344
"""
from alembic import op
import sqlalchemy as sa


revision = '0003a'
down_revision = '0003s'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('alert_address',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('confirm_mailed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email'),
    sa.UniqueConstraint('key')
    )
    op.create_table('alert_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('promise_slug', sa.String(length=80), nullable=False),
    sa.Column('area_slugs', sa.JSON(), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('fanned_out_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alert_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_event_created_at'), ['created_at'], unique=False)

    op.create_table('alert_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('failed_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['address_id'], ['alert_address.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['alert_event.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('address_id', 'event_id'),
    sa.UniqueConstraint('token')
    )
    with op.batch_alter_table('alert_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_message_address_id'), ['address_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_message_event_id'), ['event_id'], unique=False)

    op.create_table('alert_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('confirm_sent_at', sa.DateTime(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['address_id'], ['alert_address.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('address_id', 'kind', 'slug')
    )
    with op.batch_alter_table('alert_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_subscription_address_id'), ['address_id'], unique=False)



def downgrade():
    with op.batch_alter_table('alert_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_subscription_address_id'))

    op.drop_table('alert_subscription')
    with op.batch_alter_table('alert_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_message_event_id'))
        batch_op.drop_index(batch_op.f('ix_alert_message_address_id'))

    op.drop_table('alert_message')
    with op.batch_alter_table('alert_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_event_created_at'))

    op.drop_table('alert_event')
    op.drop_table('alert_address')
