"""Rendered maps reused until the data changes: keyed by the data version and the view."""
import threading
from collections import OrderedDict


class MapCache:
    """A small thread-safe LRU of rendered map parts."""

    def __init__(self, size: int = 64):
        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()
        self.hits = self.misses = 0

    def get_or_build(self, key, build):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        value = build()  # built outside the lock: two racing builds give equal results
        with self._lock:
            self.misses += 1
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self):
        with self._lock:
            self._items.clear()


def get_cache(app) -> MapCache:
    if "mapapp_map_cache" not in app.extensions:
        app.extensions["mapapp_map_cache"] = MapCache(app.config.get("MAP_CACHE_SIZE", 64))
    return app.extensions["mapapp_map_cache"]
