"""recoupe: who said what, reported by whom, and when, from raw multi-outlet news text."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
