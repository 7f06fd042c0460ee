"""The 18-digit resident ID number (GB 11643-1999): its check character (ISO 7064 MOD 11-2), and
the birth date and sex it encodes. Pure functions."""

from __future__ import annotations

import datetime as _dt

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"


def id_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of an 18-digit PRC ID number (``'X'`` stands for 10).

    Raises:
        ValueError: ``first17`` is not exactly 17 ASCII digits.
    """
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"expected the first 17 digits of an ID number, got {first17!r}")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def id_sex(id_number: str) -> str | None:
    """The sex an 18-digit resident ID number says (its 17th digit: odd 男, even 女), or None."""
    if len(id_number) != 18 or not id_number[:17].isascii() or not id_number[:17].isdigit():
        return None
    return "男" if int(id_number[16]) % 2 else "女"


def id_birth(id_number: str) -> _dt.date | None:
    """The birth date an 18-digit resident ID number says (digits 7 to 14), or None."""
    try:
        return _dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def id_number_valid(id_number: str) -> bool:
    """An 18-character ID number whose check character is right (and an existing birth date)."""
    if len(id_number) != 18 or not id_number[:17].isascii() or not id_number[:17].isdigit():
        return False
    return id_check_digit(id_number[:17]) == id_number[17] and id_birth(id_number) is not None
