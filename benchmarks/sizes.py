"""The scale axis: one SQLite database per size, built from scale.py's data sets in a temporary folder."""
import time
from dataclasses import dataclass
from pathlib import Path

from .common import SECRET, TODAY

NATIONAL = 3363  # every SCB RegSO area (scale.choose then takes all, in all 290 municipalities)


@dataclass(frozen=True)
class Size:
    name: str  # "1×", "10×", "100×", "national"
    synthetic: int  # synthetic areas added to the real data (0 = the real data alone)


SIZES = {"1x": Size("1×", 0), "10x": Size("10×", 70), "100x": Size("100×", 700), "national": Size("national", NATIONAL)}


def parse_sizes(text: str) -> list[Size]:
    names = [n.strip().lower().replace("×", "x") for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in SIZES]
    if unknown:
        raise ValueError(f"unknown size(s) {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    return [SIZES[n] for n in names]


def app_config(url: str) -> dict:
    """The app as production runs it (not TESTING), on this database, on a fixed day, seeding nothing itself."""
    return {"DATABASE_URL": url, "SECRET_KEY": SECRET, "TODAY": TODAY, "AUTO_SEED": False,
            "NATIONAL_AUTOLOAD": False, "NATIONAL_PRELOAD": False}


def env(url: str) -> dict:
    """The same settings as MAPAPP_* variables, for gunicorn and the in-process subprocesses."""
    return {"MAPAPP_DATABASE_URL": url, "MAPAPP_SECRET_KEY": SECRET, "MAPAPP_TODAY": TODAY,
            "MAPAPP_AUTO_SEED": "false", "MAPAPP_NATIONAL_AUTOLOAD": "false", "MAPAPP_NATIONAL_PRELOAD": "false"}


def build(size: Size, folder: Path, frame=None) -> dict:
    """A migrated database holding the size's data set; how many areas, promises and municipalities it has."""
    from mapapp import create_app

    from . import scale
    url = f"sqlite:///{folder / ('bench-' + size.name.replace('×', 'x') + '.sqlite')}"
    start = time.perf_counter()
    ds = scale.build_dataset(size.synthetic, frame)
    app = create_app(app_config(url))
    engine = app.extensions["mapapp_engine"]
    scale.seed(engine, ds)
    engine.dispose()
    return {"url": url, "areas": len(ds.areas), "promises": len(ds.promises),
            "commitments": sum(len(p["commitments"]) for p in ds.promises),
            "municipalities": len({a["municipality_code"] for a in ds.areas}),
            "build_s": time.perf_counter() - start}
