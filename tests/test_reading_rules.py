"""Fields found by their labels, on layouts the reader was not tuned on, and the rules that
turn what was read into match / mismatch / unreadable. Synthetic OCR lines: no engine here
(tests/test_reader.py reads real images with the real engine)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from clientsvc.idnumber import id_check_digit
from clientsvc.protocol.messages import AuthRequest
from clientsvc.reading.compare import ImagePage, compare
from clientsvc.reading.fields import Line, Page, layout, parse_date, parse_validity
from clientsvc.reading.model import Verdict, Why
from sim.teller import make_request

TODAY = dt.date(2026, 12, 3)
SHA_V, SHA_ID = "a" * 64, "b" * 64


def row(y: int, *cells: str, score: float = 0.99, x: int = 60, gap: int = 40) -> list[Line]:
    """Text cells left to right on one row, 30 px high."""
    out = []
    for text in cells:
        w = 28 * len(text)
        out.append(Line(text, (x, y, x + w, y + 30), score))
        x += w + gap
    return out


def request(txn_type: str = "cash_withdrawal", **changes: object) -> AuthRequest:
    sim = make_request(random.Random(7), txn_type=txn_type, mismatch_rate=0.0)
    raw = sim.request.to_dict()
    raw.update(changes)
    return AuthRequest.model_validate(raw)


def voucher_lines(r: AuthRequest, **over: str) -> list[Line]:
    """A voucher of a layout unlike the simulator's: other label wording, values inline."""
    from clientsvc.money import amount_in_figures, amount_in_words

    v = {
        "date": "2026.12.03",
        "account": r.account_no,
        "name": r.account_name,
        "id": r.id_number,
        "words": amount_in_words(r.amount_fen),
        "figures": amount_in_figures(r.amount_fen),
    } | over
    return [
        *row(20, "个人取款凭证"),
        *row(80, f"交易日期：{v['date']}"),
        *row(140, "账号/卡号", v["account"], "客户姓名", v["name"]),
        *row(200, "身份证号码", v["id"]),
        *row(260, "大写金额", "人民币" + v["words"]),
        *row(320, "小写金额", v["figures"]),
    ]


def id_lines(r: AuthRequest, valid: str = "2020.01.01-2040.01.01", **over: str) -> list[Line]:
    v = {"name": r.account_name, "id": r.id_number} | over
    return [
        *row(20, "姓名", v["name"]),
        *row(80, "性别男", "民族汉"),
        *row(300, "有效期限", valid),
        *row(400, "公民身份号码", v["id"]),
    ]


def verdicts(r: AuthRequest, voucher: list[Line], card: list[Line] | None = None) -> dict:
    pages = [ImagePage(SHA_V, "voucher", voucher)]
    if card is not None:
        pages.append(ImagePage(SHA_ID, "id_front", card))
    return {e.element: (e.verdict, e.why) for e in compare(r, pages, TODAY)}


def test_an_unseen_layout_reads_every_element() -> None:
    r = request()
    got = verdicts(r, voucher_lines(r), id_lines(r))
    assert got == {
        k: (Verdict.MATCH, Why.AGREES)
        for k in (
            "voucher_date",
            "amount",
            "account_no",
            "account_name",
            "id_number",
            "id_name",
            "id_card_number",
            "id_valid",
        )
    }


def test_values_below_their_labels_and_a_digit_grid() -> None:
    r = request(amount_fen=15410600)
    grid_x = 900
    header = [
        Line(c, (grid_x + 50 * i, 500, grid_x + 50 * i + 30, 530), 0.99)
        for i, c in enumerate("亿千百十万千百十元角分")
    ]
    digits = [  # one box per digit, and a run the OCR took as one line
        Line("1", (grid_x + 50 * 3, 545, grid_x + 50 * 3 + 30, 575), 0.99),
        Line("5410600", (grid_x + 50 * 4, 545, grid_x + 50 * 10 + 30, 575), 0.99),
    ]
    lines = [
        *row(20, "日期"),
        *row(60, "2026年12月3日"),
        *row(140, "账户"),
        *row(180, r.account_no),
        *row(260, "户名", r.account_name),
        *row(320, "证件号码", r.id_number),
        *row(400, "金额(大写)", "壹拾伍万肆仟壹佰零陆元整"),
        *header,
        *digits,
    ]
    reading = {e.element: e for e in compare(r, [ImagePage(SHA_V, "voucher", lines)], TODAY)}
    assert reading["amount"].verdict is Verdict.MATCH
    assert [s.how for s in reading["amount"].seen] == ["right", "grid"]
    assert reading["voucher_date"].verdict is Verdict.MATCH
    assert reading["account_no"].seen[0].how == "below"


