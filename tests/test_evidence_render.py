"""Tests for the synthetic teller evidence renderer (no Qt)."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from clientsvc.money import MAX_AMOUNT_FEN, amount_in_words
from sim import render as er
from sim.render import (
    CjkFontMissing,
    IdCardSpec,
    Region,
    RenderedEvidence,
    VoucherSpec,
    find_cjk_font,
    fonts,
    idcard,
    render_id_card,
    render_voucher,
)


def _font_or_none() -> Path | None:
    try:
        return fonts._find_cjk_font_uncached()
    except CjkFontMissing:
        return None


FONT = _font_or_none()
needs_font = pytest.mark.skipif(
    FONT is None, reason="no CJK font installed (apt-get install fonts-noto-cjk)"
)


# ------------------------------------------------------------------------------------------
# font discovery
# ------------------------------------------------------------------------------------------


@needs_font
def test_font_override_is_respected() -> None:
    assert FONT is not None
    got = fonts._find_cjk_font_uncached(env={er.ENV_FONT: str(FONT)}, candidates=[])
    assert got == FONT


@needs_font
def test_find_cjk_font_reads_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert FONT is not None
    monkeypatch.setenv(er.ENV_FONT, str(FONT))
    find_cjk_font.cache_clear()
    try:
        assert find_cjk_font() == FONT
    finally:
        monkeypatch.delenv(er.ENV_FONT)
        find_cjk_font.cache_clear()


def test_font_override_to_missing_file_raises_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.ttc"
    with pytest.raises(CjkFontMissing) as info:
        fonts._find_cjk_font_uncached(env={er.ENV_FONT: str(missing)})
    message = str(info.value)
    assert str(missing) in message
    assert "fonts-noto-cjk" in message
    assert er.ENV_FONT in message


def test_no_font_anywhere_raises(tmp_path: Path) -> None:
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"not a font at all" * 10)
    with pytest.raises(CjkFontMissing, match="fonts-noto-cjk"):
        fonts._find_cjk_font_uncached(
            env={}, candidates=[tmp_path / "absent.ttc", junk], use_fontconfig=False
        )


@pytest.mark.parametrize(
    "latin_font",
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    ],
)
def test_font_without_chinese_glyphs_is_rejected(latin_font: str) -> None:
    if not Path(latin_font).is_file():
        pytest.skip(f"{latin_font} not installed")
    with pytest.raises(CjkFontMissing):
        fonts._find_cjk_font_uncached(env={}, candidates=[latin_font], use_fontconfig=False)
    with pytest.raises(CjkFontMissing):
        fonts._find_cjk_font_uncached(env={er.ENV_FONT: latin_font})


@needs_font
def test_candidates_are_searched_when_no_override(tmp_path: Path) -> None:
    assert FONT is not None
    got = fonts._find_cjk_font_uncached(
        env={}, candidates=[tmp_path / "absent.ttc", FONT], use_fontconfig=False
    )
    assert got == FONT


# ------------------------------------------------------------------------------------------
# rendering helpers
# ------------------------------------------------------------------------------------------


def _decode(ev: RenderedEvidence) -> np.ndarray:
    img = cv2.imdecode(np.frombuffer(ev.data, dtype=np.uint8), cv2.IMREAD_COLOR)
    assert img is not None, "not a decodable image"
    return np.asarray(img)


def _crop(img: np.ndarray, r: Region) -> np.ndarray:
    h, w = img.shape[:2]
    x0, y0 = int(r.x * w), int(r.y * h)
    x1, y1 = int((r.x + r.w) * w), int((r.y + r.h) * h)
    return img[y0:y1, x0:x1]


def _red_fraction(bgr: np.ndarray) -> float:
    b, g, r = (bgr[..., i].astype(int) for i in range(3))
    red = (r > 150) & (r - g > 60) & (r - b > 50)  # red ink: R high, G and B well below
    return float(red.mean()) if red.size else 0.0


def _dark_count(bgr: np.ndarray, level: int = 110) -> int:
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    return int((gray < level).sum())


VOUCHER = VoucherSpec(
    title="个人业务取款凭条",
    date="2024-05-06",
    amount_fen=123456789,
    account_no="6222021234567890123",
    account_name="张三",
    id_number="11010519491231002X",
    outlet_name="中国XX银行南京新街口支行",
    teller_id="T0321",
    extra=(("收款人", "李四"), ("用途", "货款")),
    seed=7,
)

ID_CARD = IdCardSpec(
    name="王小明",
    sex="男",
    ethnicity="汉",
    birth="1949-12-31",
    address="北京市朝阳区建国路八十八号院三号楼二单元一〇一室",
    id_number="11010519491231002X",
    issuer="北京市公安局朝阳分局",
    valid_from="2015-03-01",
    valid_to="2035-03-01",
    seed=3,
)


def _assert_regions_sane(ev: RenderedEvidence) -> None:
    for key, r in ev.regions.items():
        assert 0.0 <= r.x <= 1.0 and 0.0 <= r.y <= 1.0, key
        assert r.w > 0.0 and r.h > 0.0, key
        assert r.x + r.w <= 1.0 + 1e-6 and r.y + r.h <= 1.0 + 1e-6, key


# ------------------------------------------------------------------------------------------
# vouchers
# ------------------------------------------------------------------------------------------


@needs_font
def test_voucher_is_a_jpeg_of_the_stated_size() -> None:
    ev = render_voucher(VOUCHER)
    assert ev.mime == "image/jpeg"
    assert ev.data[:3] == b"\xff\xd8\xff"
    img = _decode(ev)
    assert img.shape == (ev.height, ev.width, 3)
    assert ev.width == 1654
    assert 0.45 * ev.width < ev.height < 0.8 * ev.width


@needs_font
def test_voucher_custom_width_scales() -> None:
    ev = render_voucher(VOUCHER, width=1000)
    img = _decode(ev)
    assert img.shape[1] == 1000 == ev.width
    assert img.shape[0] == ev.height
    _assert_regions_sane(ev)


@needs_font
def test_voucher_is_deterministic_per_seed() -> None:
    a = render_voucher(VOUCHER)
    b = render_voucher(VOUCHER)
    c = render_voucher(replace(VOUCHER, seed=8))
    assert a.data == b.data
    assert a.regions == b.regions
    assert a.fields == b.fields
    assert a.data != c.data


@needs_font
def test_voucher_regions_and_fields() -> None:
    ev = render_voucher(VOUCHER)
    expected = {"date", "amount", "amount_words", "account", "name", "seal", "signature"}
    assert expected | {"id_number"} <= set(ev.regions)
    _assert_regions_sane(ev)
    assert ev.fields["amount_fen"] == "123456789"
    assert ev.fields["amount_words"] == "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"
    assert ev.fields["amount_figures"] == "¥1,234,567.89"
    assert ev.fields["account_no"] == VOUCHER.account_no
    assert ev.fields["account_name"] == "张三"
    assert ev.fields["date"] == "2024-05-06"
    assert ev.fields["extra:收款人"] == "李四"
    # the table reads top to bottom: date, account, words, figures, signature
    r = ev.regions
    assert r["date"].y < r["account"].y < r["amount_words"].y < r["amount"].y
    assert r["amount"].y < r["signature"].y


@needs_font
def test_voucher_seal_is_red_and_elsewhere_is_not() -> None:
    ev = render_voucher(VOUCHER)
    img = _decode(ev)
    seal = _crop(img, ev.regions["seal"])
    assert seal.size > 0
    assert _red_fraction(seal) > 0.06
    for key in ("account", "name", "amount_words", "date"):
        assert _red_fraction(_crop(img, ev.regions[key])) < 0.002, key


@needs_font
def test_voucher_text_cells_have_ink() -> None:
    ev = render_voucher(VOUCHER)
    img = _decode(ev)
    words = _crop(img, ev.regions["amount_words"])
    assert _dark_count(words) > 800  # ~19 printed Chinese characters
    assert _dark_count(_crop(img, ev.regions["account"])) > 200
    # the signature is blue ink
    sig = _crop(img, ev.regions["signature"]).astype(int)
    blue = (sig[..., 0] - sig[..., 2] > 50) & (sig[..., 0] > 90)
    assert int(blue.sum()) > 300


@needs_font
def test_written_amount_mismatch_is_reported_and_drawn() -> None:
    honest = render_voucher(VOUCHER)
    forged = render_voucher(VOUCHER, written_amount_fen=123456700)
    assert honest.fields["amount_fen"] == "123456789"
    assert forged.fields["amount_fen"] == "123456700"
    assert forged.fields["amount_words"] == amount_in_words(123456700)
    assert forged.fields["amount_figures"] == "¥1,234,567.00"
    a = _crop(_decode(honest), honest.regions["amount_words"]).astype(int)
    b = _crop(_decode(forged), forged.regions["amount_words"]).astype(int)
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    assert np.abs(a[:h, :w] - b[:h, :w]).max() > 100


@needs_font
def test_non_monetary_voucher_has_no_amount_rows() -> None:
    spec = replace(VOUCHER, title="密码重置申请书", amount_fen=None)
    ev = render_voucher(spec)
    assert "amount" not in ev.regions and "amount_words" not in ev.regions
    assert "amount_fen" not in ev.fields
    assert {"date", "account", "name", "id_number", "seal", "signature"} <= set(ev.regions)
    assert ev.height < render_voucher(VOUCHER).height
    assert _red_fraction(_crop(_decode(ev), ev.regions["seal"])) > 0.06


@needs_font
@pytest.mark.parametrize("fen", [0, 5, MAX_AMOUNT_FEN])
def test_voucher_extreme_amounts_render(fen: int) -> None:
    ev = render_voucher(replace(VOUCHER, amount_fen=fen))
    assert ev.fields["amount_words"] == amount_in_words(fen)
    assert _decode(ev).shape[1] == ev.width
    _assert_regions_sane(ev)


@needs_font
def test_voucher_long_extra_values_get_full_rows() -> None:
    spec = replace(
        VOUCHER,
        extra=(
            ("收款人", "深圳市某某贸易有限责任公司第一分公司"),
            ("备注", "客户本人办理，现金支取，已核对身份证件原件并留存复印件"),
        ),
    )
    ev = render_voucher(spec)
    r1, r2 = ev.regions["extra:收款人"], ev.regions["extra:备注"]
    assert r1.w > 0.6 and r2.w > 0.6
    assert r1.y < r2.y


@needs_font
def test_voucher_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        render_voucher(replace(VOUCHER, date="2024/05/06"))
    with pytest.raises(ValueError):
        render_voucher(VOUCHER, written_amount_fen=-1)


@needs_font
def test_voucher_render_is_fast() -> None:
    render_voucher(VOUCHER)  # warm font caches
    timings = []
    for seed in range(5):
        t0 = time.perf_counter()
        render_voucher(replace(VOUCHER, seed=seed))
        timings.append(time.perf_counter() - t0)
    # typically ~40 ms; the bound is loose so a busy CI machine does not flake
    assert sorted(timings)[2] < 0.5


# ------------------------------------------------------------------------------------------
# ID card
# ------------------------------------------------------------------------------------------


@needs_font
def test_id_card_size_and_determinism() -> None:
    a = render_id_card(ID_CARD)
    b = render_id_card(ID_CARD)
    c = render_id_card(replace(ID_CARD, seed=4))
    img = _decode(a)
    assert a.mime == "image/jpeg"
    assert img.shape == (a.height, a.width, 3)
    assert a.width == 1012
    assert abs(a.width / a.height - 85.6 / 54) < 0.01
    assert a.data == b.data
    assert a.data != c.data


@needs_font
def test_id_card_regions_and_fields() -> None:
    ev = render_id_card(ID_CARD)
    assert {"photo", "name", "id_number", "address", "validity"} <= set(ev.regions)
    _assert_regions_sane(ev)
    r = ev.regions
    assert r["photo"].x > 0.5  # photo on the right
    assert r["name"].y < r["address"].y < r["validity"].y < r["id_number"].y
    assert ev.fields["id_number"] == "11010519491231002X"
    assert ev.fields["validity"] == "2015.03.01-2035.03.01"
    img = _decode(ev)
    assert _dark_count(_crop(img, r["id_number"])) > 300
    assert _dark_count(_crop(img, r["name"])) > 100
    photo = _crop(img, r["photo"])
    assert float(photo.std()) > 20  # a picture, not a blank box


@needs_font
def test_id_card_long_validity_and_long_address() -> None:
    address = (
        "新疆维吾尔自治区乌鲁木齐市天山区解放北路" + "一百二十三号附四号六栋二单元一千二百零一室"
    )
    spec = replace(ID_CARD, valid_to="长期", address=address)
    ev = render_id_card(spec)
    assert ev.fields["validity"] == "2015.03.01-长期"
    r = ev.regions
    assert r["address"].x + r["address"].w <= r["photo"].x + 0.01  # does not run into the photo
    _assert_regions_sane(ev)


@needs_font
def test_id_card_rejects_bad_dates() -> None:
    with pytest.raises(ValueError):
        render_id_card(replace(ID_CARD, birth="19491231"))
    with pytest.raises(ValueError):
        render_id_card(replace(ID_CARD, valid_to="永久"))


# ------------------------------------------------------------------------------------------
# believable evidence (issue 15 §10): the seal off the key fields, a teller's own form, one
# drawn face for the ID photo and the counter
# ------------------------------------------------------------------------------------------

KEY_FIELDS = ("date", "teller", "account", "name", "id_number", "amount", "amount_words")


def _overlap(a: Region, b: Region) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


@needs_font
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(
    "extra", [(), (("收款人", "李四"), ("收款账号", "6217000011112222333"), ("用途", "货款"))]
)
def test_the_seal_is_off_every_key_field(seed: int, extra: tuple[tuple[str, str], ...]) -> None:
    """It sat over the amount's digit grid; now it is stamped over the handling signatures."""
    ev = render_voucher(replace(VOUCHER, seed=seed, extra=extra))
    seal = ev.regions["seal"]
    keys = [k for k in ev.regions if k in KEY_FIELDS or k.startswith("extra:")]
    assert {"amount", "amount_words", "account"} <= set(keys)
    for key in keys:
        assert not _overlap(seal, ev.regions[key]), (key, seal, ev.regions[key])
    img = _decode(ev)
    assert _red_fraction(_crop(img, seal)) > 0.06  # and still a seal
    for key in keys:
        assert _red_fraction(_crop(img, ev.regions[key])) < 0.002, key


