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
        for note in report.notes:
            console.print(f"[cyan]note[/cyan] {note}")
        for r in report.rejected:
            console.print(f"[yellow]rejected[/yellow] {r.file}: {r.reason}")
        if export is not None:
            out.print(f"export written to {export}/")
    if report.rejected:
        raise typer.Exit(EXIT_REJECTED)


def main() -> None:
    """Entry point for `python -m recoupe`."""
    app()


# -- queries over an analysed database (issue 5): thin wrappers over recoupe.query ---------------------------

FormatOption = Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")]
QueryDbOption = Annotated[Path, typer.Option("--db", help="DuckDB database written by `recoupe analyze`.")]
LimitOption = Annotated[int, typer.Option("--limit", min=1, max=500, help="Rows to show.")]
OffsetOption = Annotated[int, typer.Option("--offset", min=0, help="Rows to skip.")]


def _open_db(db: Path):  # noqa: ANN202 (recoupe.query is imported lazily)
    from recoupe.query import QueryError, open

    try:
        return open(db)
    except (FileNotFoundError, QueryError) as e:
        raise typer.BadParameter(str(e), param_hint="--db") from e


def _emit(
    rows: list[dict[str, object]], fmt: str, title: str, columns: list[str], records: list[object],
    shown: list[str] | None = None,
) -> None:
    """Print rows as a Rich table (of the `shown` columns), a JSON array of the full records, or CSV."""
    import csv
    import json
    import sys
    from dataclasses import asdict

    from rich.text import Text

    if fmt == "json":
        sys.stdout.write(json.dumps([asdict(r) for r in records], ensure_ascii=False, indent=2) + "\n")  # type: ignore[call-overload]
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    elif fmt == "table":
        table = Table(title=title)
        shown = shown or columns
        for c in shown:
            wide = c in ("text", "title", "aliases")
            table.add_column(c, justify="right" if c.startswith("n_") else "left", overflow="fold",
                             ratio=4 if wide else 1, min_width=24 if wide else None, no_wrap=c.startswith("n_"))
        for r in rows:
            table.add_row(*(Text("" if r.get(c) is None else str(r.get(c))) for c in shown))
        out.print(table)
    else:
        raise typer.BadParameter(f"unknown format {fmt!r}: use table, json or csv", param_hint="--format")


@app.command()
def quotes(
    speaker: Annotated[str | None, typer.Option("--speaker", help="Canonical name or alias.")] = None,
    outlet: Annotated[str | None, typer.Option("--outlet", help="Only quotations this outlet carried.")] = None,
    story: Annotated[str | None, typer.Option("--story", help="Only quotations of this story id.")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="Reported on or after (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Reported on or before (YYYY-MM-DD).")] = None,
    search: Annotated[str | None, typer.Option("--search", "-s", help="Words the quotation contains.")] = None,
    min_outlets: Annotated[int | None, typer.Option("--min-outlets", min=1, help="Carried by N outlets.")] = None,
    fmt: FormatOption = "table",
    db: QueryDbOption = Path("recoupe.duckdb"),
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
) -> None:
    """Corroborated quotations: who said it, how many outlets carried it, where it was seen first."""
    from recoupe.query import QueryError

    with _open_db(db) as rq:
        try:
            page = rq.quotes(speaker, outlet, story, date_from, date_to, search, min_outlets, limit=limit,
                             offset=offset)
        except (QueryError, ValueError) as e:
            raise typer.BadParameter(str(e)) from e
    rows: list[dict[str, object]] = [
        {"id": q.id, "text": q.text, "speaker": q.speaker, "n_outlets": q.n_outlets,
         "outlets": "; ".join(q.outlets), "first_published": q.first_published, "first_outlet": q.first_outlet,
         "single_source": q.single_source}
        for q in page.items
    ]
    _emit(rows, fmt, f"{page.total} quotations", ["id", "text", "speaker", "n_outlets", "outlets",
                                                   "first_published", "first_outlet", "single_source"],
          list(page.items), ["text", "speaker", "n_outlets", "first_published", "first_outlet", "id"])


@app.command()
def stories(
    search: Annotated[str | None, typer.Option("--search", "-s", help="Words in the story title.")] = None,
    fmt: FormatOption = "table",
    db: QueryDbOption = Path("recoupe.duckdb"),
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
) -> None:
    """Stories: title, dates, number of articles and outlets, most covered first."""
    with _open_db(db) as rq:
        page = rq.stories(search, limit, offset)
    rows: list[dict[str, object]] = [
        {"id": s.id, "title": s.title, "first_published": s.first_published, "last_published": s.last_published,
         "n_articles": s.n_articles, "n_outlets": s.n_outlets, "outlets": "; ".join(s.outlets)}
        for s in page.items
    ]
    _emit(rows, fmt, f"{page.total} stories", ["id", "title", "first_published", "last_published", "n_articles",
                                               "n_outlets", "outlets"], list(page.items),
          ["title", "first_published", "last_published", "n_articles", "n_outlets", "id"])


