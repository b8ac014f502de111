"""One size, in-process (Flask's test client): cold and warm answers, bytes, and the process's memory.

Run by the benchmark in a fresh subprocess per size, so each size's memory is its own:

    python -m benchmarks.inprocess sqlite:///…/bench-national.sqlite --rounds 5        # JSON on stdout
    python -m benchmarks.inprocess URL --profile cold.prof --only /                    # cProfile of cold `/`

Cold means every cache of the app emptied first (the data caches in app.extensions["mapapp_caches"]:
worlds, maps, pages, answers; the compressed bytes; the CSP memo): what the first visitor after a data
change waits for. Warm is a repeat visitor's answer: the page reused whole.
"""
import json
import sys

import click

from .common import AREA, CITY_QUERY, median, memory, timed

GZIP = {"Accept-Encoding": "gzip"}
COLD = {"/": "/", "index_json": "/index.json", "area": f"/area/{AREA}", "area_json": f"/area/{AREA}.json",
        "areas_all": "/api/areas.geojson", "areas_city": "/api/areas.geojson?" + CITY_QUERY}
WARM_PER_ROUND = 20


def clear_all(app):
    for cache in app.extensions.get("mapapp_caches", {}).values():
        cache.clear()
    app.extensions["mapapp_compress"].cache.clear()
    app.extensions.get("mapapp_csp_memo", {}).clear()


def _get(client, path: str):
    response = client.get(path, headers=GZIP)
    if response.status_code != 200 or response.headers.get("Content-Encoding") != "gzip":
        raise click.ClickException(f"{path}: HTTP {response.status_code}, {response.headers.get('Content-Encoding')}")
    return response


def counts(app) -> dict:
    """Areas, promises and municipalities in the published world, and what `/` carries inline."""
    from mapapp.core.clock import today
    from mapapp.render import mapview
    from mapapp.render import world as worlds
    from mapapp.store.db import get_session
    with app.test_request_context("/"):
        session, day = get_session(), today()
        world = worlds.get(session, day)
        return {"areas": len(world.areas), "promises": len(world.promises),
                "commitments": sum(p["commitment_count"] for p in world.promises.values()),
                "municipalities": len({a["municipality"]["code"] for a in world.areas.values()}),
                "inline": mapview.inline_scope(session, day) == "all"}


def measure(app, rounds: int) -> dict:
    """Medians over rounds; each round times every cold answer once and the warm page 20 times."""
    client = app.test_client()
    start_memory = memory()
    for path in COLD.values():  # imports, templates and connections out of the way
        _get(client, path)
    times = {k: [] for k in COLD}
    warm = []
    for _ in range(rounds):  # in rounds, so the shared machine's busy moments fall on every row alike
        for key, path in COLD.items():
            clear_all(app)
            times[key].append(timed(lambda: _get(client, path)))
        _get(client, "/")
        warm += [timed(lambda: _get(client, "/")) for _ in range(WARM_PER_ROUND)]
    out = {"cold": {k: median(v) for k, v in times.items()}, "cold_all": times, "warm": median(warm),
           "warm_n": len(warm), "rounds": rounds}
    out["bytes"] = {k: len(_get(client, p).get_data()) for k, p in COLD.items()}
    out["bytes"]["index_raw"] = len(client.get("/").get_data())
    out["memory_start"], out["memory"] = start_memory, memory()
    out.update(counts(app))
    return out


def profile(app, path: str, output: str, repeat: int):
    import cProfile
    client = app.test_client()
    _get(client, path)
    profiler = cProfile.Profile()
    for _ in range(repeat):
        clear_all(app)
        profiler.enable()
        _get(client, path)
        profiler.disable()
    profiler.dump_stats(output)


@click.command()
@click.argument("database_url")
@click.option("--rounds", default=5, show_default=True, help="Cold answers per endpoint (medians).")
@click.option("--profile", "profile_to", default=None, help="Write a cProfile of cold answers here instead.")
@click.option("--only", default="/", show_default=True, help="The path profiled with --profile.")
def main(database_url, rounds, profile_to, only):
    from mapapp import create_app

    from .sizes import app_config
    app = create_app(app_config(database_url))
    if profile_to:
        profile(app, only, profile_to, rounds)
        return
    json.dump(measure(app, rounds), sys.stdout)


if __name__ == "__main__":
    main()
