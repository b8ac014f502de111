"""Löfteskartan: what police and municipality promised a neighbourhood, where, and whether it was kept."""
from .app import create_app

__all__ = ["create_app"]
