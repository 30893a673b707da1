"""Bar charts drawn on the server as SVG: no script, no CDN, readable in any browser.

Every label is escaped; the numbers are ours."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

WIDTH, HEIGHT, MARGIN = 640, 220, 32
PALETTE = ("#2f7d32", "#1565c0", "#6a1b9a", "#ef6c00", "#c62828", "#546e7a")


def stacked_bars(
    columns: Sequence[tuple[str, Mapping[str, float]]],
    kinds: Sequence[str],
    title: str,
    names: Mapping[str, str] | None = None,
) -> str:
    """One bar per column (a day, a week), stacked by kind, with a legend; `names` are the
    kinds as shown (translated)."""
    names = names or {}
    if not columns:
        return _empty(title)
    highest = max(sum(values.values()) for _, values in columns) or 1
    step = (WIDTH - 2 * MARGIN) / len(columns)
    bar = min(max(step * 0.7, 2), 48)  # a lone week is a bar, not a wall
    parts = [_frame(title)]
    for position, (label, values) in enumerate(columns):
        x = MARGIN + position * step
        top = HEIGHT - MARGIN
        for kind, colour in zip(kinds, PALETTE, strict=False):
            height = (HEIGHT - 2 * MARGIN) * values.get(kind, 0) / highest
            if height:
                top -= height
                parts.append(
                    f'<rect x="{x:.1f}" y="{top:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                    f'fill="{colour}"><title>{escape(label)} · {escape(names.get(kind, kind))}: '
                    f"{values.get(kind, 0):g}</title></rect>"
                )
        if len(columns) <= 16 or position % max(len(columns) // 8, 1) == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - MARGIN + 14}" font-size="10">'
                f"{escape(label)}</text>"
            )
    parts.append(f'<text x="4" y="{MARGIN - 6}" font-size="10">{highest:g}</text>')
    for number, (kind, colour) in enumerate(zip(kinds, PALETTE, strict=False)):
        x, shown = MARGIN + number * 110, escape(names.get(kind, kind))
        parts.append(f'<rect x="{x}" y="{HEIGHT - 15}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{HEIGHT - 6}" font-size="10">{shown}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bars(columns: Sequence[tuple[str, float]], title: str, unit: str = "") -> str:
    """One plain bar per column, its value written above it."""
    if not columns:
        return _empty(title)
    highest = max(value for _, value in columns) or 1
    step = (WIDTH - 2 * MARGIN) / len(columns)
    parts = [_frame(title)]
    for position, (label, value) in enumerate(columns):
        x = MARGIN + position * step
        height = (HEIGHT - 2 * MARGIN) * value / highest
        top = HEIGHT - MARGIN - height
        parts.append(
            f'<rect x="{x:.1f}" y="{top:.1f}" width="{min(max(step * 0.7, 2), 48):.1f}" '
            f'height="{height:.1f}" fill="{PALETTE[1]}"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{top - 3:.1f}" font-size="10">{value:g}{escape(unit)}</text>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - MARGIN + 14}" font-size="10">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def ranked_bars(rows: Sequence[tuple[str, float]], title: str) -> str:
    """One horizontal bar per row, most first: for long labels (a question), each written
    above its bar, cut to fit, whole in the bar's tooltip."""
    if not rows:
        return _empty(title)
    highest = max(value for _, value in rows) or 1
    row_height = 30
    height = len(rows) * row_height + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(title)}" style="max-width: 100%; background: #fafafa">'
    ]
    for position, (label, value) in enumerate(rows):
        top = 4 + position * row_height
        width = (WIDTH - 2 * MARGIN) * value / highest
        shown = label if len(label) <= 80 else label[:79] + "…"
        parts.append(
            f'<text x="4" y="{top + 10}" font-size="10">{escape(shown)}</text>'
            f'<rect x="4" y="{top + 13}" width="{width:.1f}" height="12" fill="{PALETTE[3]}">'
            f"<title>{escape(label)}: {value:g}</title></rect>"
            f'<text x="{width + 8:.1f}" y="{top + 23}" font-size="10">{value:g}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _frame(title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" style="max-width: 100%; background: #fafafa">'
        f'<line x1="{MARGIN}" y1="{HEIGHT - MARGIN}" x2="{WIDTH - MARGIN}" '
        f'y2="{HEIGHT - MARGIN}" stroke="#999"/>'
    )


def _empty(title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 40" role="img" '
        f'aria-label="{escape(title)}"><text x="4" y="24" font-size="12">—</text></svg>'
    )
