"""Bytes -> text, for encodings found on Arabic sites: UTF-8 (with or without BOM),
UTF-16/32 with BOM, and Windows-1256 (cp1256), the legacy Arabic code page."""
from __future__ import annotations

import codecs

from marsad.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes in the first 8 kB (after any BOM) mean not text."""
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head:
        return True
    ctrl = sum(1 for b in head if b < 9 or 13 < b < 32)
    return ctrl / len(head) > 0.05


def decode_bytes(data: bytes, where: str, declared: str | None = None) -> tuple[str, str]:
    """Decode `data`; return (text, encoding). Raise InputError naming `where` if it is not text."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), enc
            except UnicodeDecodeError as e:
                raise InputError(f"{where}: invalid {enc} after its byte-order mark at byte {e.start + len(bom)}") from None
    if looks_binary(data):
        raise InputError(f"{where}: binary data, not text")
    if declared:
        try:
            return data.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        utf8_error = e
    # truncated or sparsely damaged UTF-8 (a cut download, one bad byte): keep what decodes.
    # Checked before cp1256, since UTF-8 Arabic read as cp1256 also "looks Arabic" (mojibake).
    repaired = data.decode("utf-8", errors="replace")
    if repaired.count("\ufffd") <= max(1, len(repaired) // 200):
        return repaired, "utf-8 (repaired)"
    # cp1256 maps almost every byte, so accept it only when the result reads as Arabic
    try:
        text = data.decode("cp1256")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        letters = sum(1 for c in text if c.isalpha())
        arabic = sum(1 for c in text if "\u0600" <= c <= "\u06ff")
        if letters and arabic / letters > 0.3:
            return text, "cp1256"
    raise InputError(f"{where}: not UTF-8 (byte {utf8_error.start}) and not Arabic cp1256 text")
