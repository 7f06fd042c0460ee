"""Money as the product writes it: an amount in fen in figures (``¥1,234.50``) and in Chinese
capital numerals (大写金额) as on a voucher, and the one limit on an amount, ``MAX_AMOUNT_FEN``,
that the protocol checks too. Pure functions, no Qt, no drawing."""

from __future__ import annotations

MAX_AMOUNT_FEN = 10**15  # ¥10,000,000,000,000.00: the largest amount a request may carry

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")


def _section_words(n: int) -> str:
    """Words for 1..9999 with zeros between non-zero digits collapsed into one 零."""
    out: list[str] = []
    pending_zero = False
    for pos in range(3, -1, -1):
        d = (n // 10**pos) % 10
        if d == 0:
            if out:
                pending_zero = True
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_DIGITS[d] + _SMALL_UNITS[pos])
    return "".join(out)


def _integer_words(n: int) -> str:
    """Words for a positive integer of yuan, using 万 and 亿 (万亿 above 10^12)."""
    if n >= 10**8:
        high, low = divmod(n, 10**8)
        text = _integer_words(high) + "亿"
        if low:
            text += ("零" if low < 10**7 else "") + _integer_words(low)
        return text
    if n >= 10**4:
        high, low = divmod(n, 10**4)
        text = _section_words(high) + "万"
        if low:
            text += ("零" if low < 1000 else "") + _section_words(low)
        return text
    return _section_words(n)


def check_amount(amount_fen: int) -> None:
    """Raises TypeError for what is not an int, ValueError for an amount out of range."""
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise TypeError(f"amount_fen must be an int, got {type(amount_fen).__name__}")
    if amount_fen < 0:
        raise ValueError(f"amount must not be negative: {amount_fen}")
    if amount_fen > MAX_AMOUNT_FEN:
        raise ValueError(f"amount too large (max {MAX_AMOUNT_FEN} fen): {amount_fen}")


def amount_in_words(amount_fen: int) -> str:
    """Chinese capital numerals (大写金额) as written on vouchers.

    Follows the PBOC 《支付结算办法》 附一 conventions:

    * ``123456789`` → ``壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分``; ``100000`` → ``壹仟元整``;
      ``0`` → ``零元整``; ``1050`` → ``壹拾元伍角`` (拾 always carries its 壹).
    * 整 is written after 元 when there are no 角/分; it is not written after 角 (allowed to
      omit) nor after 分.
    * A run of zeros inside the yuan part collapses to one 零, across 万/亿 too
      (``陆仟零柒元``, ``壹拾万零壹拾元``, ``壹亿零壹元``); as the rules permit, no 零 is written
      when the zeros are only the trailing zeros of the higher 万/亿 section and the next digit
      (千) is non-zero (``壹拾万柒仟元``, PBOC's own example for ¥107000.53).
    * 角 is 0 but 分 is not: 零 after 元 is mandatory (``壹仟元零伍分``).
    * 元位 is 0 and 角 is not: the rules allow 零 or not; we write it when the yuan part ends in
      two or more zeros (``壹仟万元零壹角``, ``壹佰元零伍角``) and omit it for a single zero
      (``壹拾元伍角``).
    * Below one yuan no 元 is written (``伍角``, ``壹分``).

    Supports ``0 <= amount_fen <= MAX_AMOUNT_FEN`` (10**15 fen, the protocol's limit).

    Raises:
        ValueError: negative or larger than ``MAX_AMOUNT_FEN``.
        TypeError: not an ``int``.
    """
    check_amount(amount_fen)
    yuan, rest = divmod(amount_fen, 100)
    jiao, fen = divmod(rest, 10)
    if amount_fen == 0:
        return "零元整"
    parts: list[str] = []
    if yuan:
        parts.append(_integer_words(yuan) + "元")
    if jiao == 0 and fen == 0:
        parts.append("整")
        return "".join(parts)
    if jiao:
        if yuan and yuan % 100 == 0:
            parts.append("零")
        parts.append(_DIGITS[jiao] + "角")
        if fen:
            parts.append(_DIGITS[fen] + "分")
    else:
        if yuan:
            parts.append("零")
        parts.append(_DIGITS[fen] + "分")
    return "".join(parts)


def amount_in_figures(amount_fen: int) -> str:
    """Amount in figures with the yuan sign and thousands separators: ``'¥1,234,567.89'``.

    Raises:
        ValueError: negative or larger than ``MAX_AMOUNT_FEN``.
    """
    check_amount(amount_fen)
    yuan, fen = divmod(amount_fen, 100)
    return f"¥{yuan:,}.{fen:02d}"
