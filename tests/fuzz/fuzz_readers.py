"""atheris harness: any bytes, under any extension, through recoupe's readers and cleaner.

Run (not part of the test suite): `.venv/bin/python tests/fuzz/fuzz_readers.py -max_total_time=600`
(needs `pip install atheris`). A crash is any exception other than RejectedInput.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["recoupe"]):
    from recoupe.clean import clean_article
    from recoupe.ingest import read_file
    from recoupe.model import RawDocument, RejectedInput
    from recoupe.settings import Settings

SETTINGS = Settings(max_file_bytes=64 * 1024, max_decompressed_bytes=256 * 1024)
EXTENSIONS = ["txt", "html", "xml", "jsonl", "warc", "warc.gz", "gz", ""]
TMP = Path(tempfile.mkdtemp(prefix="recoupe-fuzz-"))


def one_input(data: bytes) -> None:
    """Read `data` as a file (extension chosen by its first byte) and clean what comes out."""
    if not data:
        return
    ext = EXTENSIONS[data[0] % len(EXTENSIONS)]
    name = f"input.{ext}" if ext else "input"
    path = TMP / name
    path.write_bytes(data[1:])
    try:
        for item in read_file(path, name, SETTINGS):
            if isinstance(item, RawDocument):
                try:
                    clean_article(item)
                except RejectedInput:
                    pass
    except RejectedInput:
        pass
    finally:
        path.unlink(missing_ok=True)


def main() -> None:
    """Entry point: libFuzzer flags come from the command line."""
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
