"""Sweden's 290 municipalities (SCB: code, name, county), read from geodata/municipalities.csv on first use."""
import csv
from collections.abc import Mapping
from functools import lru_cache

from ..core.paths import resource_dir


@lru_cache(maxsize=1)
def _table() -> dict[str, dict]:
    with open(resource_dir("geodata") / "municipalities.csv", encoding="utf-8", newline="") as fh:
        return {row["kommunkod"]: {"code": row["kommunkod"], "name": row["kommunnamn"],
                                   "county_code": row["lanskod"], "county": row["lansnamn"]}
                for row in csv.DictReader(fh)}


class _Names(Mapping):
    """Code → name for every municipality, loaded when first read (a mapping, so `code in MUNICIPALITIES`)."""

    def __getitem__(self, code):
        return _table()[code]["name"]

    def __iter__(self):
        return iter(_table())

    def __len__(self):
        return len(_table())


MUNICIPALITIES = _Names()


def municipality(code: str) -> dict | None:
    """{code, name, county_code, county}, or None for a code that is not a Swedish municipality."""
    return _table().get(code)


def municipality_pair(code: str | None) -> tuple[str, str] | None:
    """(code, name) for a known code, else None."""
    return (code, MUNICIPALITIES[code]) if code in MUNICIPALITIES else None


def all_municipalities() -> list[dict]:
    """Every municipality, by code."""
    return list(_table().values())
