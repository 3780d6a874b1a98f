"""Bytes to text: size limits, binary detection, UTF-8 first, then a detected charset."""

from __future__ import annotations

import codecs
import stat
from pathlib import Path

from recoupe.model import RejectedInput

_CONTROL_OK = {9, 10, 12, 13}
# Byte-order marks, longest first (UTF-32 LE starts like UTF-16 LE).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# French text that is not UTF-8 is nearly always in one of these; charset-normalizer alone
# tends to pick a Central or Baltic code page for short French texts (è read as č).
_WESTERN = ["cp1252", "iso8859_15", "latin_1"]


def read_bytes(path: Path, name: str, max_bytes: int) -> bytes:
    """Read a whole file, rejecting unreadable, empty and oversized ones with a reason."""
    try:
        st = path.stat()
    except OSError as e:
        raise RejectedInput(name, f"cannot read file ({e.strerror or e})") from e
    if stat.S_ISDIR(st.st_mode):
        raise RejectedInput(name, "is a directory, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise RejectedInput(name, "not a regular file (device, socket or pipe)")
    size = st.st_size
    if size > max_bytes:
        raise RejectedInput(name, f"file too large ({size} bytes > limit of {max_bytes} bytes; raise max_file_bytes)")
    try:
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except PermissionError as e:
        raise RejectedInput(name, "cannot read file (permission denied)") from e
    except IsADirectoryError as e:
        raise RejectedInput(name, "is a directory, not a file") from e
    except OSError as e:
        raise RejectedInput(name, f"cannot read file ({e.strerror or e})") from e
    if len(data) > max_bytes:
        raise RejectedInput(name, f"file too large (> limit of {max_bytes} bytes; raise max_file_bytes)")
    if not data:
        raise RejectedInput(name, "empty file (0 bytes)")
    return data


def bom_encoding(data: bytes) -> str | None:
    """The encoding announced by a byte-order mark at the start of `data`, if any."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def looks_binary(data: bytes) -> bool:
    """True for data that is not text in any charset: NUL bytes or many control bytes."""
    if bom_encoding(data) in ("utf-16", "utf-32"):
        return False
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in _CONTROL_OK)
    return controls > max(4, len(head) // 50)


def _best_charset(data: bytes, isolation: list[str] | None) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=isolation).best()
    if best is None or best.encoding is None:
        return None
    return str(best), best.encoding


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes as UTF-8 (or the charset of a BOM), else as charset-normalizer finds; (text, charset)."""
    if looks_binary(data):
        raise RejectedInput(name, "binary file, not text")
    declared = bom_encoding(data)
    if declared is not None and declared != "utf-8-sig":
        try:
            text, charset = data.decode(declared), declared
        except UnicodeDecodeError as e:
            reason = f"invalid {declared.upper()} at byte {e.start} despite its byte-order mark"
            raise RejectedInput(name, reason) from e
    else:
        try:
            text, charset = data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError as e:
            found = _best_charset(data, _WESTERN) or _best_charset(data, None)
            if found is None:
                raise RejectedInput(
                    name, f"invalid UTF-8 at byte {e.start} and no other charset fits (undecodable text)"
                ) from e
            text, charset = found
    if "\x00" in text:
        raise RejectedInput(name, "binary file, not text (NUL characters after decoding)")
    if not text.strip():
        raise RejectedInput(name, "whitespace-only file (no text)")
    return text, charset
