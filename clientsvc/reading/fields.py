"""Where a field's value is on an image: found by its printed label, never by coordinates.

A layout (``clientsvc/data/layouts/<type>.json``, one per voucher type, and ``id_card.json``)
says, for each field, the label wordings it may be printed under, where its value stands from
the label (``inline``: in the label's own line after it, ``right``: the nearest text to its
right on the same row, ``below``: the nearest text under it), and the value's shape. Amounts
may also stand in a digit grid (亿 … 元 角 分): the grid's header is found by its characters
and each digit is put in the column it stands under.

The OCR's lines come in as ``Line`` (text, box, confidence); what a field was read as comes out
as ``Found`` (the text, the box it came from, the confidence), or nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from clientsvc.reading.amounts import (
    GRID_PLACES,
    parse_amount_figures,
    parse_amount_words,
    parse_digit_grid,
)

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in the image's pixels


@dataclass(frozen=True)
class Line:
    text: str
    box: Box
    score: float

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]


@dataclass(frozen=True)
class Found:
    text: str  # as read, after the normalisation of its shape
    box: Box
    score: float
    how: str  # inline, right, below, grid


# ---- shapes: what a value looks like, and its normal form --------------------------------

_FULLWIDTH = str.maketrans("０１２３４５６７８９ＸＹ：（）", "0123456789XY:()")
# in a field of digits only, letters an OCR mistakes for digits
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1"})


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text.translate(_FULLWIDTH))


def _digits(text: str, lo: int, hi: int) -> str | None:
    s = squeeze(text).translate(_DIGIT_LOOKALIKES).replace("-", "")
    return s if re.fullmatch(rf"[0-9]{{{lo},{hi}}}", s) else None


def _id_number(text: str) -> str | None:
    s = squeeze(text).translate(_DIGIT_LOOKALIKES).upper()
    return s if re.fullmatch(r"[0-9]{17}[0-9X]", s) else None


# words printed on forms that are never a name: a value that starts with one is a label
FORM_WORDS = (
    "全称",
    "名称",
    "姓名",
    "户名",
    "性别",
    "民族",
    "出生",
    "住址",
    "地址",
    "签发机关",
    "有效期",
    "用途",
    "币种",
    "柜员",
    "证件",
    "账号",
    "金额",
    "日期",
    "收款",
    "付款",
    "客户",
    "签名",
)
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f"


def _name(text: str) -> str | None:
    """A person's name (with ·, rare characters too) or a company's (with brackets)."""
    s = squeeze(text)
    if not re.fullmatch(rf"[{_HAN}][{_HAN}·()（）]{{0,39}}", s) or s.startswith(FORM_WORDS):
        return None
    return s


def _words(text: str) -> str | None:
    s = squeeze(text)
    return s if parse_amount_words(s) is not None else None


def _figures(text: str) -> str | None:
    s = squeeze(text)
    return s if parse_amount_figures(s) is not None else None


def _date(text: str) -> str | None:
    return text if parse_date(text) is not None else None


def _validity(text: str) -> str | None:
    return text if parse_validity(text) is not None else None


SHAPES: dict[str, Callable[[str], str | None]] = {
    "account": lambda t: _digits(t, 8, 32),
    "id_number": _id_number,
    "name": _name,
    "amount_words": _words,
    "amount_figures": _figures,
    "date": _date,
    "validity": _validity,
    "digits": lambda t: _digits(t, 1, 32),
}

_DATE_FORMS = (
    r"(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})日",
    r"(?P<y>[0-9]{4})[-./](?P<m>[0-9]{1,2})[-./](?P<d>[0-9]{1,2})",
    r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})",
)
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0"}


def _cn_number(text: str) -> str | None:
    """十二 → 12, 三十 → 30, 二〇二六 → 2026: the numerals of a date written out."""
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _CN_DIGITS.get(tens, None) if tens else "1"
        o = _CN_DIGITS.get(ones, None) if ones else "0"
        return None if t is None or o is None else str(int(t) * 10 + int(o))
    out = [_CN_DIGITS.get(c) for c in text]
    return None if not out or None in out else "".join(c for c in out if c)


def parse_date(text: str) -> dt.date | None:
    """A date as vouchers print it: 2026年12月03日, 2026-12-03, 2026.12.3, 2026/12/03,
    20261203, 二〇二六年十二月三日; None otherwise."""
    s = squeeze(text)
    m = re.fullmatch(
        r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日",
        s,
    )
    if m:
        parts = [_cn_number(g) for g in m.groups()]
        if None in parts:
            return None
        s = f"{parts[0]}-{parts[1]}-{parts[2]}"
    for form in _DATE_FORMS:
        m = re.fullmatch(form, s)
        if m:
            try:
                return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                return None
    return None


def parse_validity(text: str) -> tuple[dt.date, dt.date] | None:
    """An ID card's 有效期限: ``2025.05.28-2045.05.28`` or ``2025.05.28-长期`` (no end:
    ``date.max``); None otherwise."""
    s = squeeze(text).replace("—", "-").replace("一", "-").replace("~", "-").replace("至", "-")
    day = r"[0-9]{4}[.\-/]?[0-9]{2}[.\-/]?[0-9]{2}"
    m = re.fullmatch(rf"({day})-({day}|长期)", s)
    if m is None:
        return None
    start = parse_date(m[1])
    end = dt.date.max if m[2] == "长期" else parse_date(m[2])
    if start is None or end is None or end < start:
        return None
    return start, end


# ---- layouts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    name: str
    labels: tuple[str, ...]
    shape: str
    where: tuple[str, ...]  # inline, right, below, in this order
    grid: bool = False  # also look for a digit grid (amounts)


@dataclass(frozen=True)
class Layout:
    name: str
    image_kinds: tuple[str, ...]
    fields: tuple[FieldSpec, ...]


_WHERE = frozenset({"inline", "right", "below"})


def _layout(raw: dict[str, Any]) -> Layout:
    fields = []
    for name, spec in raw["fields"].items():
        where = tuple(spec.get("where", ("inline", "right", "below")))
        if not set(where) <= _WHERE or spec["shape"] not in SHAPES or not spec["labels"]:
            raise ValueError(f"layout {raw['name']}: field {name} is not well formed")
        fields.append(
            FieldSpec(
                name,
                tuple(squeeze(label) for label in spec["labels"]),
                spec["shape"],
                where,
                bool(spec.get("grid", False)),
            )
        )
    return Layout(raw["name"], tuple(raw["image_kinds"]), tuple(fields))


@cache
def layout(name: str) -> Layout:
    """The layout kept as data under ``clientsvc/data/layouts``; ``KeyError`` for none."""
    path = resources.files("clientsvc") / "data" / "layouts" / f"{name}.json"
    if not path.is_file():
        raise KeyError(name)
    return _layout(json.loads(path.read_text(encoding="utf-8")))


# ---- finding values -----------------------------------------------------------------------

_SEPARATORS = ":：)）"


def _label_match(text: str, labels: Iterable[str]) -> str | None:
    """The longest label this line starts with, the label alone or followed by its value."""
    s = squeeze(text)
    best = None
    for label in labels:
        if s.startswith(label) and (best is None or len(label) > len(best)):
            best = label
    return best


def _same_row(a: Line, b: Line) -> bool:
    """On one row of text: overlapping enough, and of a like height (a column of vertical
    text beside a row, e.g. 第一联银行记账联 in a form's margin, is not on it)."""
    if max(a.height, b.height) > 2 * min(a.height, b.height):
        return False
    top, bottom = max(a.box[1], b.box[1]), min(a.box[3], b.box[3])
    return bottom - top >= 0.4 * min(a.height, b.height)


def _vertical(ln: Line) -> bool:
    """Text set in a column (taller than wide, more than one character): never a value."""
    return len(squeeze(ln.text)) > 1 and ln.height > 1.5 * (ln.box[2] - ln.box[0])


# how far right of its label a value may begin, in the label's heights: a value is in the
# label's cell, not across the form
RIGHT_REACH = 10


class Page:
    """One image's lines, with the labels of every field of a layout found once."""

    def __init__(self, lines: list[Line], layout: Layout) -> None:
        self.lines = [ln for ln in lines if squeeze(ln.text)]
        self.layout = layout
        every = [lab for f in layout.fields for lab in f.labels]
        self._label_lines = {
            i for i, ln in enumerate(self.lines) if _label_match(ln.text, every) is not None
        }

    def find(self, spec: FieldSpec) -> list[Found]:
        """Every value of the field on this page (a field printed twice is read twice)."""
        shape = SHAPES[spec.shape]
        found: list[Found] = []
        for i, ln in enumerate(self.lines):
            label = _label_match(ln.text, spec.labels)
            if label is None or self._longer_label_elsewhere(ln, label, spec):
                continue
            value = self._value_for(i, ln, label, spec.where, shape)
            if value is not None:
                found.append(value)
        if spec.grid:
            grid = self._grid()
            if grid is not None:
                found.append(grid)
        return found

    def _longer_label_elsewhere(self, ln: Line, label: str, spec: FieldSpec) -> bool:
        """户名 inside 收款人户名: the line belongs to the field with the longer label."""
        s = squeeze(ln.text)
        return any(
            s.startswith(other) and len(other) > len(label)
            for f in self.layout.fields
            if f is not spec
            for other in f.labels
        )

    def _value_for(
        self, i: int, ln: Line, label: str, where: tuple[str, ...], shape: Callable[[str], Any]
    ) -> Found | None:
        for how in where:
            if how == "inline":
                rest = squeeze(ln.text)[len(label) :].lstrip(_SEPARATORS)
                value = shape(rest) if rest else None
                if value is not None:
                    return Found(value, ln.box, ln.score, "inline")
            elif how == "right":
                # the row to the right, up to the next label: an OCR may cut a value in
                # pieces (人民币 | 捌拾捌万…)
                run = self._row_after(i, ln)[:4]
                # every piece up to the next label or gap, together: a value is never taken
                # with a piece of it left over (陈艳 | 丰, ¥10,000 | .55)
                value = shape("".join(p.text for p in run)) if run else None
                if value is not None:
                    return Found(value, _union(run), min(p.score for p in run), how)
            else:
                near = self._below(i, ln)
                if near is not None:
                    value = shape(near.text)
                    if value is not None:
                        return Found(value, near.box, near.score, how)
        return None

    def _row_after(self, i: int, ln: Line) -> list[Line]:
        """The lines right of ``ln`` on its row, left to right, up to the next label."""
        right = sorted(
            (
                j
                for j, other in enumerate(self.lines)
                if j != i and _same_row(ln, other) and other.box[0] >= ln.box[2] - ln.height / 2
            ),
            key=lambda j: self.lines[j].box[0],
        )
        run: list[Line] = []
        for j in right:
            if j in self._label_lines or _vertical(self.lines[j]):
                break
            if not run and self.lines[j].box[0] - ln.box[2] > RIGHT_REACH * ln.height:
                break  # far across the form: not this label's value
            if run and self.lines[j].box[0] - run[-1].box[2] > 3 * ln.height:
                break  # a wide gap: the next cell's text, not this one's
            run.append(self.lines[j])
        return run

    def _below(self, i: int, ln: Line) -> Line | None:
        best: tuple[float, int] | None = None
        for j, other in enumerate(self.lines):
            if j == i or _vertical(other):
                continue
            overlap = min(ln.box[2], other.box[2]) - max(ln.box[0], other.box[0])
            if overlap <= 0 or other.box[1] < ln.box[3] - ln.height / 2:
                continue
            dist = other.box[1] - ln.box[3]
            if dist > 3 * ln.height:
                continue
            if best is None or dist < best[0]:
                best = (dist, j)
        if best is None or best[1] in self._label_lines:
            return None  # the next thing along is another field's label: this one is empty
        return self.lines[best[1]]

    def _grid(self) -> Found | None:
        """A digit grid: its header (… 元 角 分) on one row, the digits under it, each put
        in the column it stands under."""
        header = [
            ln for ln in self.lines if re.fullmatch(r"[亿千百十拾佰仟+万元角分]+", squeeze(ln.text))
        ]
        by = {c.text: c for ln in header for c in _chars(ln) if c.text in ("元", "角", "分")}
        if set(by) != {"元", "角", "分"} or not (_same_row(by["元"], by["分"])):
            return None
        xs = {k: (v.box[0] + v.box[2]) / 2 for k, v in by.items()}
        pitch = (xs["分"] - xs["元"]) / 2
        if pitch <= 0 or abs((xs["角"] - xs["元"]) - pitch) > pitch / 3:
            return None
        ref = by["分"]
        places = max(GRID_PLACES.values()) + 1  # 亿 … 分: eleven boxes
        cells: list[str | None] = [None] * places
        scores: list[float] = []
        boxes: list[Line] = []
        for ln in self.lines:
            top = ln.box[1] - ref.box[3]
            if top < -ref.height / 3 or top > 3 * ref.height or ln in header:
                continue
            text = squeeze(ln.text)
            if not re.fullmatch(r"[¥￥]?[0-9]+", text):
                continue
            centre = (ln.box[0] + ln.box[2]) / 2
            if not -0.5 <= (xs["分"] - centre) / pitch <= places - 0.5:
                continue  # beside the grid, not in it
            chars = list(text)
            step = (ln.box[2] - ln.box[0]) / len(chars)
            for k, c in enumerate(chars):
                cx = ln.box[0] + step * (k + 0.5)
                col = round((xs["分"] - cx) / pitch)  # 0 for 分, 1 for 角, …
                if not 0 <= col < places or abs((xs["分"] - cx) / pitch - col) > 0.4:
                    return None  # a character between two boxes: not read
                if cells[places - 1 - col] is not None:
                    return None  # two characters in one box
                cells[places - 1 - col] = c
            scores.append(ln.score)
            boxes.append(ln)
        if not boxes or parse_digit_grid(cells) is None:
            return None
        text = "".join(c for c in cells if c is not None and c.isdigit())
        return Found(text, _union(boxes), min(scores), "grid")


def _chars(ln: Line) -> list[Line]:
    """A line cut into its characters, evenly across its box (a grid's header read as one)."""
    text = squeeze(ln.text)
    step = (ln.box[2] - ln.box[0]) / max(1, len(text))
    return [
        Line(
            c,
            (round(ln.box[0] + k * step), ln.box[1], round(ln.box[0] + (k + 1) * step), ln.box[3]),
            ln.score,
        )
        for k, c in enumerate(text)
    ]


def _union(lines: list[Line]) -> Box:
    return (
        min(ln.box[0] for ln in lines),
        min(ln.box[1] for ln in lines),
        max(ln.box[2] for ln in lines),
        max(ln.box[3] for ln in lines),
    )
