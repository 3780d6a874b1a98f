"""recoupe: who said what, reported by whom, and when, from raw multi-outlet news text."""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from recoupe.query import open

__all__ = ["__version__", "open"]


def __getattr__(name: str) -> object:
    # recoupe.open is imported on first use, so `import recoupe` stays light
    if name == "open":
        from recoupe.query import open

        return open
    raise AttributeError(f"module 'recoupe' has no attribute {name!r}")
