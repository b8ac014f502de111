"""Follow-up knowledge (reports, searches, what an entry covers, evidence kind), source precision, lineage.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 01:11:15.082618
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('camera_site', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reported', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('status_as_of', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=True))

    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('lineage', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('predecessor_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lineage_note', sa.Text(), nullable=True))
        batch_op.create_foreign_key('fk_commitment_predecessor_id', 'commitment', ['predecessor_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.add_column(sa.Column('covers_first', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('covers_last', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('published_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('evidence_kind', sa.String(length=20), nullable=True))

    with op.batch_alter_table('promise', schema=None) as batch_op:
        batch_op.add_column(sa.Column('period_label', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('follow_up_reports', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('follow_up_searches', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=True))



def downgrade():
    with op.batch_alter_table('promise', schema=None) as batch_op:
        batch_op.drop_column('details')
        batch_op.drop_column('follow_up_searches')
        batch_op.drop_column('follow_up_reports')
        batch_op.drop_column('period_label')

    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_column('evidence_kind')
        batch_op.drop_column('published_on')
        batch_op.drop_column('covers_last')
        batch_op.drop_column('covers_first')

    with op.batch_alter_table('commitment', schema=None) as batch_op:
        batch_op.drop_constraint('fk_commitment_predecessor_id', type_='foreignkey')
        batch_op.drop_column('lineage_note')
        batch_op.drop_column('predecessor_id')
        batch_op.drop_column('lineage')
        batch_op.drop_column('details')

    with op.batch_alter_table('camera_site', schema=None) as batch_op:
        batch_op.drop_column('details')
        batch_op.drop_column('status_as_of')
        batch_op.drop_column('reported')

