"""The benchmark's own arithmetic (benchmarks/): the goals it checks and the queries it sends, without running it."""
import pytest

from benchmarks import report, sizes, workers
from benchmarks.common import CITY_QUERY, CITY_VIEW


def _size(areas, cold, warm=0.002):
    return {"areas": areas, "promises": areas, "municipalities": 3, "rounds": 5, "warm_n": 100, "inline": areas <= 300,
            "cold": {"/": cold, "index_json": cold / 2, "area": 0.1, "area_json": 0.05, "areas_all": 0.2,
                     "areas_city": 0.05},
            "warm": warm, "bytes": {"/": 15000, "areas_city": 2000, "areas_all": 6000, "index_json": 3000, "area": 9000,
                                    "area_json": 5000, "index_raw": 100000},
            "memory": {"VmRSS": 200 << 20, "VmHWM": 210 << 20}, "memory_start": {"VmRSS": 180 << 20}}


def test_the_city_view_query_is_the_one_the_map_sends():
    zoom, lat, lon = CITY_VIEW
    assert workers._view_query(lon, lat, zoom) == CITY_QUERY


def test_unknown_sizes_are_refused():
    assert [s.name for s in sizes.parse_sizes("1x, national")] == ["1×", "national"]
    with pytest.raises(ValueError, match="unknown size"):
        sizes.parse_sizes("1x,1000x")


def test_cost_per_area_and_its_flatness():
    sized = {"1×": _size(7, 0.1), "10×": _size(77, 0.17), "100×": _size(707, 0.8), "national": _size(3370, 3.5)}
    costs = report.cost_per_area(sized)
    assert costs["10×"]["marginal"] == pytest.approx(0.001)  # (0.17 − 0.1) s ÷ (77 − 7) areas
    assert costs["national"]["marginal"] == pytest.approx((3.5 - 0.8) / (3370 - 707))  # from the size before
    assert costs["national"]["from"] == "100×" and costs["1×"]["marginal"] is None
    assert costs["national"]["per_area"] == pytest.approx(3.5 / 3370)
    worst, ok = report.flatness(costs)
    # Cold ÷ areas falls by 53 % from 10× to national (the fixed cost spread thinner): not flat as written …
    assert worst == pytest.approx(1 - (3.5 / 3370) / (0.17 / 77)) and ok is False
    worst, ok = report.flatness(costs, "marginal")  # … while each added area costs about the same from 10× on
    assert worst == pytest.approx(abs(((3.5 - 0.8) / (3370 - 707)) / ((0.8 - 0.17) / (707 - 77)) - 1)) and ok is True


def test_the_table_marks_goals_met_and_missed():
    sized = {"1×": _size(7, 0.1), "national": _size(3370, 2.5, warm=0.004)}
    load = {"endpoints": {"map page `/`": {"app_rps": 700, "static_rps": 1000, "ratio": 0.7, "errors": 0, "bytes": 30000,
                                           "app_p50": 0.05, "app_p99": 0.2}}}
    text = report.main_table({"sizes": sized, "load": load, "reloads": {}, "browser": {}})
    rows = {line.split("|")[1].strip(): line for line in text.splitlines()[2:]}
    cold = next(v for k, v in rows.items() if k.startswith("cold `/`"))
    assert "**not met**" in cold and "25.0×" in cold  # 2.5 s: over 2 s and over 20× the 1× figure
    assert "**met**" in next(v for k, v in rows.items() if k.startswith("warm `/`"))
    assert "70 %" in rows["throughput, map page `/`"] and "**met**" in rows["throughput, map page `/`"]


def test_memory_is_met_only_when_every_cache_is_bounded_in_bytes():
    def mem(caches):
        return {"n": 2000, "before": {1: {"VmRSS": 100 << 20}}, "after": {1: {"VmRSS": 160 << 20, "VmHWM": 170 << 20}},
                "caches": {"1": {"caches": caches}}}
    by_bytes = {"maps": {"size": 10 << 20, "bound": 48 << 20, "setting": "MAP_CACHE_BYTES"},
                "compressed": {"size": 1 << 20, "bound": 32 << 20, "setting": "COMPRESS_CACHE_BYTES"}}
    row = report.memory_rows(mem(by_bytes))[0]
    assert row[-1] == "**met**" and "hold 11 MB of the 80 MB" in row[2] and row[3] == "+60 MB"
    counted = {**by_bytes, "old": {"size": 40, "bound": None, "setting": None}}
    row = report.memory_rows(mem(counted))[0]
    assert row[-1] == "**not met**" and "bounded by count" in row[2]


