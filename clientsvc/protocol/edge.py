"""What every text and every JSON document from a peer must be before anything else reads it.

One parser for every JSON body that crosses a process boundary (the broker's frames, the
center's batches and desk calls, the brokers' records, replies), so that a hostile document is
refused once, at the edge, with a code (``E_MALFORMED``), and never reaches the code behind it:

- size-capped before parsing; strict UTF-8;
- no duplicate keys (Python's ``json`` keeps the last, other readers the first: two parties
  would then hash two different requests);
- no ``NaN`` / ``Infinity``; integers within the decoder's digit limit;
- nested at most ``MAX_DEPTH`` deep (a deeply nested array would otherwise reach a recursive
  walker later — the canonical encoder, a validator, an error path — and end the process);
- no lone surrogate (``"\\ud800"``: it cannot be written as UTF-8, so the journal, a database or
  a signature would fail on it later) and no control character but newline and tab in any
  string, key or value (PostgreSQL ``text`` cannot hold NUL: a record that stores on one
  database and not on the other becomes a poison pill for a retrying feed).

Names and numbers are checked harder by their types (``clientsvc.protocol.messages``): no
invisible format characters (right-to-left override, zero-width), no mixed Latin / Cyrillic /
Greek look-alikes. Free text keeps what it was sent, and the screen shows any invisible
character as a marked placeholder (``visible``), never raw.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from clientsvc.protocol.errors import ErrorCode, ProtocolError

MAX_DEPTH = 32
# C0 controls but tab and newline, DEL, C1 controls, and lone surrogates
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_NAMES = {"\x00": "NUL", "\r": "CR", "\x1b": "ESC", "\x7f": "DEL"}


class _Duplicate(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Duplicate(f"duplicate key {key[:40]!r}")
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def describe_char(ch: str) -> str:
    """U+202E RIGHT-TO-LEFT OVERRIDE, U+0000 NUL …: a character named for a log or an error."""
    code = f"U+{ord(ch):04X}"
    name = _CONTROL_NAMES.get(ch) or unicodedata.name(ch, "")
    return f"{code} {name}".strip()


def check_text(value: str, where: str = "text") -> None:
    """Refuse a lone surrogate or a control character other than newline and tab."""
    bad = _FORBIDDEN.search(value)
    if bad is not None:
        kind = "a lone surrogate" if "\ud800" <= bad.group() <= "\udfff" else "a control character"
        raise ProtocolError(
            ErrorCode.MALFORMED, f"{where}: {kind} ({describe_char(bad.group())}) is not allowed"
        )


def check_document(value: Any, max_depth: int = MAX_DEPTH) -> None:
    """Every string (keys included) of a parsed JSON value passes ``check_text``, and nothing is
    nested deeper than ``max_depth``. Iterative: a hostile depth costs no recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            check_text(item, "a string")
        elif isinstance(item, dict):
            if depth > max_depth:
                raise ProtocolError(ErrorCode.MALFORMED, f"nested deeper than {max_depth}")
            for key, child in item.items():
                check_text(key, "a key")
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            if depth > max_depth:
                raise ProtocolError(ErrorCode.MALFORMED, f"nested deeper than {max_depth}")
            stack.extend((child, depth + 1) for child in item)


def loads(data: bytes | str, max_bytes: int, max_depth: int = MAX_DEPTH) -> Any:
    """A JSON document from a peer, checked as the module says; ``ProtocolError`` otherwise
    (``E_TOO_LARGE`` over ``max_bytes``, ``E_MALFORMED`` for everything else). Never raises
    anything else, whatever the input."""
    size = len(data)
    if size > max_bytes:
        raise ProtocolError(ErrorCode.TOO_LARGE, f"the JSON is {size} bytes")
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except _Duplicate as exc:
        raise ProtocolError(ErrorCode.MALFORMED, f"not JSON: {exc}") from exc
    except RecursionError as exc:  # the decoder's own guard, far past MAX_DEPTH
        raise ProtocolError(ErrorCode.MALFORMED, f"nested deeper than {max_depth}") from exc
    except (ValueError, TypeError) as exc:  # JSONDecodeError, UTF-8, int digits
        raise ProtocolError(ErrorCode.MALFORMED, f"not JSON: {str(exc)[:120]}") from exc
    check_document(value, max_depth)
    return value


# --- names and numbers: what must look like what it is -----------------------------------------

_LOOKALIKE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


def name_problem(value: str) -> str | None:
    """Why ``value`` cannot be a name (an account holder, a payee, an outlet, a label), or None.

    Refused: any control character (newline and tab too), an invisible format character
    (category Cf: U+202E right-to-left override, U+200B zero-width space, U+2066 isolates …),
    line and paragraph separators, private-use and unassigned code points, and letters of more
    than one of Latin, Cyrillic and Greek in one name (Cyrillic А passing for Latin A)."""
    scripts: set[str] = set()
    for ch in value:
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            return f"{describe_char(ch)} is not allowed in a name"
        if category.startswith("L"):
            script = unicodedata.name(ch, "").split(" ", 1)[0]
            if script in _LOOKALIKE_SCRIPTS:
                scripts.add(script)
    if len(scripts) > 1:
        return "letters of " + " and ".join(sorted(scripts)).lower() + " mixed in one name"
    return None


def visible(value: str) -> str:
    """Free text as it may be shown: every invisible or reordering character (format, control,
    separator, private use) as a marked placeholder ``[U+202E]``, never raw; newline and tab
    kept."""
    if value.isprintable() and value.isascii():
        return value
    out = []
    for ch in value:
        if ch in "\n\t":
            out.append(ch)
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append(f"[U+{ord(ch):04X}]")
        else:
            out.append(ch)
    return "".join(out)


def display_name(value: str) -> str:
    """A name as shown: NFC (one code point per letter, as typed on a Chinese keyboard), with
    anything invisible made visible (the protocol refuses those; older records may hold them)."""
    return visible(unicodedata.normalize("NFC", value))
