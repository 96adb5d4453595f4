"""Text from untrusted places (scenario fields, file names, front-line file properties, error messages quoting
them) made safe for each output channel: one function per channel, applied at that channel's boundary.

* ``terminal(text)``: what the CLI prints (stdout, stderr, the gallery's progress bar, log lines). C0 and C1
  control characters other than newline and tab (so every ESC sequence: clear screen, window title, hyperlinks),
  DEL, bidirectional embeddings/overrides/isolates and lone surrogates (undecodable bytes of a file name) are shown
  as visible escapes (``\\x1b``, ``\\u202e``); everything else is left as written. Idempotent.
* ``json_text(doc)``: a JSON document made of ASCII-safe escapes for the characters ``terminal`` would change
  (``json.dumps`` already escapes C0): lossless, so the JSON means the same and prints the same everywhere.
* ``xml(text)``: characters XML 1.0 forbids (C0 other than tab/newline/CR, lone surrogates, U+FFFE/U+FFFF) become
  U+FFFD, so a KML file is always well-formed.
* ``csv_cell(value)``: the OWASP CSV-injection rule: a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or
  CR gets a leading ``'`` so a spreadsheet shows it as text instead of running it as a formula; numbers (and a
  text that is a plain negative number such as ``-1``) are left alone.
* ``png(text)``: text for matplotlib: bidirectional controls removed (an override cannot reverse a subtitle),
  other control characters removed (tabs become spaces; newlines kept), lone surrogates become U+FFFD.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["csv_cell", "json_text", "png", "terminal", "xml"]

# bidirectional embeddings, overrides (U+202A-U+202E) and isolates (U+2066-U+2069): they reorder what follows
_BIDI = "\u202a-\u202e\u2066-\u2069"
_TERMINAL_BAD = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
_JSON_BAD = re.compile(f"[\x7f-\x9f{_BIDI}\ud800-\udfff]")
_XML_BAD = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PNG_BIDI = re.compile(f"[{_BIDI}\u200e\u200f\u061c]")
_PNG_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEGATIVE_NUMBER = re.compile(r"-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if (
        0xDC80 <= code <= 0xDCFF
    ):  # an undecodable byte of a file name (surrogateescape): show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: Any) -> str:
    """``text`` safe to print on a terminal: controls (except newline and tab), bidi controls and lone
    surrogates shown as visible escapes."""
    return _TERMINAL_BAD.sub(_visible, str(text))


def json_text(doc: str) -> str:
    """A JSON document (from ``json.dumps``) with DEL, C1, bidi controls and lone surrogates as ``\\uXXXX``
    escapes: the same JSON value, safe on a terminal and always encodable as UTF-8."""
    return _JSON_BAD.sub(lambda m: f"\\u{ord(m.group()):04x}", doc)


def xml(text: Any) -> str:
    """``text`` with every character XML 1.0 forbids replaced by U+FFFD (the serializer escapes the rest)."""
    return _XML_BAD.sub("\ufffd", str(text))


def csv_cell(value: Any) -> Any:
    """A CSV cell under the OWASP CSV-injection rule (see the module docstring); non-text values unchanged."""
    if not isinstance(value, str):
        return value
    value = _SURROGATE.sub("\ufffd", value)
    if value.startswith(_FORMULA_START) and not _NEGATIVE_NUMBER.fullmatch(value):
        return "'" + value
    return value


def png(text: Any) -> str:
    """``text`` for a matplotlib text artist: no bidi or control characters (tabs as spaces, newlines kept)."""
    s = _PNG_BIDI.sub("", str(text)).replace("\t", " ")
    return _SURROGATE.sub("\ufffd", _PNG_CONTROL.sub("", s))
