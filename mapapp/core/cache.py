"""The one cache: a thread-safe LRU (cachetools) whose keys carry the data version, so a write retires them.

Every reused thing — rendered maps, whole anonymous pages, compressed bytes, background-layer answers,
OGC collections, spatial indexes — lives in an app cache made here, bounded by count or by bytes.
"""
import threading

from cachetools import LRUCache


def _nbytes(value) -> int:
    if isinstance(value, (bytes, str)):
        return len(value) + 64
    if isinstance(value, tuple):
        return sum(_nbytes(v) for v in value) + 64
    return 64


class Cache:
    """Values built once per key; the least recently used go first when the bound is reached."""

    def __init__(self, maxsize: int, by_bytes: bool = False):
        self._lru = LRUCache(maxsize=max(1, int(maxsize)), getsizeof=_nbytes if by_bytes else None)
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


def app_cache(app, name: str, size_setting: str, by_bytes: bool = False) -> Cache:
    """The app's cache called name, made on first use with its bound from a setting."""
    caches = app.extensions.setdefault("mapapp_caches", {})
    cache = caches.get(name)
    if cache is None:
        cache = caches.setdefault(name, Cache(app.config[size_setting], by_bytes))
    return cache
