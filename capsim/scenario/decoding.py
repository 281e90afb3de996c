"""The text of a scenario or sweep file from its bytes: UTF-8 (with or without a byte-order
mark), UTF-16 or UTF-32 with a byte-order mark, or GB18030 — the encoding Chinese editors on
Windows save in (GBK is a part of it). Anything else is refused in one line."""

from __future__ import annotations

import codecs

from capsim.errors import ScenarioError

#: Byte-order marks and their encodings; UTF-32's are checked first, as UTF-32 LE's begins
#: with UTF-16 LE's.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with a byte-order mark"),
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)


def decode(raw: bytes, source: str) -> tuple[str, str | None]:
    """The text of a file and the name of its encoding when it is not plain UTF-8 (None for
    UTF-8); raises ScenarioError naming the encoding problem."""
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError as exc:
                raise ScenarioError(source, [("", f"starts as {name} text, but byte "
                                                  f"{exc.start} is not {name}: {exc.reason}")]
                                    ) from None
            return text, None if codec == "utf-8-sig" else name
    if b"\x00" in raw:
        # No text encoding but UTF-16 and UTF-32 (whose marks are checked above) writes NUL.
        raise ScenarioError(source, [("", "not a text file: it holds NUL bytes (a binary "
                                          "file, or UTF-16 without a byte-order mark); "
                                          "save it as UTF-8")])
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as utf8_error:
        try:
            return raw.decode("gb18030"), "GB18030"
        except UnicodeDecodeError:
            raise ScenarioError(source, [("", f"neither UTF-8 nor GB18030 (GBK) text: byte "
                                              f"{utf8_error.start} (0x"
                                              f"{raw[utf8_error.start]:02x}) cannot be read; "
                                              "save the file as UTF-8")]) from None