@app.command()
def speakers(
    search: Annotated[str | None, typer.Option("--search", "-s", help="Words in the name or an alias.")] = None,
    fmt: FormatOption = "table",
    db: QueryDbOption = Path("recoupe.duckdb"),
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
) -> None:
    """Speakers: canonical name, roles, number of quotations and outlets, first and last seen."""
    with _open_db(db) as rq:
        page = rq.speakers(search, limit, offset)
    rows: list[dict[str, object]] = [
        {"name": s.name, "roles": "; ".join(s.roles), "n_quotes": s.n_quotes, "n_outlets": s.n_outlets,
         "first_seen": s.first_seen, "last_seen": s.last_seen, "aliases": "; ".join(s.aliases)}
        for s in page.items
    ]
    _emit(rows, fmt, f"{page.total} speakers", ["name", "roles", "n_quotes", "n_outlets", "first_seen", "last_seen",
                                                "aliases"], list(page.items),
          ["name", "roles", "n_quotes", "n_outlets", "first_seen", "last_seen"])


@app.command()
def serve(
    db: QueryDbOption = Path("recoupe.duckdb"),
    host: Annotated[str, typer.Option("--host", help="Interface to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port.")] = 8000,
) -> None:
    """Serve the REST API (/api, OpenAPI at /api/openapi.json) and the web UI over DB (needs the `web` extra)."""
    try:
        from recoupe.api import serve as run_server
    except ImportError as e:
        raise typer.BadParameter(f"the web UI needs the `web` extra: pip install 'recoupe[web]' ({e})") from e
    _open_db(db).close()
    out.print(f"recoupe: serving {db} on http://{host}:{port}/ (API docs: /api/openapi.json)")
    run_server(db, host=host, port=port)


# -- issue 7: the same pipeline on Apache Spark (extra: recoupe[spark]) -------------------------------------

spark_app = typer.Typer(help="Run the pipeline on Apache Spark (needs the `spark` extra).", no_args_is_help=True)
app.add_typer(spark_app, name="spark")


@spark_app.command("analyze")
def spark_analyze(
    source: Annotated[
        str, typer.Argument(metavar="INPUT", help="Folder, file or quoted glob: text, JSONL, WARC, Parquet.")
    ],
    output: Annotated[Path, typer.Option("--output", help="Folder of Parquet tables to write (replaced).")],
    master: Annotated[
        str | None, typer.Option("--master", help="Spark master URL (default: spark-submit's, else local[2]).")
    ] = None,
    conf: Annotated[
        list[str] | None, typer.Option("--conf", help="Spark setting KEY=VALUE (repeatable).")
    ] = None,
    export: Annotated[
        Path | None, typer.Option("--export", help="Also write the contract JSONL (articles, quotes, rejected) here.")
    ] = None,
    partitions: Annotated[int | None, typer.Option("--partitions", min=1, help="Partitions to read into.")] = None,
    no_quotes: Annotated[bool, typer.Option("--no-quotes", help="Skip the quote stage (spaCy parse).")] = False,
    config: ConfigOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
) -> None:
    """Analyse INPUT on Spark: the stages of `recoupe analyze`, one Parquet table each under OUTPUT."""
    from recoupe import spark

    try:
        import pyspark  # noqa: F401
    except ImportError as e:
        raise typer.BadParameter(f"Spark runs need the `spark` extra: pip install 'recoupe[spark]' ({e})") from e
    settings = _settings(config)
    pairs = [c.partition("=") for c in conf or []]
    bad = [k for k, eq, _ in pairs if not eq]
    if bad:
        raise typer.BadParameter(f"expected KEY=VALUE, got {bad[0]!r}", param_hint="--conf")
    from pyspark.sql import SparkSession

    owned = SparkSession.getActiveSession() is None
    session = spark.spark_session(master, conf={k: v for k, _, v in pairs})
    try:
        report = spark.analyze(
            session, source, output, settings, quotes=not no_quotes, partitions=partitions,
            progress=None if quiet else (lambda stage: console.print(f"[dim]spark:[/dim] {stage}")),
        )
    except spark.SparkInputError as e:
        raise typer.BadParameter(str(e), param_hint="INPUT") from e
    finally:
        if owned:
            session.stop()
    counts = spark.export_parquet(output, export, settings) if export is not None else None
    if not quiet:
        table = Table(title=f"recoupe spark analyze {source}")
        table.add_column("table")
        table.add_column("rows", justify="right")
        for k, v in report.counts.items():
            table.add_row(k, str(v))
        out.print(table)
        for note in report.notes:
            console.print(f"[yellow]note[/yellow] {note}")
        out.print(f"Parquet tables written to {output}/")
        if counts is not None:
            out.print(f"export written to {export}/")


@app.command("load-parquet")
def load_parquet(
    output: Annotated[Path, typer.Argument(help="The --output folder of `recoupe spark analyze`.")],
    db: DbOption = Path("recoupe.duckdb"),
    config: ConfigOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
) -> None:
    """Load a Spark run's Parquet tables into DB, ready for `recoupe serve` and the query commands."""
    from recoupe.spark import SparkInputError
    from recoupe.spark import load_parquet as load
    from recoupe.store import Store

    settings = _settings(config, db_path=str(db))
    try:
        with Store(settings.db_path) as store:
            counts = load(output, store, settings)
    except SparkInputError as e:
        raise typer.BadParameter(str(e), param_hint="OUTPUT") from e
    if not quiet:
        out.print(f"loaded {counts['articles']} articles, {counts['quotes']} quotes, {counts['stories']} stories"
                  f" into {db}")
