"""Command line: parses arguments, calls the library, shows progress and tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from recoupe.settings import Settings, SettingsError

app = typer.Typer(
    help="recoupe: who said what, reported by whom, and when, from raw multi-outlet news text.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)
out = Console()

EXIT_REJECTED = 3


@app.callback()
def _root() -> None:
    """recoupe: who said what, reported by whom, and when, from raw multi-outlet news text."""

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB database file.")]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="TOML settings file (keys of recoupe.Settings).")
]


def _settings(config: Path | None, **overrides: object) -> Settings:
    try:
        base = Settings.from_file(config) if config else Settings()
        return base.with_overrides(**overrides)
    except SettingsError as e:
        raise typer.BadParameter(str(e)) from e


@app.command()
def analyze(
    corpus: Annotated[Path, typer.Argument(help="Folder (searched recursively) or file of articles.")],
    export: Annotated[
        Path | None, typer.Option("--export", help="Write articles.jsonl, quotes.jsonl, rejected.jsonl here.")
    ] = None,
    db: DbOption = Path("recoupe.duckdb"),
    config: ConfigOption = None,
    max_file_bytes: Annotated[int | None, typer.Option(help="Reject files larger than this.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
) -> None:
    """Analyse every file under CORPUS: clean, deduplicate, group into stories, extract quotes; store in DB.

    Exit code 0 when every input was analysed, 3 when some were rejected (see rejected.jsonl), 1 on error.
    """
    from recoupe.export import export_run
    from recoupe.pipeline import run
    from recoupe.store import Store

    if not corpus.exists():
        raise typer.BadParameter(f"{corpus}: no such file or folder", param_hint="CORPUS")
    settings = _settings(config, max_file_bytes=max_file_bytes, db_path=str(db))
    with Store(settings.db_path) as store:
        with Progress(
            TextColumn("{task.description:<16}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=quiet,
            transient=True,
        ) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(stage: str, done: int, total: int | None) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total)
                bar.update(tasks[stage], completed=done, total=total)

            report = run(corpus, settings, store, progress=progress)
        if export is not None:
            export_run(store, report.inputs, export)
    counts = report.counts()
    if not quiet:
        table = Table(title=f"recoupe analyze {corpus}")
        table.add_column("what")
        table.add_column("count", justify="right")
        for k, v in counts.items():
            table.add_row(k, str(v))
        out.print(table)
        out.print(
            f"accounted for: {counts['accepted']} analysed + {counts['duplicate']} duplicates + "
            f"{counts['rejected']} rejected = {counts['inputs']} inputs"
        )
        for r in report.rejected:
            console.print(f"[yellow]rejected[/yellow] {r.file}: {r.reason}")
        if export is not None:
            out.print(f"export written to {export}/")
    if report.rejected:
        raise typer.Exit(EXIT_REJECTED)


def main() -> None:
    """Entry point for `python -m recoupe`."""
    app()
