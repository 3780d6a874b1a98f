"""atheris harness: the cleaner on any text is idempotent and its offsets map back to the original.

Run (not part of the test suite): `.venv/bin/python tests/fuzz/fuzz_clean.py -max_total_time=600`.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["recoupe"]):
    from recoupe.clean import clean_text


def one_input(data: bytes) -> None:
    """Clean the text in `data` twice and check the offset anchors against the original."""
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))
    cleaned, offsets, _, _, _ = clean_text(text)
    if clean_text(cleaned)[0] != cleaned:
        raise AssertionError(f"not idempotent: {text!r}")
    anchors = list(zip(offsets.clean, offsets.orig, strict=True))
    for i, (c, o) in enumerate(anchors):
        end = anchors[i + 1][0] if i + 1 < len(anchors) else len(cleaned)
        chunk = cleaned[c:end].rstrip()
        if text[o : o + len(chunk)] != chunk:
            raise AssertionError(f"offset {c} does not map back: {text!r}")


def main() -> None:
    """Entry point: libFuzzer flags come from the command line."""
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
