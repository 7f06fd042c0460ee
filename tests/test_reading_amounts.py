"""The amounts a reader reads: 大写 in every form the PBOC rules allow, figures, digit grids."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientsvc.money import MAX_AMOUNT_FEN, amount_in_words
from clientsvc.reading.amounts import parse_amount_figures, parse_amount_words, parse_digit_grid


@given(st.integers(min_value=0, max_value=MAX_AMOUNT_FEN))
def test_every_amount_the_product_writes_reads_back(fen: int) -> None:
    assert parse_amount_words(amount_in_words(fen)) == fen
    assert parse_amount_words("人民币" + amount_in_words(fen)) == fen


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        # the PBOC's own examples (支付结算办法 附一)
        ("人民币壹仟肆佰零玖元伍角", 140950),
        ("人民币陆仟零柒元壹角肆分", 600714),
        ("人民币壹仟陆佰捌拾元零叁角贰分", 168032),
        ("人民币壹仟陆佰捌拾元叁角贰分", 168032),
        ("人民币壹拾万柒仟元零伍角叁分", 10700053),
        ("人民币壹拾万零柒仟元伍角叁分", 10700053),
        ("人民币壹万陆仟肆佰零玖元零贰分", 1640902),
        ("人民币叁佰贰拾伍元零肆分", 32504),
        # 整 and 正; 整 after 角 or not
        ("壹仟元整", 100000),
        ("壹仟元正", 100000),
        ("伍角", 50),
        ("伍角整", 50),
        ("壹元伍角正", 150),
        # 角 without 分, 分 without 角, below one yuan
        ("壹佰元零伍角", 10050),
        ("壹佰元伍角", 10050),
        ("壹分", 1),
        ("玖角玖分", 99),
        # 亿, 万, 万亿, and the 零 across them
        ("壹亿元整", 10_000_000_000),
        ("壹亿零壹元整", 10_000_000_100),
        ("壹亿零伍佰万元整", 10_500_000_000),
        ("壹亿伍仟万元整", 15_000_000_000),
        ("壹拾亿零伍拾万元整", 100_050_000_000),
        ("壹万亿元整", 100_000_000_000_000),
        ("壹拾万亿元整", MAX_AMOUNT_FEN),
        ("壹万零伍佰元整", 1_050_000),
        ("零元整", 0),
        # the variants an older or a handwritten voucher uses
        ("壹仟圆整", 100000),
        ("壹仟圓整", 100000),
        ("貳萬元整", 2_000_000),
        ("陸億元整", 60_000_000_000),
        ("拾万元整", 10_000_000),
        ("人民币(大写)：壹拾伍万肆仟壹佰零陆元整", 15410600),
        ("人民币 壹拾伍万 肆仟壹佰零陆元整", 15410600),
    ],
)
def test_each_allowed_form_reads_as_its_amount(text: str, fen: int) -> None:
    assert parse_amount_words(text) == fen


@pytest.mark.parametrize(
    "text",
    [
        "",
        "整",
        "人民币",
        "壹仟零伍佰元整",  # 零 where nothing is missing
        "壹万零壹仟元整",  # 零 at 万 when the 万 place is not 0
        "壹佰伍元整",  # a bare last digit after 佰: 150 or 105?
        "壹仟元零",  # a trailing 零
        "零壹仟元",  # a leading 零
        "壹佰壹佰元",  # a place twice
        "壹拾壹佰元",  # places out of order
        "壹万贰万元",  # 万 twice
        "伍分整",  # 整 after 分
        "壹元伍分角",  # 分 before 角
        "壹元零零伍分",  # two 零
        "壹佰元零",  # 零 with nothing after it
        "一千元整",  # lower-case numerals are not 大写
        "1000元",
        "壹仟",  # no 元, 角 or 分
        "壹仟元",  # no 整 after 元: the amount may have been cut short (壹仟元 | 伍角伍分)
        "壹万伍元整",  # a gap without its 零: 一万五 is 15,000 to a person
        "壹亿壹元整",
        "伍万伍元整",
        "壹万伍佰元整",
        "壹仟伍拾元整",
        "壹拾元伍分",  # 角 is 0 and 分 is not: 零 after 元 is due
        "壹" * 70 + "元整",
        "元整",
        "壹拾万亿零壹元整",  # over the protocol's limit
        "壹仟元整整",
        "壹仟元伍角伍角",
        "壹佰万亿元整",
    ],
)
def test_each_refused_form_is_unreadable(text: str) -> None:
    assert parse_amount_words(text) is None


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("¥154,106.00", 15410600),
        ("￥154106.00", 15410600),
        ("RMB154,106.00", 15410600),
        ("¥ 1,234,567.89", 123456789),
        ("154,106.00", 15410600),
        ("¥0.05", 5),
        ("¥5,000", 500000),
        ("１２３．４５", 12345),
    ],
)
def test_figures(text: str, fen: int) -> None:
    assert parse_amount_figures(text) == fen


@pytest.mark.parametrize(
    "text",
    [
        "",
        "¥",
        "¥1,23.00",
        "¥1,2345.00",
        "¥12.3",
        "¥12.345",
        "¥-5.00",
        "¥1e5",
        "¥12.3O",
        "9" * 5000,  # past Python's digit limit for int(): refused, not an exception
        "¥\u0661\u0662.00",  # Arabic-Indic digits are not figures on a voucher
    ],
)
def test_figures_refused(text: str) -> None:
    assert parse_amount_figures(text) is None


def test_digit_grid() -> None:
    empty: list[str | None] = [None] * 11
    assert parse_digit_grid([*empty[:3], "¥", "1", "5", "4", "1", "0", "6", "0", "0"][-11:]) == (
        15410600
    )
    assert parse_digit_grid([*empty[:8], "5", "0", "0"]) == 500
    assert parse_digit_grid(empty) is None
    assert parse_digit_grid([*empty[:7], "1", None, "0", "0"]) is None  # a hole in the figures
    assert parse_digit_grid([*empty[:8], "5", "O", "0"]) is None