@pytest.mark.parametrize(
    ("change", "element", "why"),
    [
        ({"figures": "¥154,107.00", "words": "壹拾伍万肆仟壹佰零柒元整"}, "amount", Why.DIFFERS),
        ({"words": "壹拾伍万肆仟壹佰零柒元整"}, "amount", Why.WORDS_FIGURES),
        ({"figures": "¥154,107.00"}, "amount", Why.WORDS_FIGURES),
        ({"account": "SWAP"}, "account_no", Why.DIFFERS),
        ({"name": "NAME"}, "account_name", Why.DIFFERS),
        ({"date": "2026.12.02"}, "voucher_date", Why.NOT_TODAY),
    ],
)
def test_each_kind_of_discrepancy_is_a_mismatch(change: dict, element: str, why: Why) -> None:
    r = request(amount_fen=15410600)
    if change.get("account") == "SWAP":  # two digits transposed
        a = r.account_no
        change["account"] = a[:5] + a[6] + a[5] + a[7:]
        assert change["account"] != a
    if change.get("name") == "NAME":  # one character changed
        change["name"] = r.account_name[:-1] + ("伟" if r.account_name[-1] != "伟" else "强")
    got = verdicts(r, voucher_lines(r, **change), id_lines(r))
    assert got[element] == (Verdict.MISMATCH, why)
    others = {k: v for k, v in got.items() if k != element}
    assert all(v == (Verdict.MATCH, Why.AGREES) for v in others.values()), others


def test_a_keyed_id_number_with_a_wrong_check_digit() -> None:
    good = request()
    wrong = "0" if good.id_number[-1] != "0" else "1"
    r = request(id_number=good.id_number[:-1] + wrong)
    got = verdicts(r, voucher_lines(r, id=good.id_number), id_lines(r, id=good.id_number))
    assert got["id_number"] == (Verdict.MISMATCH, Why.CHECK_DIGIT)
    assert got["id_card_number"] == (Verdict.MISMATCH, Why.CHECK_DIGIT)


def test_a_misread_id_number_is_unreadable_not_a_mismatch() -> None:
    """One digit read wrong seldom keeps the check digit right: not what the card says."""
    r = request()
    n = r.id_number
    misread = n[:3] + str((int(n[3]) + 1) % 10) + n[4:]
    assert id_check_digit(misread[:17]) != misread[17]
    got = verdicts(r, voucher_lines(r, id=misread))
    assert got["id_number"] == (Verdict.UNREADABLE, Why.NOT_SURE)


def test_an_expired_id_card() -> None:
    r = request()
    got = verdicts(r, voucher_lines(r), id_lines(r, valid="2006.05.01-2026.05.01"))
    assert got["id_valid"] == (Verdict.MISMATCH, Why.EXPIRED)
    got = verdicts(r, voucher_lines(r), id_lines(r, valid="2016.05.01-长期"))
    assert got["id_valid"] == (Verdict.MATCH, Why.AGREES)


def test_never_a_match_without_reading_every_place() -> None:
    r = request(amount_fen=15410600)
    lines = [ln for ln in voucher_lines(r) if not ln.text.startswith("人民币")]
    got = verdicts(r, lines)
    assert got["amount"] == (Verdict.UNREADABLE, Why.NOT_FOUND)  # the figures agree, no 大写
    low = [Line(ln.text, ln.box, 0.6) if ln.text == r.account_no else ln for ln in voucher_lines(r)]
    assert verdicts(r, low)["account_no"] == (Verdict.UNREADABLE, Why.NOT_SURE)
    pages = [
        ImagePage(SHA_V, "voucher", [], problem="E_IMAGE_CORRUPT"),
        ImagePage(SHA_ID, "id_front", [], problem="E_READ_TIMEOUT"),
    ]
    got = {e.element: (e.verdict, e.why) for e in compare(r, pages, TODAY)}
    assert set(got.values()) == {(Verdict.UNREADABLE, Why.IMAGE_PROBLEM)}
    got = {e.element: (e.verdict, e.why) for e in compare(r, [], TODAY)}
    assert set(got.values()) == {(Verdict.UNREADABLE, Why.NO_IMAGE)}