def test_worker_caches_are_read_compressed_or_not(monkeypatch):
    import gzip
    import json
    answers = iter([(200, {"Content-Encoding": "gzip"}, gzip.compress(json.dumps({"pid": 1, "caches": {}}).encode())),
                    (200, {}, json.dumps({"pid": 2, "caches": {}}).encode())])
    monkeypatch.setattr(workers, "fetch", lambda url, headers=None: next(answers))
    assert set(workers._caches("http://127.0.0.1:1", [1, 2])) == {1, 2}


def test_requests_to_other_hosts_are_counted_per_host_and_the_tile_host_is_named():
    from benchmarks import browser
    tiles = browser.tile_host()
    visits = [{"error": "timeout", "outside": [f"https://{tiles}/12/2252/1203.png", f"https://{tiles}/1/0/0.png"]},
              {"error": "timeout", "outside": ["https://elsewhere.example/x.js"]}]
    summary = browser.summarise(visits)
    assert summary["outside"] == {tiles: 2, "elsewhere.example": 1}
    line = browser.outside_line({"1×": {"/": summary}, "national": {"/": browser.summarise([{"error": "timeout", "outside": []}])}})
    assert line.startswith("requests to hosts other than 127.0.0.1: 3")
    assert f"{tiles} 2 (the configured tile host, TILE_URL)" in line and "elsewhere.example 1 (NOT the tile host)" in line
    assert browser.outside_line({"1×": {"/": browser.summarise([{"error": "timeout", "outside": []}])}}).endswith(": 0")


def test_throughput_is_judged_on_the_rounds_ratios_not_on_medians_taken_apart():
    # Bimodal rounds (a shared machine, quiet or busy): the app met three busy rounds, its twin two.
    app = [3510, 1209, 3563, 1368, 1210]
    static = [3550, 1162, 3405, 1288, 3643]
    pairs = [a / s for a, s in zip(app, static)]
    e = {"app_rps": 1368, "static_rps": 3405, "ratio": sorted(pairs)[2], "ratio_of_medians": 1368 / 3405,
         "pairs": pairs, "errors": 0, "bytes": 5700, "app_p50": 0.02, "app_p99": 0.06}
    row = report.load_rows({"endpoints": {"its JSON": e}})[0]
    assert "round by round 99, 104, 105, 106, 33 %" in row[2] and "ratio of the medians 40 %" in row[2]
    assert row[3] == "104 %" and "met" in row[5] and "not" not in row[5]


def test_the_phone_row_pairs_each_run_with_the_plain_page_visited_beside_it():
    from benchmarks import benchmark, browser

    def visits(drawn):
        return [{"error": "timeout", "outside": []} if d is None else
                {"drawn": d, "drawn_next_frame": d + 10, "interactive": d + 100, "load": d, "dom": d, "html": 100,
                 "network": d, "bytes": 1000, "polygons": 7, "fetched": [], "outside": []} for d in drawn]
    app = browser.summarise(visits([900, 700, None, 820]))
    plain = browser.summarise(visits([950, 650, 800, 800]))
    pair = browser.paired(app, plain)
    assert pair == {"median_ms": pytest.approx(20), "first": 1, "runs": 3}  # −50, +50, +20 ms; the failed run is left out
    rows = report.browser_rows({"1×": {"`/`": app, browser.PLAIN: plain}})
    paired_row = next(r for r in rows if "run by run" in r[0])
    assert paired_row[1] == "median +20 ms" and paired_row[2] == "`/` first in 1 of 3 runs"
    interactive = next(r for r in rows if "Leaflet's own layer" in r[0])
    assert interactive[1] == f"{(820 + 100) / 1000:.2f} s" and interactive[-1] == "n/a"  # reported beside the goal
    assert browser.paired(app, plain, "interactive")["median_ms"] == pytest.approx(20)
    opts = {"browser_runs": 7, "small_browser_runs": 21}
    assert benchmark.browser_runs(opts, sizes.SIZES["1x"]) == 21 and benchmark.browser_runs(opts, sizes.SIZES["national"]) == 7
    assert benchmark.browser_runs({"browser_runs": 7, "small_browser_runs": None}, sizes.SIZES["1x"]) == 7
