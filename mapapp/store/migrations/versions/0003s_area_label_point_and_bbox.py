"""Areas carry a label point and a bounding box, derived from their geometry (filled in for existing areas).

Revision ID: 0003s
Revises: 0002
Create Date: 2026-12-02 01:42:25.549224
"""
from alembic import op
import sqlalchemy as sa

from mapapp.geo.shapes import shape_facts


revision = '0003s'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.add_column(sa.Column('label_point', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('bbox', sa.JSON(), nullable=True))

    area = sa.table("area", sa.column("id", sa.Integer), sa.column("geometry", sa.Text),
                    sa.column("label_point", sa.JSON), sa.column("bbox", sa.JSON))
    conn = op.get_bind()
    for row in conn.execute(sa.select(area.c.id, area.c.geometry)).all():
        point, box = shape_facts(row.geometry)
        conn.execute(area.update().where(area.c.id == row.id).values(label_point=point, bbox=box))



def downgrade():
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.drop_column('bbox')
        batch_op.drop_column('label_point')

