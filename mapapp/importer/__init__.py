"""Import promise documents (text, HTML, PDF) as draft promises, with an account of what was found."""
from dataclasses import dataclass, field

from ..core.paths import resource_dir
from . import gazetteer
from .extract import UnreadableDocument, extract_text
from .lexicon import Vocabulary, vocabulary
from .normalise import normalise
from .parse import parse
from .reader import TooMuch, check_size

__all__ = ["ImportResult", "UnreadableDocument", "import_document", "known_areas_from_dataset"]


@dataclass
class ImportResult:
    """Drafts shaped like dataset promises (plus `spans`, `original_text`) and a readable account."""

    drafts: list[dict] = field(default_factory=list)
    account: list[str] = field(default_factory=list)
    original_text: str = ""
    normalised_text: str = ""
    kind: str = ""
    unreadable: str | None = None  # why the input could not be read at all
    internal_error: bool = False  # true only if the safety net below caught a bug


def known_areas_from_dataset(ds) -> dict:
    """{slug: {name, municipality_code, municipality_name, est}} from a loaded dataset."""
    return {a["slug"]: {"name": a["name"], "municipality_code": a["municipality_code"],
                        "municipality_name": a["municipality_name"], "est": bool(a["est"].get("member"))}
            for a in ds.areas}


def _clean_known(known_areas) -> dict:
    # Accept {slug: name} as well as {slug: {...}}; ignore anything else rather than fail.
    out = {}
    for slug, info in (known_areas or {}).items() if isinstance(known_areas, dict) else ():
        if isinstance(info, str):
            out[str(slug)] = {"name": info}
        elif isinstance(info, dict):
            out[str(slug)] = info
    return out


def import_document(data: bytes, filename: str, known_areas: dict, vocab: Vocabulary | None = None) -> ImportResult:
    """Read one document and draft its promises; never raises, whatever the input."""
    result = ImportResult()
    try:
        extracted = extract_text(data, filename)
    except UnreadableDocument as err:
        result.unreadable = err.message
        result.account = [f"Could not read {filename or 'the file'}: {err.message}.", "No draft."]
        return result
    result.original_text, result.kind = extracted.text, extracted.kind
    try:
        check_size(extracted.text)
    except TooMuch as err:
        result.unreadable = f"{err}; far beyond any promise document, refused without reading it"
        result.account = [f"Refused {filename or 'the file'}: {result.unreadable}.", "No draft."]
        return result
    try:
        known = _clean_known(known_areas)
        vocab = vocab if vocab is not None else vocabulary(str(resource_dir("geodata")))
        names = [info.get("name", "") for info in known.values()]
        gaz = gazetteer.load()
        norm = normalise(extracted.text, vocab, [w for n in names for w in n.split()] + sorted(gaz.place_words()),
                         [m["name"] for m in gaz.municipalities])
        result.normalised_text = norm.text
        result.account.append(f"Read {len(extracted.text)} characters of {extracted.kind}"
                              + (f" ({'; '.join(extracted.notes)})" if extracted.notes else "") + ".")
        if not known:
            result.account.append("No known areas were given, so no area can be recognised.")
        if norm.ocr_damaged:
            sample = ", ".join(f"“{a}” → “{b}”" for a, b in norm.corrections[:6])
            result.account.append(f"The text looks OCR-damaged (å/ä/ö lost); {len(norm.corrections)} word(s) "
                                  f"repaired for parsing, the original is kept (e.g. {sample}).")
        drafts, lines = parse(norm, known, filename)
        result.drafts, result.account = drafts, result.account + lines
        if not drafts:
            result.account.append("No draft: the document states no commitments of its own.")
    except Exception as exc:  # a safety net: a bug here must still give an account, never a traceback
        result.drafts, result.internal_error = [], True
        result.account.append(f"Internal error while reading the document ({type(exc).__name__}); no draft. "
                              "Please report this file.")
    return result
