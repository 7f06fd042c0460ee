"""Money as the product writes it (clientsvc/money.py) and the resident ID number's check
character, birth and sex (clientsvc/idnumber.py): pure functions, no Qt."""

from __future__ import annotations

import numpy as np
import pytest

from clientsvc.idnumber import id_birth, id_check_digit, id_number_valid, id_sex
from clientsvc.money import MAX_AMOUNT_FEN, amount_in_figures, amount_in_words
from clientsvc.protocol.messages import AuthRequest

WORDS_CASES = [
    (0, "零元整"),
    (1, "壹分"),
    (5, "伍分"),
    (10, "壹角"),
    (55, "伍角伍分"),
    (100, "壹元整"),
    (105, "壹元零伍分"),
    (1000, "壹拾元整"),
    (1050, "壹拾元伍角"),
    (100000, "壹仟元整"),
    (100005, "壹仟元零伍分"),
    (100500, "壹仟零伍元整"),  # 1005 元
    (600714, "陆仟零柒元壹角肆分"),  # PBOC example ¥6007.14
    (140950, "壹仟肆佰零玖元伍角"),  # PBOC example ¥1409.50
    (1640902, "壹万陆仟肆佰零玖元零贰分"),  # PBOC example ¥16409.02
    (32504, "叁佰贰拾伍元零肆分"),  # PBOC example ¥325.04
    (10700053, "壹拾万柒仟元零伍角叁分"),  # PBOC example ¥107000.53
    (10000050, "壹拾万元零伍角"),  # 100000.50 元
    (10001000, "壹拾万零壹拾元整"),
    (123456789, "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    (1000000010, "壹仟万元零壹角"),
    (1000000001, "壹仟万元零壹分"),  # 10,0000,00.01
    (10**10, "壹亿元整"),  # 1 亿元
    (10000000100, "壹亿零壹元整"),
    (100000000100, "壹拾亿零壹元整"),  # 10,0000,0001 元
    (20000030000, "贰亿零叁佰元整"),
    (100000100, "壹佰万零壹元整"),
    (10**14, "壹万亿元整"),
    (10**14 + 100, "壹万亿零壹元整"),
    (MAX_AMOUNT_FEN, "壹拾万亿元整"),
]


@pytest.mark.parametrize(("fen", "words"), WORDS_CASES)
def test_amount_in_words_table(fen: int, words: str) -> None:
    assert amount_in_words(fen) == words


def test_amount_in_words_never_ends_with_zheng_after_fen_or_has_double_zero() -> None:
    rng = np.random.default_rng(1234)
    for fen in [int(x) for x in rng.integers(0, 10**15, 2000)]:
        words = amount_in_words(fen)
        assert "零零" not in words
        assert not words.endswith("零")
        if fen % 100:
            assert not words.endswith("整")
        elif fen:
            assert words.endswith("元整")
        assert set(words) <= set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")


@pytest.mark.parametrize("bad", [-1, MAX_AMOUNT_FEN + 1, True, 1.5])
def test_amount_in_words_rejects_out_of_range(bad: int) -> None:
    error = TypeError if isinstance(bad, bool | float) else ValueError
    with pytest.raises(error):
        amount_in_words(bad)
    with pytest.raises(error):
        amount_in_figures(bad)


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "¥0.00"),
        (5, "¥0.05"),
        (1050, "¥10.50"),
        (123456789, "¥1,234,567.89"),
        (MAX_AMOUNT_FEN, "¥10,000,000,000,000.00"),
    ],
)
def test_amount_in_figures(fen: int, text: str) -> None:
    assert amount_in_figures(fen) == text


# ------------------------------------------------------------------------------------------
# ID numbers
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "id_number", ["11010519491231002X", "440524188001010014", "650102199002030028"]
)
def test_id_check_digit_known_valid(id_number: str) -> None:
    assert id_check_digit(id_number[:17]) == id_number[17]


def test_id_check_digit_detects_a_changed_digit() -> None:
    assert id_check_digit("11010519491231003") != "X"


@pytest.mark.parametrize("bad", ["1101051949123100", "110105194912310021", "1101051949123100A", ""])
def test_id_check_digit_rejects_malformed(bad: str) -> None:
    with pytest.raises(ValueError):
        id_check_digit(bad)


def test_an_id_number_is_valid_only_with_its_check_character_and_a_real_birth_date() -> None:
    assert id_number_valid("11010519491231002X")
    assert not id_number_valid("110105194912310021")  # the check character changed
    assert not id_number_valid("11010519491331002X"[:17] + id_check_digit("11010519491331002"))
    assert not id_number_valid("11010519491231002")  # 17 characters
    assert not id_number_valid("１１010519491231002X")  # full-width digits
    assert id_sex("11010519491231002X") == "女" and id_birth("12345") is None


def test_one_limit_for_the_protocol_and_the_words() -> None:
    """The largest amount a request may carry is the largest the words are written for."""
    field = AuthRequest.model_fields["amount_fen"]
    assert any(getattr(m, "le", None) == MAX_AMOUNT_FEN for m in field.metadata)
    assert amount_in_words(MAX_AMOUNT_FEN) and amount_in_figures(MAX_AMOUNT_FEN)
