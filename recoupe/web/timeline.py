"""Timeline of a speaker's quotations: reports per day, stacked by outlet, drawn as inline SVG on the server."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from html import escape
from typing import Protocol

# colour-blind-friendly palette (Okabe-Ito), then grey for the rest
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
OTHER = "#999999"


class DayCount(Protocol):
    """How many reports an outlet made on one day."""

    day: str
    outlet: str | None
    n: int


def timeline_svg(points: Sequence[DayCount], width: int = 720, height: int = 220) -> str:
    """An SVG bar chart of reports per day, one colour per outlet, with axis labels and a legend."""
    if not points:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" width="{width}" height="40"'
                ' aria-label="aucune citation datée"><text x="8" y="24">aucune citation datée</text></svg>')
    days = sorted({p.day for p in points})
    totals: dict[str, int] = defaultdict(int)
    by_outlet: dict[str, int] = defaultdict(int)
    for p in points:
        totals[p.day] += p.n
        by_outlet[p.outlet or "média inconnu"] += p.n
    outlets = sorted(by_outlet, key=lambda o: (-by_outlet[o], o))
    colour = {o: PALETTE[i] if i < len(PALETTE) else OTHER for i, o in enumerate(outlets)}
    legend_h = 18 * ((len(outlets) + 2) // 3)
    left, right, top, bottom = 36, 8, 10, 44 + legend_h
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(totals.values())
    slot = plot_w / len(days)
    bar = max(2.0, min(40.0, slot * 0.7))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" aria-label="citations par jour et par média">',
        "<title>Citations rapportées par jour et par média</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#444"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#444"/>',
    ]
    for tick in sorted({0, peak, (peak + 1) // 2}):
        y = top + plot_h - plot_h * tick / peak
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{tick}</text>')
    stacked: dict[str, float] = defaultdict(float)
    label_every = max(1, len(days) // 12)
    for i, day in enumerate(days):
        x = left + slot * i + (slot - bar) / 2
        for p in sorted((p for p in points if p.day == day), key=lambda p: outlets.index(p.outlet or "média inconnu")):
            name = p.outlet or "média inconnu"
            h = plot_h * p.n / peak
            y = top + plot_h - stacked[day] - h
            stacked[day] += h
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour[name]}"'
                f' data-day="{escape(day)}" data-outlet="{escape(name)}" data-n="{p.n}">'
                f"<title>{escape(day)} · {escape(name)} : {p.n}</title></rect>"
            )
        if i % label_every == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle"'
                         f' font-size="11">{escape(day)}</text>')
    for i, name in enumerate(outlets):
        lx = left + (i % 3) * (plot_w / 3)
        ly = top + plot_h + 34 + 18 * (i // 3)
        parts.append(f'<rect x="{lx:.1f}" y="{ly - 10}" width="12" height="12" fill="{colour[name]}"/>')
        parts.append(f'<text x="{lx + 16:.1f}" y="{ly}" font-size="12">{escape(name)} ({by_outlet[name]})</text>')
    parts.append("</svg>")
    return "".join(parts)
