"""The municipalities the app knows, by SCB code."""

MUNICIPALITIES = {"0581": "Norrköping", "0580": "Linköping", "0180": "Stockholm"}


def municipality_pair(code: str | None) -> tuple[str, str] | None:
    """(code, name) for a known code, else None."""
    return (code, MUNICIPALITIES[code]) if code in MUNICIPALITIES else None
