"""Every table of the app, for migrations, backups and tests: the models of each noun imported in one place.

A new noun's tables live in a module of their own (store/<noun>_models.py, on models.Base) and are
imported here, so Alembic and the backup see them.
"""
from . import alert_models, dialogue_models, import_models, models  # noqa: F401 (registers the tables on Base.metadata)
from .models import Base, NationalBase

METADATA = (Base.metadata, NationalBase.metadata)
