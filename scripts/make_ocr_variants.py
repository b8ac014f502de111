"""Make OCR-damaged copies of an import corpus, the same every time for the same seed.

Usage: python scripts/make_ocr_variants.py SOURCE_DIR TARGET_DIR [--seed 15]

Each document (HTML read as its visible text) is printed and scanned, as it were: lines wrapped at a
page width with long words hyphenated, bullets read as "e", "o", "«" or "©" and "1." as "l .",
å/ä/ö read as a/d/é/&/6/o, "l" as "1", some spaces lost and some blank lines added inside items.
truth.json, README.md and SOURCES.md are copied unchanged, so `compare-imports TARGET_DIR --truth
TARGET_DIR/truth.json` measures the importer on the damaged copies.
"""
import argparse
import random
import re
import shutil
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from mapapp.importer.extract import extract_text  # noqa: E402 - after the path is set

READ_AS = {"å": "aaé&", "ä": "adé&ai", "ö": "o6déo", "Å": "AA", "Ä": "AA", "Ö": "O0"}
BULLETS = ["e", "o", "«", "©"]
_BULLET = re.compile(r"^\s*(?:[•·▪*]|[-–](?=\s)|(\d{1,2})[.)])\s*")


def damage_chars(line: str, rng: random.Random, rate: float) -> str:
    out = []
    for ch in line:
        if ch in READ_AS and rng.random() < rate:
            ch = rng.choice(READ_AS[ch])
        elif ch == "l" and rng.random() < 0.02:
            ch = "1"
        elif ch == " " and rng.random() < 0.01:
            ch = ""
        out.append(ch)
    return "".join(out).replace("rn", "m") if rng.random() < 0.3 else "".join(out)


def wrap(text: str, width: int, rng: random.Random) -> list[str]:
    """Lines of at most `width` characters; a long word at the end is hyphenated now and then."""
    lines, current = [], ""
    for word in text.split():
        if len(current) + 1 + len(word) <= width or not current:
            current = f"{current} {word}".strip()
            continue
        room = width - len(current) - 2
        if len(word) >= 10 and room >= 4 and rng.random() < 0.4 and word.isalpha():
            cut = rng.randint(4, min(room, len(word) - 4))
            lines.append(f"{current} {word[:cut]}-")
            current = word[cut:]
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def damage(text: str, rng: random.Random) -> str:
    """One document as an OCR reading of its printout."""
    width = rng.randint(60, 85)
    bullet = rng.choice(BULLETS)
    rate = rng.uniform(0.35, 0.6)
    out = []
    for raw in text.splitlines():
        if not raw.strip():
            out.append("")
            continue
        m = _BULLET.match(raw)
        marker, body = "", raw.strip()
        if m:
            marker = ("l ." if m.group(1) == "1" else f"{m.group(1)}.") if m.group(1) else bullet
            body = raw[m.end():].strip()
        lines = wrap(body, width - len(marker) - 1, rng)
        for k, line in enumerate(lines):
            prefix = f"{marker} " if marker and k == 0 else ""
            if marker and k and rng.random() < 0.1:
                out.append("")  # OCR splits an item with a blank line
            out.append(prefix + damage_chars(line, rng, rate))
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    make_variants(args.source, args.target, args.seed)


def make_variants(source: Path, target: Path, seed: int = 15) -> list[Path]:
    """Write the damaged copies; each document's damage depends only on the seed and its name."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(source.iterdir()):
        if path.suffix not in (".txt", ".html") or not path.is_file():
            if path.name in ("truth.json", "README.md", "SOURCES.md"):
                shutil.copyfile(path, target / path.name)
            continue
        rng = random.Random(seed * 1_000_003 + zlib.crc32(path.name.encode()))
        text = extract_text(path.read_bytes(), path.name).text
        (target / path.name).write_text(damage(text, rng), encoding="utf-8")
        written.append(target / path.name)
    return written


if __name__ == "__main__":
    main()
