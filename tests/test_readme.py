"""The README's examples run: its Python blocks execute, and every command it shows exists."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recoupe.cli import app

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def test_readme_opens_with_the_two_commands() -> None:
    head = README[: README.index("## Quickstart")]
    assert "make demo" in head and "make test" in head


def test_readme_python_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = _blocks("python")
    assert blocks, "the README shows no Python example"
    monkeypatch.chdir(tmp_path)
    os.symlink(REPO / "examples", tmp_path / "examples")
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 (the README's own examples)


def test_every_command_the_readme_shows_exists() -> None:
    shown = set()
    for block in _blocks("console"):
        for line in block.splitlines():
            line = line.strip().removeprefix("$ ")
            words = shlex.split(line, comments=True) if line else []
            if words and words[0].endswith("recoupe") and len(words) > 1:
                shown.add(tuple(w for w in words[1:3] if not w.startswith("-") and "/" not in w)[:2])
    assert shown, "the README shows no recoupe command"
    runner = CliRunner()
    for cmd in shown:
        words = list(cmd)
        result = runner.invoke(app, [*words, "--help"])
        if result.exit_code != 0 and len(words) > 1:
            result = runner.invoke(app, [words[0], "--help"])
        assert result.exit_code == 0, f"README shows `recoupe {' '.join(cmd)}`, which is not a command"
