"""DuckDB full-text search: the `fts` extension, loaded from the installed `duckdb-ext-fts` package only.

The extension is never downloaded (`INSTALL fts` needs the internet): the PyPI package `duckdb-ext-fts` (x86_64
Linux) ships it under `duckdb_ext/extensions/v<duckdb version>/<platform>/`. Where the package or that file is
missing, `load_fts` returns False and callers fall back to searching without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# The article index: French stemming, no stop words (a query word must be found, however common), accents
# and case ignored; words are runs of letters and digits of any script
ARTICLE_INDEX = (
    "PRAGMA create_fts_index('articles', 'id', 'title', 'text', stemmer = 'french', stopwords = 'none',"
    " ignore = '[^\\p{L}\\p{N}]+', strip_accents = 1, lower = 1, overwrite = 1)"
)
ARTICLE_SCHEMA = "fts_main_articles"


def extension_directory() -> Path | None:
    """The folder of DuckDB extensions shipped by the `duckdb-ext-fts` package, or None when it is not installed."""
    try:
        import duckdb_ext  # type: ignore[import-not-found]
    except ImportError:
        return None
    return Path(next(iter(duckdb_ext.__path__))) / "extensions"


def load_fts(con: Any, directory: str | Path | None = None) -> bool:
    """Load the fts extension into this connection from the installed package; False when it is not there.

    `directory` (default: the package's) holds `v<duckdb version>/<platform>/fts.duckdb_extension`.
    """
    import duckdb

    folder = Path(directory) if directory is not None else extension_directory()
    if folder is None:
        return False
    try:
        platform = con.execute("PRAGMA platform").fetchone()[0]
        path = folder / f"v{duckdb.__version__}" / platform / "fts.duckdb_extension"
        if not path.is_file():
            return False
        con.execute(f"LOAD '{str(path).replace(chr(39), chr(39) * 2)}'")
    except duckdb.Error:
        return False
    return True


def has_index(con: Any, schema: str) -> bool:
    """Whether a full-text index (the schema `create_fts_index` writes) exists in this database."""
    row = con.execute("SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?", [schema]).fetchone()
    return bool(row and row[0])
