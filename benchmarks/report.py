"""The goals of issue 14, checked, and the run printed as one table plus a table per size."""
from .browser import PLAIN, PLAIN_TILES, paired
from .common import kb, mb, met, ms

GOALS = {"cold_s": 2.0, "cold_vs_1x": 20, "warm_s": 0.005, "index_s": 2.0, "flat": 0.5, "warm_ratio": 50,
         "throughput": 0.70, "reloads": 40}


def _table(rows: list[tuple]) -> str:
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def cost_per_area(sizes: dict) -> dict:
    """Per size: the average cost, cold `/` ÷ areas, and the marginal cost of the step from the size before it,
    Δ cold ÷ Δ areas (what each added area costs, without the fixed cost of a page)."""
    out, before = {}, None
    for name, s in sizes.items():
        cold = s["cold"]["/"]
        marginal = ((cold - before["cold"]["/"]) / (s["areas"] - before["areas"])
                    if before and s["areas"] > before["areas"] else None)
        out[name] = {"per_area": cold / s["areas"], "marginal": marginal, "from": before["name"] if before else None}
        before = {**s, "name": name}
    return out


def flatness(costs: dict, key: str = "per_area") -> tuple[float | None, bool | None]:
    """The largest departure from the 10× figure among the larger sizes (goal: within ±50 %). For the marginal
    cost, the steps that span 10× to national: 10× → 100× (the reference) and 100× → national."""
    first, rest = ("10×", ("100×", "national")) if key == "per_area" else ("100×", ("national",))
    if first not in costs or costs[first][key] is None:
        return None, None
    ref = costs[first][key]
    others = [c[key] for n, c in costs.items() if n in rest and c[key] is not None]
    if not others:
        return None, None
    worst = max((abs(v / ref - 1) for v in others))
    return worst, worst <= GOALS["flat"]


def scale_rows(sizes: dict) -> list[tuple]:
    rows = []
    big_name = "national" if "national" in sizes else list(sizes)[-1]
    big, one = sizes[big_name], sizes.get("1×")
    cold, warm = big["cold"]["/"], big["warm"]
    vs = f"1×: {ms(one['cold']['/'])}" if one else "1× not run"
    ratio = cold / one["cold"]["/"] if one else None
    rows.append((f"cold `/`, {big_name} ({big['areas']:,} areas), every cache emptied (median of {big['rounds']})",
                 ms(cold), vs, f"{ratio:.1f}×" if ratio else "", "≤ 2 s and ≤ 20× 1×",
                 met(cold <= GOALS["cold_s"] and (ratio is None or ratio <= GOALS["cold_vs_1x"]))))
    rows.append((f"warm `/`, {big_name} (median of {big['warm_n']})", ms(warm), f"cold: {ms(cold)}",
                 f"{cold / warm:,.0f}×", "≤ 5 ms", met(warm <= GOALS["warm_s"])))
    ratios = {n: s["cold"]["/"] / s["warm"] for n, s in sizes.items()}
    worst = min(ratios, key=ratios.get)
    rows.append(("warm/cold `/`, every size", ", ".join(f"{n} {r:,.0f}×" for n, r in ratios.items()),
                 f"smallest at {worst}", f"{ratios[worst]:,.0f}×", "≥ 50×", met(ratios[worst] >= GOALS["warm_ratio"])))
    index = big["cold"]["index_json"]
    rows.append((f"`/index.json`, first answer, {big_name}", ms(index),
                 f"1×: {ms(one['cold']['index_json'])}" if one else "", "", "≤ 2 s", met(index <= GOALS["index_s"])))
    costs = cost_per_area(sizes)
    worst_flat, ok = flatness(costs)
    falls = worst_flat is not None and costs[big_name]["per_area"] < costs["10×"]["per_area"]
    rows.append(("cost per area, average: cold `/` ÷ areas", ", ".join(f"{n} {ms(c['per_area'])}" for n, c in costs.items()),
                 "the 10× figure", f"±{worst_flat * 100:.0f} %" if worst_flat is not None else "",
                 "flat ±50 % from 10× to national", met(ok) if ok or not falls else "**not met** as written (falls)"))
    worst_marginal, ok_marginal = flatness(costs, "marginal")
    if worst_marginal is not None:
        rows.append(("cost per area, marginal: Δ cold `/` ÷ Δ areas, between consecutive sizes",
                     ", ".join(f"{c['from']}→{n} {ms(c['marginal'])}" for n, c in costs.items()
                               if c["marginal"] is not None),
                     "the step 10×→100×", f"±{worst_marginal * 100:.0f} %", "flat ±50 % from 10× to national",
                     met(ok_marginal)))
    for key, label in (("area", "cold area page"), ("areas_all", "cold `/api/areas.geojson`, every area"),
                       ("areas_city", "cold `/api/areas.geojson`, city view")):
        rows.append((f"{label}, {big_name}", ms(big["cold"][key]), f"1×: {ms(one['cold'][key])}" if one else "",
                     f"{big['cold'][key] / one['cold'][key]:.0f}×" if one else "", "(linear; reported)", "n/a"))
    b = big["bytes"]
    rows.append((f"bytes, `/` (gzip), {big_name}", kb(b["/"]), f"1×: {kb(one['bytes']['/'])}" if one else "",
                 "", "(reported)", "n/a"))
    data = "inline in `/`" if big["inline"] else f"{kb(b['areas_city'])} for a city view"
    rows.append((f"bytes, map data the page fetches (gzip), {big_name}", data,
                 f"every area at once: {kb(b['areas_all'])}", "", "(reported)", "n/a"))
    rows.append((f"process memory after building, {big_name} (VmRSS; peak)",
                 f"{mb(big['memory']['VmRSS'])}; {mb(big['memory']['VmHWM'])}",
                 f"1×: {mb(one['memory']['VmRSS'])}; at start {mb(big['memory_start']['VmRSS'])}" if one else "",
                 "", "(reported)", "n/a"))
    return rows


