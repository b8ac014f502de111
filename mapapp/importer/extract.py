"""Bytes to text for plain text, HTML and PDF (text layer); anything else is refused clearly."""
import io
import logging
import warnings
from dataclasses import dataclass, field
from html.parser import HTMLParser

MAX_BYTES = 20_000_000  # far above any promise document; keeps a stray upload from eating memory
MAX_PDF_PAGES = 200

_BLOCK_TAGS = {"p", "div", "section", "article", "main", "header", "footer", "aside", "nav", "ul", "ol",
               "table", "tr", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd",
               "figure", "figcaption", "address", "hr", "form", "fieldset", "details", "summary"}
_SKIP_TAGS = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object",
              # Site chrome: menus, search forms, asides and footers are never the promise's text.
              "nav", "aside", "footer", "form", "button", "select"}
_MAIN_TAGS = {"main", "article"}


class UnreadableDocument(Exception):
    """The input is not a text, HTML or PDF document we can read (a plain exception: no web framework here)."""

    status = 422

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Extracted:
    text: str
    kind: str  # "text", "html" or "pdf"
    notes: list[str] = field(default_factory=list)


def extract_text(data: bytes, filename: str = "") -> Extracted:
    """The document's text; raises UnreadableDocument with a one-line reason."""
    if not isinstance(data, (bytes, bytearray)):
        raise UnreadableDocument("the input is not bytes")
    data = bytes(data)
    if not data.strip():
        raise UnreadableDocument("the file is empty")
    if len(data) > MAX_BYTES:
        raise UnreadableDocument(f"the file is too large ({len(data)} bytes; at most {MAX_BYTES})")
    name = (filename or "").lower()
    if b"%PDF-" in data[:1024]:
        return _pdf(data)
    text, notes = decode(data)
    if name.endswith(".pdf"):
        notes.append("named .pdf but has no PDF header; read as text")
    if name.endswith((".html", ".htm", ".xhtml")) and "<" in text or _looks_like_html(text):
        return Extracted(html_to_text(text), "html", notes)
    return Extracted(text, "text", notes)


def decode(data: bytes) -> tuple[str, list[str]]:
    """Decode text bytes: UTF-8 (or UTF-16 with a BOM), else Windows-1252; refuse binary data."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text, notes = data.decode("utf-16", errors="replace"), ["decoded as UTF-16"]
    elif b"\x00" in data:
        raise UnreadableDocument("the file is binary (it contains NUL bytes), not a text, HTML or PDF document")
    else:
        try:
            text, notes = data.decode("utf-8-sig"), []
        except UnicodeDecodeError:
            text = data.decode("utf-8-sig", errors="replace")
            bad = text.count("\ufffd")
            notes = [f"{bad} undecodable byte(s) replaced"]
            if bad > max(2, len(text) // 100):
                # Not UTF-8 with a few broken bytes; Swedish files from Windows are often cp1252.
                text, notes = data.decode("cp1252", errors="replace"), ["decoded as Windows-1252"]
    controls = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\n\r\t\f") or 0x7f <= ord(ch) < 0xa0)
    if controls > max(3, len(text) // 50) or text.count("\ufffd") > max(3, len(text) // 20):
        raise UnreadableDocument("the file looks binary (many control or undecodable characters), "
                                 "not a text, HTML or PDF document")
    return text, notes


def _looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or ("<body" in head and "</" in text.lower())


class _TextParser(HTMLParser):
    """Collects visible text; block elements become paragraphs, list items become bullets."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.main_parts: list[str] = []  # the text inside <main>/<article>, used when there is any
        self.skip = 0
        self.main = 0

    def _add(self, text: str):
        self.parts.append(text)
        if self.main:
            self.main_parts.append(text)

    def handle_starttag(self, tag, attrs):
        if tag in _MAIN_TAGS or dict(attrs).get("role") == "main":
            self.main += 1
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif self.skip:
            return
        elif tag == "li":
            self._add("\n• ")
        elif tag == "br":
            self._add("\n")
        elif tag in _BLOCK_TAGS or tag in ("td", "th"):
            self._add("\n\n" if tag in _BLOCK_TAGS else " ")

    def handle_startendtag(self, tag, attrs):
        if self.skip:
            return
        if tag == "br":
            self._add("\n")
        elif tag == "hr":
            self._add("\n\n")

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS or tag == "li":
            if not self.skip:
                self._add("\n")
        if tag in _MAIN_TAGS and self.main:
            self.main -= 1

    def handle_data(self, data):
        if not self.skip:
            self._add(" ".join(data.split()) if data.strip() else (" " if data else ""))


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page (stdlib html.parser), with paragraphs and bullets kept."""
    parser = _TextParser()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # html.parser is lenient; this is only a guard for pathological input
        pass
    kept = parser.main_parts if "".join(parser.main_parts).strip() else parser.parts
    lines = [" ".join(line.split()) for line in "".join(kept).split("\n")]
    out, blank = [], False
    for line in lines:
        if line:
            out.append(line)
            blank = False
        elif not blank and out:
            out.append("")
            blank = True
    return "\n".join(out).strip()


def _pdf(data: bytes) -> Extracted:
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - pypdf is a declared dependency
        raise UnreadableDocument("PDF support needs the pypdf package") from None
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # pypdf logs every repaired glitch; the account says what matters
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    reader.decrypt("")
                except Exception:
                    raise UnreadableDocument("the PDF is encrypted") from None
            pages = []
            for i, page in enumerate(reader.pages):
                if i >= MAX_PDF_PAGES:
                    break
                pages.append(page.extract_text() or "")
    except UnreadableDocument:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on damaged files
        raise UnreadableDocument(f"the PDF could not be read ({type(exc).__name__})") from None
    finally:
        logger.setLevel(level)
    text = "\n\n".join(p.strip("\n") for p in pages)
    if not text.strip():
        raise UnreadableDocument("the PDF has no text layer (a scanned image?); run OCR first")
    return Extracted(text, "pdf", [f"{len(pages)} PDF page(s)"])
