"""Cut a long text into messages under a platform's length limit, at the gentlest boundary."""

from __future__ import annotations

from collections.abc import Callable

# Boundaries to cut at, gentlest first: paragraph, line, sentence end, word.
_BOUNDARIES = ("\n\n", "\n", "。", ". ", "！", "？", "! ", "? ", "；", "; ", " ")


def split_message(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """Pieces of `text`, each with `measure(piece) <= limit`, cut at paragraph ends if possible.

    `measure` lets a caller count what the platform counts (e.g. the length after HTML escaping).
    """
    pieces: list[str] = []
    rest = text.strip()
    while rest:
        if measure(rest) <= limit:
            pieces.append(rest)
            break
        cut = _longest_fitting_prefix(rest, limit, measure)
        piece = rest[:cut]
        for boundary in _BOUNDARIES:
            position = piece.rfind(boundary)
            if position > cut // 3:  # don't make a tiny piece just to respect a boundary
                piece = rest[: position + len(boundary)]
                break
        pieces.append(piece.strip())
        rest = rest[len(piece) :].strip()
    return [p for p in pieces if p]


def _longest_fitting_prefix(text: str, limit: int, measure: Callable[[str], int]) -> int:
    low, high = 1, min(len(text), limit)
    while low < high:  # binary search: measure is monotonic in the prefix length
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low