def load_rows(load: dict) -> list[tuple]:
    if "skipped" in load:
        return [("throughput (gunicorn + wrk)", "not run", load["skipped"], "", "≥ 70 %", met(None))]
    rows = []
    for label, e in load["endpoints"].items():
        rows.append((f"throughput, {label}",
                     f"{e['app_rps']:,.0f} req/s (p50 {ms(e['app_p50'])}, p99 {ms(e['app_p99'])})",
                     f"static file of the same {kb(e['bytes'])}: {e['static_rps']:,.0f} req/s"
                     + (f"; round by round {', '.join(f'{p * 100:.0f}' for p in e['pairs'])} %, ratio of the medians "
                        f"{e['ratio_of_medians'] * 100:.0f} %" if "pairs" in e else ""),
                     f"{e['ratio'] * 100:.0f} %", "≥ 70 % (median of the rounds' ratios), 0 errors",
                     met(e["ratio"] >= GOALS["throughput"] and e["errors"] == 0)
                     + ("" if not e["errors"] else f" ({e['errors']} errors)")))
    return rows


def reload_rows(reloads: dict) -> list[tuple]:
    rows = []
    for path, r in reloads.items():
        workers = ", ".join(f"{n}" for n in sorted(r["workers"].values(), reverse=True))
        rows.append((f"reloads of `{path}` with the first answer's ETag", f"{r['not_modified']} of {r['n']} × 304",
                     f"answered by {len(r['workers'])} workers ({workers}), {r['bytes']} B of body", "",
                     "40 of 40, both workers", met(r["not_modified"] == r["n"] == GOALS["reloads"]
                                                   and len(r["workers"]) >= 2)))
    return rows


def memory_rows(mem: dict) -> list[tuple]:
    if not mem:
        return []
    rows = []
    for i, pid in enumerate(sorted(mem["after"]), start=1):
        before, after = mem["before"][pid], mem["after"][pid]
        caches = mem["caches"].get(pid) or mem["caches"].get(str(pid)) or {}
        kept = caches.get("caches", {}).values()
        held = sum(c["size"] for c in kept if "BYTES" in (c["setting"] or ""))
        bound = sum(c["bound"] for c in kept if "BYTES" in (c["setting"] or ""))
        by_count = [c["setting"] for c in kept if "BYTES" not in (c["setting"] or "")]
        rows.append((f"worker {i} memory after {mem['n']:,} distinct requests (VmRSS; peak)",
                     f"{mb(after['VmRSS'])}; {mb(after['VmHWM'])}",
                     f"before: {mb(before['VmRSS'])}; its caches hold {mb(held)} of the {mb(bound)} their settings "
                     f"allow" + (f" (bounded by count: {', '.join(map(str, by_count))})" if by_count else ""),
                     f"+{mb(after['VmRSS'] - before['VmRSS'])}", "reported, bounded by settings",
                     met(not by_count and held <= bound)))
    return rows


def browser_rows(browser: dict) -> list[tuple]:
    rows = []
    for size, pages in browser.items():
        plain, tiles = pages.get(PLAIN), pages.get(PLAIN_TILES)
        for label, r in pages.items():
            if label in (PLAIN, PLAIN_TILES) or r["drawn"] is None:
                continue
            rows.append(_phone_row(size, label, r, plain))
            if label == "`/`":
                rows += _phone_details(size, r, plain, tiles)
        for label, r in pages.items():
            if r["failed"]:
                rows.append((f"phone, {size}: {label}", f"{len(r['failed'])} of {r['runs']} runs failed",
                             r["failed"][0][:80], "", "", "**not met**"))
    return rows


