"""Amounts as read from a voucher: the capital numerals (大写金额), the figures (小写金额) on a
¥ line, and the figures in a digit grid (亿 千 百 十 万 千 百 十 元 角 分). Each parser gives
the amount in fen, or None when the text is not a well-formed amount: an unreadable amount is
an answer ("?"), never a guess.

The capital numerals follow the PBOC rules (《支付结算办法》 附一, 正确填写票据和结算凭证的
基本规定) — every form they allow, and no form they forbid that could change the value:

* a gap inside the figures is written 零, one 零 for a run of zeros (``陆仟零柒元``);
* where the 万 or 元 place is 0 and the next place (千, 角) is not, 零 may be written or left
  out (``壹拾万柒仟元`` and ``壹拾万零柒仟元``; ``壹仟陆佰捌拾元叁角贰分`` and ``…元零叁角…``);
* where 角 is 0 and 分 is not, 零 follows 元 (``叁佰贰拾伍元零肆分``);
* 整 or 正 follows 元 (an amount ending at 元 without it may have been cut short), may follow
  角, and never follows 分;
* 元 may be written 圆; the traditional forms (貳 陸 萬 億 圓 …) are read as their simple ones;
* 万亿 for amounts from 10^12 yuan.

What is refused: a 零 where nothing is missing (``壹仟零伍佰``), a gap without its 零
(``壹万伍元``: 一万五 is 15,000 to a person; ``壹仟伍拾元``; ``壹拾元伍分``), a bare last
digit after a place above 拾 (``壹佰伍`` — 150 or 105?), a place written twice or out of order,
整 after 分 or no 整 after 元, an amount with neither 元 nor 角 or 分, and anything else.
"""

from __future__ import annotations

import re

from clientsvc.money import MAX_AMOUNT_FEN

_DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_PLACE = {"拾": 1, "佰": 2, "仟": 3}
# traditional and variant forms, read as the simple ones
_VARIANTS = str.maketrans(
    {"貳": "贰", "參": "叁", "陸": "陆", "萬": "万", "億": "亿", "圓": "元", "圆": "元", "叄": "叁"}
)
_PREFIX = re.compile(r"^(?:人民币|\(人民币\)|（人民币）|RMB|CNY)?(?:\(大写\)|（大写）|大写)?[:：]?")


def parse_amount_words(text: str) -> int | None:
    """The amount in fen that capital numerals say, or None when they are not a well-formed
    amount (see the module's rules)."""
    s = re.sub(r"\s+", "", text).translate(_VARIANTS)
    if len(s) > 64:
        return None
    s = _PREFIX.sub("", s, count=1)
    whole = s.endswith(("整", "正"))
    if whole:
        s = s[:-1]
    if s == "零元":
        return 0
    if not s:
        return None
    if "元" in s:
        yuan_text, _, frac_text = s.partition("元")
        if not yuan_text:
            return None
        yuan = _integer(yuan_text, leading_shi=True)
        if yuan is None:
            return None
    else:
        yuan_text, frac_text, yuan = "", s, 0
    frac = _fraction(frac_text, yuan, whole)
    if frac is None:
        return None
    fen = yuan * 100 + frac
    return fen if fen <= MAX_AMOUNT_FEN else None


def _fraction(text: str, yuan: int, whole: bool) -> int | None:
    """角 and 分 after 元 (or on their own below one yuan), with the 零 and 整 rules."""
    m = re.fullmatch(r"(零)?(?:([壹贰叁肆伍陆柒捌玖])角)?(?:([壹贰叁肆伍陆柒捌玖])分)?", text)
    if m is None:
        return None
    zero, jiao_c, fen_c = m.groups()
    jiao = _DIGIT[jiao_c] if jiao_c else 0
    fen = _DIGIT[fen_c] if fen_c else 0
    if jiao == 0 and fen == 0:
        # 整 (or 正) after 元 is due: without it the amount may have been cut short
        return 0 if zero is None and yuan > 0 and whole else None
    if fen and whole:
        return None  # 整 is never written after 分
    if zero is not None:
        if yuan == 0:
            return None
        if jiao and yuan % 10 != 0:
            return None  # 零 before 角 only when the 元 place is 0
    elif yuan and not jiao:
        return None  # 角 is 0 and 分 is not: 零 after 元 is due
    return jiao * 10 + fen


