"""A medborgardialog's questions, the room's answers read and checked, and results counted: pure functions.

The questions are fixed when a session opens (from the promise and the saved presentation), so the room is
asked what the slides show even if the presentation changes later. Answers arrive as rows
{phone, area, question, value}; the results are counts only, and a grid cell with fewer answers than the
minimum is never listed, only counted as hidden.
"""
import secrets

from .slides import applies, budget, clip, pack, sv_key, text_height
from .vocab import N_

# "Märker du av det här?": 1–4, and 0 for "vet inte" (kept apart: it is no level of noticing).
SCALE = {1: N_("Nej, inte alls"), 2: N_("Lite"), 3: N_("Ganska mycket"), 4: N_("Ja, tydligt"), 0: N_("Vet inte")}
NOTICED = (3, 4)  # the levels a result slide sums up as "märker av"
OTHER_THEME = "annat"
MOST_THEMES = 3
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread from a slide
CODE_LENGTH = 6
TITLE_LIMIT = 160


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(text: str | None) -> str | None:
    """A code as typed on a phone ("k7m 3qx") in its stored form, or None if it cannot be one."""
    code = "".join((text or "").split()).upper()
    return code if len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code) else None


def questions(promise: dict, areas: dict[str, dict], area_slugs: list[str], commitment_keys: list[str]) -> dict:
    """What the room is asked: per area the chosen commitments that reach it, and the promise's themes.

    areas: slug → {name, municipality: {code}}; area_slugs and commitment_keys in the presentation's order.
    """
    code = promise["municipality"]["code"]
    by_key = {c["key"]: c for c in promise["commitments"]}
    chosen = [by_key[k] for k in commitment_keys if k in by_key]
    out_areas = []
    for slug in area_slugs:
        if slug not in areas:
            continue
        area = {"slug": slug, **areas[slug]}
        out_areas.append({"slug": slug, "name": area["name"],
                          "commitments": [c["key"] for c in chosen if applies(c, area, code)]})
    themes = sorted({t for c in chosen for t in c["themes"] if t and t != OTHER_THEME}, key=sv_key)
    return {"areas": out_areas, "themes": themes + [OTHER_THEME],
            "commitments": [{"key": c["key"], "title": clip(c["title"], TITLE_LIMIT)[0]} for c in chosen
                            if any(c["key"] in a["commitments"] for a in out_areas)]}


def area_of(qs: dict, slug: str | None) -> dict | None:
    return next((a for a in qs["areas"] if a["slug"] == slug), None)


def read_answers(qs: dict, area_slug: str, form) -> tuple[dict, list[tuple[str, dict]]]:
    """The answers a phone sent for its area (only the questions it answered), and what was wrong.

    form: a mapping with .get and .getlist (a request form). Returns ({question: value}, [(message, values)]);
    place answers come back as ("lon", "lat") text for geo/ to snap; nothing else about a position is kept.
    """
    area = area_of(qs, area_slug)
    if area is None:
        return {}, [(N_("Välj först området där du bor."), {})]
    answers, problems = {}, []
    for key in area["commitments"]:
        raw = (form.get(f"rate:{key}") or "").strip()
        if not raw:
            continue
        if not (raw.isdigit() and int(raw) in SCALE):
            problems.append((N_("Okänt svar på en fråga om ett åtagande."), {}))
            continue
        answers[f"rate:{key}"] = int(raw)
    themes = [t for t in form.getlist("themes") if t]
    if themes:
        unknown = [t for t in themes if t not in qs["themes"]]
        if unknown:
            problems.append((N_("Okänt problem: %(v)s."), {"v": ", ".join(unknown[:3])}))
        elif len(set(themes)) > MOST_THEMES:
            problems.append((N_("Välj högst tre problem."), {}))
        else:
            answers["themes"] = sorted(set(themes), key=qs["themes"].index)
    lon, lat = (form.get("lon") or "").strip(), (form.get("lat") or "").strip()
    if lon or lat:
        answers["place"] = (lon, lat)
    return answers, problems


def read_question(text: str | None, limit: int) -> tuple[str | None, list[tuple[str, dict]]]:
    """A question to the panel as it will be moderated: one line of plain text, or a problem."""
    cleaned = " ".join("".join(ch if ch.isprintable() else " " for ch in (text or "")).split())
    if not cleaned:
        return None, []
    if len(cleaned) > limit:
        return None, [(N_("Frågan får vara högst %(n)s tecken."), {"n": limit})]
    return cleaned, []


# --- slides -----------------------------------------------------------------------------------

STRINGS = {
    "join": N_("Svara i mobilen"),
    "ratings": N_("Märker du av det här?"),
    "themes": N_("Viktigast där du bor"),
    "places": N_("Platser som känns otrygga"),
    "questions": N_("Frågor till panelen"),
}
RATINGS_PER_SLIDE = 5  # bars for more commitments than this are hard to read from the back of a room


