"""Bytes to text: size limits, binary detection, UTF-8 first, then a detected charset."""

from __future__ import annotations

from pathlib import Path

from recoupe.model import RejectedInput

_CONTROL_OK = {9, 10, 12, 13}


def read_bytes(path: Path, name: str, max_bytes: int) -> bytes:
    """Read a whole file, rejecting unreadable, empty and oversized ones with a reason."""
    try:
        size = path.stat().st_size
    except OSError as e:
        raise RejectedInput(name, f"cannot read file ({e.strerror or e})") from e
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


def looks_binary(data: bytes) -> bool:
    """True for data that is not text in any charset: NUL bytes or many control bytes."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in _CONTROL_OK)
    return controls > max(4, len(head) // 50)


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes as UTF-8, else as the charset charset-normalizer finds; returns (text, charset)."""
    if looks_binary(data):
        raise RejectedInput(name, "binary file, not text")
    try:
        text = data.decode("utf-8-sig")
        charset = "utf-8"
    except UnicodeDecodeError as e:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None or best.encoding is None:
            raise RejectedInput(
                name, f"invalid UTF-8 at byte {e.start} and no other charset fits"
            ) from e
        text = str(best)
        charset = best.encoding
    if not text.strip():
        raise RejectedInput(name, "whitespace-only file (no text)")
    return text, charset