def _integer(text: str, leading_shi: bool = False) -> int | None:
    """A positive number of yuan in capital numerals, with 万 and 亿 (万亿 above 10^12)."""
    for mark, size in (("亿", 10**8), ("万", 10**4)):
        if mark in text:
            high_text, _, low_text = text.rpartition(mark)
            if mark == "亿":
                high = _integer(high_text, leading_shi)
            else:
                high = _section(high_text, leading_shi)
            if high is None:
                return None
            low = _below(low_text, size, high)
            return None if low is None else high * size + low
    return _section(text, leading_shi)


def _below(text: str, size: int, high: int) -> int | None:
    """What follows a 万 or 亿: less than ``size``, with 零 where the rules want one."""
    zero = text.startswith("零")
    rest = text[1:] if zero else text
    if not rest:
        return None if zero else 0
    low = _integer(rest) if size > 10**4 else _section(rest)
    if low is None or low >= size:
        return None
    if low >= size // 10:  # the next place is not 0: 零 only when the higher place is 0
        return None if zero and high % 10 != 0 else low
    # a gap: 零 is due (壹万伍元: 一万五 is 15,000 to a reader; 10,005 to a parser)
    return low if zero else None


def _section(text: str, leading_shi: bool = False) -> int | None:
    """1 to 9999 in capital numerals: each digit with its place (拾 佰 仟), descending, 零 for
    a gap; the last digit may stand alone (the ones), unless the place before it was above
    拾 and no 零 stands between (``壹佰伍`` is 150 or 105)."""
    value, last, zero, i = 0, 4, False, 0
    while i < len(text):
        ch = text[i]
        if ch == "零":
            if last == 4 or zero:
                return None
            zero, i = True, i + 1
            continue
        if ch == "拾" and last == 4 and leading_shi:
            digit, place, i = 1, 1, i + 1  # 拾 standing for 壹拾 at the very start
        elif ch in _DIGIT and ch != "零":
            digit, i = _DIGIT[ch], i + 1
            if i < len(text) and text[i] in _PLACE:
                place, i = _PLACE[text[i]], i + 1
            else:
                place = 0
                if i != len(text) or (last > 1 and last != 4 and not zero):
                    return None
        else:
            return None
        if place >= last:
            return None
        if last != 4 and zero and last - place == 1:
            return None  # 零 where no place is missing
        if last != 4 and not zero and last - place > 1:
            return None  # a place missing without its 零
        value += digit * 10**place
        last, zero = place, False
    if zero or last == 4:
        return None
    return value


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_FIGURES = re.compile(
    r"^(?:[¥￥Y]|RMB|CNY)?"
    r"(?P<yuan>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
    r"(?:\.(?P<dec>[0-9]{2}))?(?:元)?$"
)


def parse_amount_figures(text: str) -> int | None:
    """The amount in fen that figures on a ¥ line say (``¥154,106.00``, ``￥154106.00``,
    ``RMB 154,106.00``), or None: thousands groups must be whole, the decimals two."""
    s = re.sub(r"\s+", "", text).translate(_FULLWIDTH_DIGITS).replace("，", ",")
    s = s.replace("．", ".")
    if len(s) > 40:
        return None
    m = _FIGURES.fullmatch(s)
    if m is None:
        return None
    fen = int(m["yuan"].replace(",", "")) * 100 + int(m["dec"] or 0)
    return fen if fen <= MAX_AMOUNT_FEN else None


# the places of a digit grid's header, from the left; 十 and 拾 (and an OCR's "+") alike
GRID_PLACES = {"亿": 10, "千": 9, "百": 8, "十": 7, "万": 6, "元": 2, "角": 1, "分": 0}


def parse_digit_grid(columns: list[str | None]) -> int | None:
    """A digit grid's figures, right-aligned on its places: ``columns`` holds, for each place
    from the highest to 分, the character written in that box (None for an empty box). The
    figures must be contiguous from their first digit (a ¥ may stand in the box before it),
    every box after it filled."""
    seen: list[int] = []
    started = False
    for cell in columns:
        c = (cell or "").strip()
        if not started:
            if c in ("", "¥", "￥"):
                continue
            started = True
        if len(c) != 1 or not c.isascii() or not c.isdigit():
            return None
        seen.append(int(c))
    if not seen:
        return None
    fen = 0
    for d in seen:
        fen = fen * 10 + d
    return fen if fen <= MAX_AMOUNT_FEN else None
