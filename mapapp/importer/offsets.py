"""Text edits that remember where every normalised character came from in the original."""
from bisect import bisect_left, bisect_right
from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    """Replace original[start:end] with text."""

    start: int
    end: int
    text: str


class OffsetMap:
    """Maps offsets in an edited text back to offsets in the text it was made from."""

    def __init__(self, edits: list[Edit]):
        self._orig_start = [e.start for e in edits]
        self._orig_end = [e.end for e in edits]
        self._norm_start, self._norm_end = [], []
        shift = 0
        for e in edits:
            self._norm_start.append(e.start + shift)
            shift += len(e.text) - (e.end - e.start)
            self._norm_end.append(e.end + shift)

    def to_original(self, pos: int, side: str = "start") -> int:
        """The original offset of pos; inside a replaced span, its start or end depending on side."""
        if side == "start":
            i = bisect_right(self._norm_start, pos) - 1
            if i < 0:
                return pos
            if pos < self._norm_end[i]:
                return self._orig_start[i]
            return self._orig_end[i] + pos - self._norm_end[i]
        # An edit that begins exactly at pos lies outside a span ending there, hence bisect_left.
        i = bisect_left(self._norm_start, pos) - 1
        if i < 0:
            return pos
        if pos < self._norm_end[i]:
            return self._orig_end[i]
        return self._orig_end[i] + pos - self._norm_end[i]


def apply_edits(text: str, edits: list[Edit]) -> tuple[str, OffsetMap]:
    """Apply non-overlapping edits; later overlapping ones are dropped rather than trusted."""
    kept, last_end = [], 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < last_end or e.start > e.end or e.end > len(text):
            continue
        if text[e.start:e.end] == e.text:
            continue
        kept.append(e)
        last_end = e.end
    parts, pos = [], 0
    for e in kept:
        parts.append(text[pos:e.start])
        parts.append(e.text)
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts), OffsetMap(kept)


class MapChain:
    """Several OffsetMaps applied in turn: the last edit stage first."""

    def __init__(self, maps: list[OffsetMap]):
        self.maps = maps

    def to_original(self, pos: int, side: str = "start") -> int:
        for m in reversed(self.maps):
            pos = m.to_original(pos, side)
        return pos

    def span(self, start: int, end: int) -> list[int]:
        """A [start, end] span in the original text (a list, so it serialises as JSON)."""
        a = self.to_original(start, "start")
        b = self.to_original(end, "end")
        return [a, max(a, b)]