def test_an_empty_value_is_not_taken_from_the_next_label() -> None:
    r = request()
    lines = [*row(140, "户名", "证件号码", r.id_number)]
    page = Page(lines, layout("cash_withdrawal"))
    spec = {f.name: f for f in layout("cash_withdrawal").fields}
    assert page.find(spec["account_name"]) == []
    assert [f.text for f in page.find(spec["id_number"])] == [r.id_number]


def test_the_longer_label_owns_its_line() -> None:
    """收款人户名 holds 户名: it is the payee's, not the account holder's."""
    r = request("transfer")
    lines = [*row(140, "户名", r.account_name), *row(200, "收款人户名", r.elements["payee_name"])]
    lay = layout("transfer")
    spec = {f.name: f for f in lay.fields}
    page = Page(lines, lay)
    assert [f.text for f in page.find(spec["account_name"])] == [r.account_name]
    assert [f.text for f in page.find(spec["payee_name"])] == [r.elements["payee_name"]]


@pytest.mark.parametrize(
    "text",
    [
        "2026年12月03日",
        "2026年12月3日",
        "2026-12-03",
        "2026.12.3",
        "2026/12/03",
        "20261203",
        "二〇二六年十二月三日",
        "２０２６－１２－０３",
    ],
)
def test_date_forms(text: str) -> None:
    assert parse_date(text.replace("－", "-")) == TODAY


@pytest.mark.parametrize("text", ["2026年13月03日", "2026-02-30", "12/03/2026", "昨天", ""])
def test_dates_refused(text: str) -> None:
    assert parse_date(text) is None


def test_validity_forms() -> None:
    assert parse_validity("2025.05.28-2045.05.28") == (dt.date(2025, 5, 28), dt.date(2045, 5, 28))
    assert parse_validity("2025.05.28—长期") == (dt.date(2025, 5, 28), dt.date.max)
    assert parse_validity("2045.05.28-2025.05.28") is None
    assert parse_validity("长期") is None


def test_every_type_has_a_layout_and_hostile_text_is_refused() -> None:
    from clientsvc.protocol.messages import TXN_TYPES

    for t in TXN_TYPES:
        assert layout(t).fields
    r = request()
    hostile = [
        Line("账号" + "9" * 5000, (0, 0, 10, 10), 0.99),
        Line("户名\u202e超林", (0, 40, 10, 50), 0.99),
        Line("", (0, 60, 10, 70), 0.99),
        Line("金额(大写)" + "壹" * 300, (0, 80, 10, 90), 0.99),
    ]
    got = verdicts(r, hostile)
    assert all(v[0] is Verdict.UNREADABLE for v in got.values()), got


def test_a_value_is_never_taken_with_a_piece_of_it_left_over() -> None:
    """The OCR cut 陈艳丰 or ¥10,000.55 in two: the first piece alone has the shape of a
    value, but it is not all that is written."""
    r = request(amount_fen=1_000_000)
    lines = [
        *row(20, "日期", "2026年12月03日"),
        *row(140, "账号", r.account_no[:-1], r.account_no[-1]),
        *row(200, "户名", r.account_name, "丰"),
        *row(260, "金额(大写)", "人民币壹万元", "伍角伍分"),
        *row(320, "金额(小写)", "¥10,000", ".55"),
    ]
    got = verdicts(r, lines)
    assert got["account_no"] == (Verdict.MATCH, Why.AGREES)  # the pieces, together, agree
    assert got["account_name"][0] is not Verdict.MATCH
    assert got["amount"] == (Verdict.MISMATCH, Why.DIFFERS)  # ¥10,000.55 read whole


def test_a_label_word_is_not_a_name() -> None:
    """付款人 | 全称 | 张三: 全称 is the row's label, not the payer's name."""
    r = request()
    lines = [*row(140, "付款人", "全称", r.account_name)]
    spec = {f.name: f for f in layout("cash_withdrawal").fields}
    assert Page(lines, layout("cash_withdrawal")).find(spec["account_name"]) == []
    card = [*row(20, "姓名"), *row(60, "性别男")]
    spec = {f.name: f for f in layout("id_card").fields}
    assert Page(card, layout("id_card")).find(spec["name"]) == []