@needs_font
def test_a_teller_operation_form_has_no_customer() -> None:
    spec = replace(
        VOUCHER,
        title="尾箱超限审批单",
        customer=False,
        extra=(
            ("尾箱号", "100101"),
            ("尾箱限额", "¥100,000.00"),
            ("超限原因", "午间现金未及时上缴"),
        ),
    )
    ev = render_voucher(spec)
    assert not {"account", "name", "id_number", "signature"} & set(ev.regions)
    assert not {"account_no", "account_name", "id_number"} & set(ev.fields)
    assert {"date", "teller", "amount", "seal", "extra:尾箱号"} <= set(ev.regions)
    assert ev.fields == {**er.voucher_fields(spec), "serial_no": ev.fields["serial_no"]}
    for key in ("amount", "amount_words", "teller"):
        assert not _overlap(ev.regions["seal"], ev.regions[key])


def test_an_id_number_says_the_sex_and_the_birth() -> None:
    # the 17th digit: odd 男, even 女
    assert er.id_sex("11010519491231002X") == "女" and er.id_sex("110105194912310037") == "男"
    assert er.id_sex("12345") is None
    assert str(er.id_birth("11010519491231002X")) == "1949-12-31"
    import datetime as dt

    face = er.Face.of_id("11010519491231002X", dt.date(2020, 1, 1))
    assert (face.sex, face.age) == ("女", 70)
    assert face.traits().hair_style in ("long", "bob", "bun")  # drawn as a woman
    older = er.Face.of_id("11010519491231002X", dt.date(2030, 1, 1))
    assert older.looks_like(face) and older.age == 80  # the same person, ten years on
    other = er.Face.of_id("110105194912310037", dt.date(2020, 1, 1))
    assert other.sex == "男" and not other.looks_like(face)
    assert other.traits().hair_style in ("crop", "side", "buzz")


