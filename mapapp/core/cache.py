"""The one cache: a thread-safe LRU (cachetools) whose keys carry the data version, so a write retires them.

Every reused thing — worlds, rendered maps, area shapes, whole anonymous pages, compressed bytes,
background-layer answers, OGC collections, spatial indexes — lives in an app cache made here, bounded by
count or by bytes; a cache bounded by bytes weighs each value once, when it is stored (size_of).
"""
import gc
import sys
import threading
from contextlib import contextmanager

from cachetools import LRUCache

SAMPLE = 16  # items weighed in a large container; the rest are taken to weigh as much on average


def size_of(value, depth: int = 0) -> int:
    """About how many bytes a value holds: text exactly, large containers by a sample of their items, and
    objects that say so by their own `nbytes` (memory outside Python objects, or what they will grow to).

    A dict's text keys are not counted: they are field names shared by every dict of a kind, or slugs that
    are also among the values."""
    if isinstance(value, (bytes, str)):
        return len(value) + 64
    own = getattr(value, "nbytes", None)
    if isinstance(own, int):
        return own
    if depth > 12 or not isinstance(value, (list, tuple, dict, set, frozenset)):
        return sys.getsizeof(value)
    items = list(value.items()) if isinstance(value, dict) else list(value)
    if not items:
        return sys.getsizeof(value)
    picked = items if len(items) <= SAMPLE else [items[i * len(items) // SAMPLE] for i in range(SAMPLE)]
    if isinstance(value, dict):
        weighed = sum((0 if isinstance(k, str) else size_of(k, depth + 1)) + size_of(v, depth + 1) for k, v in picked)
    else:
        weighed = sum(size_of(v, depth + 1) for v in picked)
    return sys.getsizeof(value) + weighed * len(items) // len(picked)


class Cache:
    """Values built once per key; the least recently used go first when the bound is reached."""

    def __init__(self, maxsize: int, by_bytes: bool = False):
        self._lru = LRUCache(maxsize=max(1, int(maxsize)), getsizeof=size_of if by_bytes else None)
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key, default=None):
        with self._lock:
            return self._lru.get(key, default)

    def set(self, key, value) -> None:
        with self._lock:
            try:
                self._lru[key] = value
            except ValueError:  # larger than the whole bound: not kept
                pass

    def get_or_build(self, key, build):
        with self._lock:
            value = self._lru.get(key, _MISSING)
            if value is not _MISSING:
                self.hits += 1
                return value
        with gc_paused():
            value = build()  # built outside the lock: two racing builds give equal results
        with self._lock:
            self.misses += 1
        self.set(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._lru.clear()

    def __len__(self) -> int:
        return len(self._lru)

    @property
    def currsize(self) -> int:
        return self._lru.currsize


_MISSING = object()
_pause = {"depth": 0, "was_enabled": True}
_pause_lock = threading.Lock()


@contextmanager
def gc_paused():
    """The cyclic garbage collector held off while a kept value is built: a build makes many objects that
    live on, and each full collection during it would walk every object kept so far (a national world took
    twice as long). Reference counting still frees at once; the deferred collection runs after the build."""
    with _pause_lock:
        if _pause["depth"] == 0:
            _pause["was_enabled"] = gc.isenabled()
            gc.disable()
        _pause["depth"] += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pause["depth"] -= 1
            if _pause["depth"] == 0 and _pause["was_enabled"]:
                gc.enable()


def app_cache(app, name: str, size_setting: str, by_bytes: bool = False) -> Cache:
    """The app's cache called name, made on first use with its bound from a setting."""
    caches = app.extensions.setdefault("mapapp_caches", {})
    cache = caches.get(name)
    if cache is None:
        cache = caches.setdefault(name, Cache(app.config[size_setting], by_bytes))
    return cache