def test_an_id_number_ending_in_x_keyed_in_lower_case() -> None:
    base = request().id_number
    first17 = next(f for n in range(1000) if id_check_digit(f := base[:14] + f"{n:03d}") == "X")
    r = request(id_number=first17 + "x")
    good = request(id_number=first17 + "X")
    got = verdicts(r, voucher_lines(r, id=good.id_number), id_lines(r, id=good.id_number))
    assert got["id_number"] == (Verdict.MATCH, Why.AGREES)


def test_a_keyed_check_digit_is_wrong_even_with_nothing_read() -> None:
    good = request()
    r = request(id_number=good.id_number[:-1] + ("0" if good.id_number[-1] != "0" else "1"))
    lines = [ln for ln in voucher_lines(r) if "身份证" not in ln.text and ln.text != r.id_number]
    assert verdicts(r, lines)["id_number"] == (Verdict.MISMATCH, Why.CHECK_DIGIT)


def test_no_resident_id_no_id_card_and_no_check_digit() -> None:
    r = request(id_type="passport", id_number="E12345678")
    got = verdicts(r, voucher_lines(r), id_lines(r))
    assert got["id_number"] == (Verdict.UNREADABLE, Why.NOT_FOUND)  # no GB 11643 shape
    assert not {"id_name", "id_card_number", "id_valid"} & set(got)


def test_an_id_card_not_yet_valid() -> None:
    r = request()
    got = verdicts(r, voucher_lines(r), id_lines(r, valid="2027.01.01-2047.01.01"))
    assert got["id_valid"] == (Verdict.MISMATCH, Why.NOT_YET)


def test_a_verdict_must_fit_its_reason() -> None:
    from clientsvc.reading.model import ElementReading

    with pytest.raises(ValueError, match="match cannot be"):
        ElementReading(
            element="amount",
            keyed="1",
            seen=[],
            confidence=0,
            verdict=Verdict.MATCH,
            why=Why.AGREES,
        )
    with pytest.raises(ValueError, match="mismatch cannot be"):
        ElementReading(
            element="amount", keyed="1", confidence=0, verdict=Verdict.MISMATCH, why=Why.NOT_SURE
        )


def test_an_unreadable_score_is_no_confidence() -> None:
    r = request()
    lines = [Line(ln.text, ln.box, float("nan")) for ln in voucher_lines(r)]
    got = verdicts(r, lines)
    assert Verdict.MATCH not in {v[0] for v in got.values()}


def test_a_grid_alone_against_the_words_and_the_figures_is_not_sure() -> None:
    """The grid's digits are put in columns by where they stand: a skewed scan can shift one.
    Against a 大写 and a ¥ line that agree with the request, it is "?" — never ✓, not ✗."""
    r = request(amount_fen=15410600)
    grid_x = 900
    header = [
        Line(c, (grid_x + 50 * i, 500, grid_x + 50 * i + 30, 530), 0.99)
        for i, c in enumerate("亿千百十万千百十元角分")
    ]
    shifted = [  # a digit from the row below taken into a box: 154,107.00
        Line(d, (grid_x + 50 * (3 + k), 545, grid_x + 50 * (3 + k) + 30, 575), 0.99)
        for k, d in enumerate("15410700")
    ]
    lines = [*voucher_lines(r), *header, *shifted]
    got = verdicts(r, lines, id_lines(r))
    assert got["amount"] == (Verdict.UNREADABLE, Why.NOT_SURE)


def test_text_far_across_the_form_or_in_a_column_is_not_a_labels_value() -> None:
    """A form's margin prints 第一联银行记账联 in a column beside the rows; with the name under
    its label, the reader must take the name, not the margin (a blurred layout-b voucher
    read 李霞 as 第一联银行记账联: a false ✗ that stops approval). Nor is text far to the
    right, across the form, a label's value."""
    r = request()
    column = Line("第一联银行记账联", (1550, 130, 1585, 380), 0.99)
    lines = [
        *row(140, "账户名称", x=800),
        Line(r.account_name, (820, 182, 900, 212), 0.99),
        column,
    ]
    page = Page(lines, layout("cash_withdrawal"))
    spec = {f.name: f for f in layout("cash_withdrawal").fields}
    (found,) = page.find(spec["account_name"])
    assert (found.text, found.how) == (r.account_name, "below")
    far = Page(
        [*row(140, "户名", x=60), Line("陈晨", (1400, 140, 1456, 170), 0.99)],
        layout("cash_withdrawal"),
    )
    assert far.find(spec["account_name"]) == []