@needs_font
def test_the_id_photo_is_the_holder_drawn_as_the_counter_camera_draws_them() -> None:
    woman = render_id_card(replace(ID_CARD, sex="女"))  # the number's 17th digit says 女
    again = render_id_card(replace(ID_CARD, sex="女", seed=9))  # another scan of the same card
    man = render_id_card(replace(ID_CARD, id_number="110105194912310037"))

    def photo(ev: RenderedEvidence) -> np.ndarray:
        return cv2.resize(_crop(_decode(ev), ev.regions["photo"]), (145, 185)).astype(int)

    same = np.abs(photo(woman) - photo(again)).mean()
    different = np.abs(photo(woman) - photo(man)).mean()
    assert same < different / 2, (same, different)  # the same face, not a random one


def test_a_person_is_the_same_sprite_wherever_drawn() -> None:
    import datetime as dt

    face = er.Face.of_id("11010519491231002X", dt.date(2026, 1, 1))
    colour, alpha = er.person_sprite(face, 290, 370, margin=40)
    assert colour.shape == (370, 370, 3) and alpha.shape == (370, 370)
    assert alpha[0, 0] == 0.0 and alpha[300, 185] == 1.0  # backdrop clear, shoulders solid
    again, _ = er.person_sprite(face, 290, 370, margin=40)
    assert (again == colour).all()


def test_an_address_never_breaks_inside_a_house_number() -> None:
    if FONT is None:
        pytest.skip("no CJK font")
    lines = idcard._wrap("江苏省南京市鼓楼区北京西路33号", 33, 430)
    assert len(lines) == 2 and lines[1] == "33号", lines