def slides(qs: dict, strings: dict) -> list[dict]:
    """The dialogue's slides: how to answer, then live results (filled in by the page as answers arrive)."""
    out = [{"kind": "dialogue-join", "heading": strings["join"]}]
    commitments = qs["commitments"]
    # Each rating: its title (bold, 1.05 rem), a bar (1.5 rem) and a line of counts, as present.css sets them.
    heights = [text_height(c["title"], 1.05, 1.2, bold=True) + 1.5 + 1.3 + 0.5 for c in commitments]
    chunks = pack(commitments, heights, budget(1.8 * 1.15 + 0.5 + 2 * 1.3), RATINGS_PER_SLIDE)
    for part, chunk in enumerate(chunks, start=1):
        if chunk:
            out.append({"kind": "dialogue-ratings", "heading": strings["ratings"], "commitments": chunk,
                        "part": part, "parts": len(chunks)})
    if len(qs["themes"]) > 1:  # "annat" alone is no choice
        out.append({"kind": "dialogue-themes", "heading": strings["themes"]})
    out.append({"kind": "dialogue-places", "heading": strings["places"]})
    out.append({"kind": "dialogue-questions", "heading": strings["questions"]})
    return out


# --- results --------------------------------------------------------------------------------

def _rating(key: str, title: str, values: list[int]) -> dict:
    counts = [values.count(level) for level in (1, 2, 3, 4)]
    rated = sum(counts)
    noticed = sum(values.count(level) for level in NOTICED)
    return {"key": key, "title": title, "counts": counts, "unknown": values.count(0), "answers": len(values),
            "noticed": round(noticed / rated, 4) if rated else None}


def results(qs: dict, rows: list[dict], min_count: int, area: str | None = None) -> dict:
    """Counts of the answers (of one area, or all): participants, ratings, themes and grid cells.

    rows: {area, question, value}. A cell with fewer than min_count answers is not listed; its answers
    are only counted in places.hidden, so no single marking can be read off the results.
    """
    rows = [r for r in rows if area is None or r["area"] == area]
    by_question: dict[str, list] = {}
    for r in rows:
        by_question.setdefault(r["question"], []).append(r["value"])
    keys = ([c["key"] for c in qs["commitments"]] if area is None
            else (area_of(qs, area) or {"commitments": []})["commitments"])
    titles = {c["key"]: c["title"] for c in qs["commitments"]}
    ratings = [_rating(k, titles.get(k, k), by_question.get(f"rate:{k}", [])) for k in keys]
    picked = [t for value in by_question.get("themes", []) for t in value]
    themes = sorted(({"theme": t, "count": picked.count(t)} for t in qs["themes"] if picked.count(t)),
                    key=lambda row: (-row["count"], sv_key(row["theme"])))
    cells: dict[tuple, int] = {}
    for value in by_question.get("place", []):
        cells[tuple(value)] = cells.get(tuple(value), 0) + 1
    shown = sorted(((cell, n) for cell, n in cells.items() if n >= min_count), key=lambda cn: (-cn[1], cn[0]))
    return {
        "participants": len(by_question.get("area", [])),
        "ratings": ratings,
        "themes": themes, "themes_answers": len(by_question.get("themes", [])),
        "places": {"answers": len(by_question.get("place", [])), "min_count": min_count,
                   "cells": [{"cell": list(cell), "count": n} for cell, n in shown],
                   "hidden": sum(n for n in cells.values() if n < min_count)},
    }


def area_results(qs: dict, rows: list[dict], min_count: int) -> list[dict]:
    """The results of each area of the session, in the session's order."""
    return [{"slug": a["slug"], "name": a["name"], **results(qs, rows, min_count, a["slug"])} for a in qs["areas"]]


# --- CSV ----------------------------------------------------------------------------------

def csv_rows(session: dict, per_area: list[dict], approved: list[dict], scale_labels: dict) -> list[list]:
    """The results as rows under one header (for core.csvtext): one row per counted thing, in the areas' order."""
    head = ["datum", "plats", "kod", "område", "fråga", "svar", "antal"]
    base = [session["held_on"], session["place"], session["code"]]
    rows = [head]
    for a in per_area:
        rows.append(base + [a["name"], "deltagare", "", a["participants"]])
        for r in a["ratings"]:
            for level, n in zip((1, 2, 3, 4), r["counts"]):
                rows.append(base + [a["name"], r["title"], scale_labels[level], n])
            rows.append(base + [a["name"], r["title"], scale_labels[0], r["unknown"]])
        for t in a["themes"]:
            rows.append(base + [a["name"], "viktigaste problem", t["theme"], t["count"]])
        for c in a["places"]["cells"]:
            rows.append(base + [a["name"], "otrygg plats (ruta i EPSG:3006)", cell_label(c["cell"], session), c["count"]])
        rows.append(base + [a["name"], "otrygg plats, under minsta antal", "", a["places"]["hidden"]])
    for q in approved:
        rows.append(base + [q["area_name"] or "", "fråga till panelen", q["text"], 1])
    return rows


def cell_label(cell: list[int], session: dict) -> str:
    """A cell named by its south-west corner in SWEREF 99 TM metres and its size: "E 568500 N 6494250 (250 m)"."""
    size = session["cell_metres"]
    return f"E {cell[0] * size} N {cell[1] * size} ({size} m)"