def _phone_row(size: str, label: str, r: dict, plain: dict | None) -> tuple:
    """The goal's row: when the polygons are on screen, against the plain Folium page's."""
    dots = "dots" in label
    ok = None if dots or not plain or plain["drawn"] is None else r["drawn"] <= plain["drawn"]
    return (f"phone, {size}: {'drawn' if dots else 'polygons on screen'} on {label} (median of {len(r['all_drawn'])})",
            f"{r['drawn']:.2f} s ({r['polygons']:,.0f} polygons, {kb(r['bytes'])})",
            f"plain Folium: {plain['drawn']:.2f} s ({plain['polygons']:,.0f}, {kb(plain['bytes'])})"
            if plain and plain["drawn"] else "", f"{r['drawn'] / plain['drawn']:.2f}×" if plain and plain["drawn"]
            else "", "no later than plain" if not dots else "(reported)", met(ok))


def _phone_details(size: str, r: dict, plain: dict | None, tiles: dict | None) -> list[tuple]:
    """For `/` beside the strict plain page: run by run, Leaflet's own layer, the earlier counting rule, and
    like for like (the plain page with its default tile layer)."""
    rows, n = [], len(r["all_drawn"])
    pair = paired(r, plain) if plain else None
    if pair:
        rows.append((f"phone, {size}: polygons on screen on `/` minus plain Folium, run by run ({pair['runs']} pairs)",
                     f"median {pair['median_ms']:+.0f} ms", f"`/` first in {pair['first']} of {pair['runs']} runs",
                     "", "(reported)", "n/a"))
    for key, what in (("interactive", "Leaflet's own layer drawn (taps answered)"),
                      ("drawn_next_frame", "polygons on screen, counted at the next animation frame (earlier rule)")):
        if plain and plain.get(key) and r.get(key):
            rows.append((f"phone, {size}: {what} on `/` (median of {n})", f"{r[key]:.2f} s",
                         f"plain Folium: {plain[key]:.2f} s", f"{r[key] / plain[key]:.2f}×", "(reported)", "n/a"))
    if tiles and tiles["drawn"]:
        rows.append((f"phone, {size}: polygons on screen on `/`, like for like (median of {n})", f"{r['drawn']:.2f} s",
                     f"plain Folium with its default tile layer: {tiles['drawn']:.2f} s ({tiles['polygons']:,.0f}, "
                     f"{kb(tiles['bytes'])})", f"{r['drawn'] / tiles['drawn']:.2f}×", "(reported)", "n/a"))
    return rows


def main_table(results: dict) -> str:
    rows = [("measurement", "result", "compared with", "ratio", "goal", "met")]
    rows += scale_rows(results["sizes"])
    rows += load_rows(results.get("load", {"skipped": "not run"}))
    rows += reload_rows(results.get("reloads", {}))
    rows += memory_rows(results.get("memory"))
    rows += browser_rows(results.get("browser", {}))
    return _table(rows)


def size_table(sizes: dict) -> str:
    costs = cost_per_area(sizes)
    rows = [("size", "areas", "promises", "municipalities", "cold `/`", "warm `/`", "warm/cold", "`/index.json` first",
             "cold area page", "cold area JSON", "cold areas.geojson (all)", "cold areas.geojson (city)",
             "cold `/` ÷ areas", "Δ cold ÷ Δ areas (from the size before)", "`/` gzip", "city data gzip", "all areas gzip", "RSS start → after")]
    for name, s in sizes.items():
        c, b = s["cold"], s["bytes"]
        rows.append((name, f"{s['areas']:,}", f"{s['promises']:,}", s["municipalities"], ms(c["/"]), ms(s["warm"]),
                     f"{c['/'] / s['warm']:,.0f}×", ms(c["index_json"]), ms(c["area"]), ms(c["area_json"]),
                     ms(c["areas_all"]), ms(c["areas_city"]), ms(costs[name]["per_area"]),
                     ms(costs[name]["marginal"]) if costs[name]["marginal"] is not None else "–",  # from the size before
                     kb(b["/"]) + (" (areas inline)" if s["inline"] else ""), kb(b["areas_city"]), kb(b["areas_all"]),
                     f"{mb(s['memory_start']['VmRSS'])} → {mb(s['memory']['VmRSS'])}"))
    return _table(rows)


def caches_table(mem: dict) -> str:
    """What each worker's caches hold after the distinct requests, against the setting that bounds them."""
    if not mem or not mem.get("caches"):
        return ""
    rows = [("cache", "setting (bound)", *[f"worker {i}" for i in range(1, len(mem["caches"]) + 1)])]
    workers = [mem["caches"][k]["caches"] for k in sorted(mem["caches"], key=int)]
    for name in workers[0]:
        c = workers[0][name]
        unit = kb if "BYTES" in (c["setting"] or "") else (lambda n: f"{n} entries")
        cells = [f"{w[name]['entries']} entries, {kb(w[name]['size'])}" if "BYTES" in (c["setting"] or "")
                 else f"{w[name]['entries']} entries" for w in workers if name in w]
        rows.append((name, f"{c['setting']} ({unit(c['bound'])})", *cells))
    return _table(rows)
