"""A bank voucher (凭证) as a teller scans it: printed form, keyed values, amount in words
and in figures (a digit grid on some layouts), seal and signature."""

from __future__ import annotations

import datetime as _dt

import cv2
import numpy as np

from clientsvc.money import amount_in_figures, amount_in_words, check_amount
from sim.render.common import (
    Box,
    Canvas,
    RenderedEvidence,
    Rgb,
    VoucherSpec,
    as_scanned,
    blank_paper,
    encode,
    fit_size,
    normalize_regions,
    pad,
    pt,
    text_width,
    union,
)
from sim.render.fonts import find_kai_font
from sim.render.seal import draw_signature, seal_alpha, stamp


def _write(
    cv: Canvas,
    x: float,
    y: float,
    text: str,
    size: int,
    fill: Rgb,
    rng: np.random.Generator,
    hand: bool,
) -> Box:
    """A value, printed (left-middle anchored) or, with ``hand``, written in a 楷体 face one
    character at a time, each a little off its neighbours' line, size and spacing."""
    kai = find_kai_font() if hand else None
    if kai is None or not text:
        return cv.text(x, y, text, size, fill, anchor="lm")
    boxes = []
    cx = x
    for ch in text:
        sz = max(8, round(size * float(rng.uniform(0.92, 1.12))))
        dy = float(rng.uniform(-0.07, 0.07)) * size
        boxes.append(cv.text(cx, y + dy, ch, sz, _PEN_INK, anchor="lm", font=kai))
        cx += text_width(ch, sz, kai) + float(rng.uniform(-0.02, 0.1)) * size
    return union(boxes)


def parse_date(text: str, what: str) -> _dt.date:
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError(f"{what} must be YYYY-MM-DD, got {text!r}")
    try:
        return _dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{what} must be YYYY-MM-DD, got {text!r}") from exc


def _bank_name(outlet: str) -> str:
    idx = outlet.find("银行")
    return outlet[: idx + 2] if idx >= 0 else outlet


# --------------------------------------------------------------------------------------------
# Voucher
# --------------------------------------------------------------------------------------------

_FORM_INKS: tuple[Rgb, ...] = (
    (28, 104, 72),  # green
    (34, 74, 146),  # blue
    (22, 96, 112),  # teal
    (112, 70, 36),  # brown
)
_PRINT_INK: Rgb = (28, 28, 36)
_SEAL_INK: Rgb = (214, 34, 44)
_PEN_INK: Rgb = (30, 42, 96)  # a ballpoint's blue-black
# layout "b": the same fields under other printed words (the reader's layouts list them)
_LABELS_B = {
    "日期": "交易日期",
    "柜员号": "经办柜员",
    "账号": "账号/卡号",
    "户名": "账户名称",
    "证件类型": "证件种类",
    "证件号码": "身份证号码",
    "金额(大写)": "人民币(大写)",
    "金额(小写)": "小写金额",
}
_HAND_KEYS = frozenset({"name", "amount_words", "extra:收款人", "extra:收款人户名"})
_Cell = tuple[str, str, str]  # label, value, region key
_Row = tuple[str, list[_Cell]]  # kind ('pair', 'full', 'words', 'figures'), cells
_UNIT_LABELS = (
    "分",
    "角",
    "元",
    "十",
    "百",
    "千",
    "万",
    "十",
    "百",
    "千",
    "亿",
    "十",
    "百",
    "千",
    "万",
    "十",
    "百",
    "千",
)


def voucher_fields(spec: VoucherSpec, written_amount_fen: int | None = None) -> dict[str, str]:
    """What :func:`render_voucher` writes on the voucher, as the teller system reports it
    (``RenderedEvidence.fields``, but the serial number, which the drawing picks): also without
    drawing it, for a dry run of a stream."""
    amount = spec.amount_fen if written_amount_fen is None else written_amount_fen
    fields = {
        "title": spec.title,
        "date": spec.date,
        "outlet_name": spec.outlet_name,
        "teller_id": spec.teller_id,
    }
    if spec.customer:
        fields.update(
            account_no=spec.account_no, account_name=spec.account_name, id_number=spec.id_number
        )
    if amount is not None:
        words = amount if spec.words_amount_fen is None else spec.words_amount_fen
        fields.update(
            amount_words=amount_in_words(words),
            amount_fen=str(amount),
            amount_figures=amount_in_figures(amount),
        )
    for label, value in spec.extra:
        fields[f"extra:{label}"] = value
    return fields


def render_voucher(
    spec: VoucherSpec, *, width: int = 1654, written_amount_fen: int | None = None
) -> RenderedEvidence:
    """A scanned-looking voucher (JPEG) for ``spec``.

    Layout: bank header with a serial number, the title, a ruled table with labelled cells
    (日期, 柜员号, 账号, 户名, 证件类型, 证件号码, 金额(大写) with :func:`amount_in_words`,
    金额(小写) with figures and a 亿…分 digit grid, then ``spec.extra`` rows), a 客户签名 cell
    holding a seeded dark-blue pen signature, and a faded, slightly rotated red round seal
    (业务专用章, star, outlet name on the rim) overlapping the bottom right.

    ``written_amount_fen`` (default ``spec.amount_fen``) is the amount actually WRITTEN on the
    voucher, so a simulator can plant a mismatch; ``fields['amount_fen']`` reports the written
    one.  With neither set the amount rows are omitted.  The height follows from the content
    (about ``0.6 * width`` for a typical form).

    Region keys: ``date``, ``account``, ``name``, ``id_number``, ``signature``, ``seal``,
    ``title``, ``teller``, plus ``amount``/``amount_words`` when there is an amount and
    ``extra:<label>`` for each extra row.
    """
    if width < 400:
        raise ValueError(f"width too small for a legible voucher: {width}")
    date = parse_date(spec.date, "date")
    amount = spec.amount_fen if written_amount_fen is None else written_amount_fen
    if amount is not None:
        check_amount(amount)
    rng = np.random.default_rng([spec.seed, 0x70C4])
    s = width / 1654.0

    def S(v: float) -> int:
        return round(v * s)

    ink = _FORM_INKS[int(rng.integers(len(_FORM_INKS)))]
    light_ink: Rgb = (
        round(ink[0] * 0.35 + 255 * 0.65),
        round(ink[1] * 0.35 + 255 * 0.65),
        round(ink[2] * 0.35 + 255 * 0.65),
    )
    # The printer never registers perfectly with the pre-printed form.
    ox, oy = float(rng.uniform(-4, 6)) * s, float(rng.uniform(-3, 4)) * s

    stacked = spec.style == "b"
    if spec.style not in ("a", "b"):
        raise ValueError(f"no voucher style {spec.style!r}")
    margin = S(70)
    tx0, tx1 = margin, width - margin - S(34)
    row_h = S(100) if stacked else S(82)
    label_w = S(190)
    mid_x = tx0 + (tx1 - tx0) * 0.5
    lab_size, val_size = S(30), S(34)

    # Rows of (kind, [(label, value, region key)]); the height derives from the row list.
    rows: list[_Row] = [
        (
            "pair",
            [
                (
                    "日期",
                    f"{date:%Y-%m-%d}"
                    if stacked
                    else f"{date.year}年{date.month:02d}月{date.day:02d}日",
                    "date",
                ),
                ("柜员号", spec.teller_id, "teller"),
            ],
        ),
    ]
    if spec.customer:
        rows.append(
            ("pair", [("账号", spec.account_no, "account"), ("户名", spec.account_name, "name")])
        )
        rows.append(
            (
                "pair",
                [("证件类型", "居民身份证", "id_type"), ("证件号码", spec.id_number, "id_number")],
            )
        )
    if amount is not None:
        words = amount if spec.words_amount_fen is None else spec.words_amount_fen
        rows.append(("words", [("金额(大写)", amount_in_words(words), "amount_words")]))
        rows.append(("figures", [("金额(小写)", amount_in_figures(amount), "amount")]))
    pending: list[_Cell] = []
    half_val_w = mid_x - tx0 - label_w - S(30)
    for label, value in spec.extra:
        cell = (label, value, f"extra:{label}")
        if text_width(value, val_size) > half_val_w:
            if pending:
                rows.append(("pair", [*pending, ("", "", "")]))
                pending = []
            rows.append(("full", [cell]))
        else:
            pending.append(cell)
            if len(pending) == 2:
                rows.append(("pair", pending))
                pending = []
    if pending:
        rows.append(("pair", [*pending, ("", "", "")]))

    header_h = S(262)
    sig_h = S(190)
    footer_h = S(112)
    table_y0 = header_h
    row_heights = [S(96) if kind == "figures" and not stacked else row_h for kind, _ in rows]
    table_y1 = table_y0 + sum(row_heights) + sig_h
    height = table_y1 + footer_h

    paper_base: Rgb = (
        int(rng.integers(243, 250)),
        int(rng.integers(240, 247)),
        int(rng.integers(228, 238)),
    )
    cv = Canvas(blank_paper(rng, height, width, paper_base))
    img = cv.img
    boxes: dict[str, Box] = {}
    fields = voucher_fields(spec, written_amount_fen)

    # ---- header: emblem, bank name, serial number, title, outlet line
    ex, ey, er = tx0 + S(34), S(64), S(30)
    cv2.circle(img, pt(ex, ey), er, ink, max(2, S(5)), cv2.LINE_AA)
    sq = er * 0.55
    diamond = np.array(
        [[ex, ey - sq], [ex + sq, ey], [ex, ey + sq], [ex - sq, ey]], dtype=np.float64
    )
    cv2.fillPoly(img, [np.round(diamond).astype(np.int32)], ink, cv2.LINE_AA)
    cv.text(ex + er + S(16), ey, _bank_name(spec.outlet_name), S(40), ink, anchor="lm", stroke=1)
    serial = f"{int(rng.integers(10**7, 10**8)):08d}"
    fields["serial_no"] = serial
    cv.text(tx1, ey, f"No. {serial}", S(30), (176, 40, 44), anchor="rm")

    title_size = fit_size(spec.title, (tx1 - tx0) * 0.7, S(60))
    tb = cv.text((tx0 + tx1) / 2, S(150), spec.title, title_size, ink, anchor="mm", stroke=1)
    boxes["title"] = tb
    u0, u1 = tb[0] - S(24), tb[2] + S(24)
    cv2.line(img, pt(u0, tb[3] + S(14)), pt(u1, tb[3] + S(14)), ink, max(1, S(3)), cv2.LINE_AA)
    cv2.line(img, pt(u0, tb[3] + S(21)), pt(u1, tb[3] + S(21)), ink, max(1, S(1)), cv2.LINE_AA)
    info_y = table_y0 - S(16)
    cv.text(tx0, info_y, "机构名称：", S(26), ink)
    cv.text(tx0 + text_width("机构名称：", S(26)), info_y + oy, spec.outlet_name, S(28), _PRINT_INK)
    if amount is not None:
        cv.text(tx1, info_y, "币种：人民币    单位：元", S(26), ink, anchor="rs")

    # ---- table
    thick, thin = max(2, S(3)), max(1, S(1))
    y = table_y0
    for (kind, cells), rh in zip(rows, row_heights, strict=True):
        y_next = y + rh
        cv2.line(img, pt(tx0, y_next), pt(tx1, y_next), ink, thin, cv2.LINE_AA)
        base = y + rh * 0.5
        spans = [(tx0, mid_x), (mid_x, tx1)] if kind == "pair" else [(tx0, tx1)]
        for (x_a, x_b), (label, value, key) in zip(spans, cells, strict=False):
            if x_a > tx0:
                cv2.line(img, pt(x_a, y), pt(x_a, y_next), ink, thin, cv2.LINE_AA)
            if not label:
                continue
            hand = spec.handwritten and key in _HAND_KEYS
            if stacked:  # the label small at the cell's top left, the value below it
                shown = _LABELS_B.get(label, label)
                cv.text(x_a + S(14), y + S(30), shown, S(24), ink, anchor="ls")
                vx0, vx1 = x_a + S(30), x_b - S(14)
                vbase = y + rh * 0.68
                cell_box: Box = (x_a, y, x_b, y_next)
                vsz = fit_size(value, vx1 - vx0, val_size)
                color = _PRINT_INK
                if kind == "figures":
                    value = "¥" + value.lstrip("¥")
                _write(cv, vx0 + ox, vbase + oy, value, vsz, color, rng, hand)
                if key != "id_type":
                    boxes[key] = cell_box
                continue
            lx1 = x_a + label_w
            cv2.rectangle(img, pt(x_a + 1, y + 1), pt(lx1 - 1, y_next - 1), light_ink, -1)
            cv2.line(img, pt(lx1, y), pt(lx1, y_next), ink, thin, cv2.LINE_AA)
            lsz = fit_size(label, label_w - S(20), lab_size)
            cv.text((x_a + lx1) / 2, base, label, lsz, ink, anchor="mm")
            vx0, vx1 = lx1 + S(18), x_b - S(14)
            cell_box = (lx1, y, x_b, y_next)
            if kind == "words":
                pre = "人民币"
                cv.text(vx0, base, pre, lab_size, ink, anchor="lm")
                wx = vx0 + text_width(pre, lab_size) + S(16)
                wsz = fit_size(value, vx1 - wx, val_size)
                _write(cv, wx + ox, base + oy, value, wsz, _PRINT_INK, rng, hand)
            elif kind == "figures":
                assert amount is not None
                _draw_digit_grid(cv, amount, (lx1, y, x_b, y_next), ink, light_ink, s, ox, oy)
                fsz = fit_size(value, (x_b - lx1) * 0.38, val_size)
                cv.text(vx0 + ox, base + oy, value, fsz, _PRINT_INK, anchor="lm")
            else:
                vsz = fit_size(value, vx1 - vx0, val_size)
                _write(cv, vx0 + ox, base + oy, value, vsz, _PRINT_INK, rng, hand)
            if key != "id_type":
                boxes[key] = cell_box
        y = y_next

    # ---- signature / handling row: the customer's signature, then the handling staff's
    sy0, sy1 = y, table_y1
    handling_x: float = tx0 + S(24)
    sig_cell: Box | None = None
    if spec.customer:
        cv2.line(img, pt(mid_x, sy0), pt(mid_x, sy1), ink, thin, cv2.LINE_AA)
        cv2.rectangle(img, pt(tx0 + 1, sy0 + 1), pt(tx0 + label_w - 1, sy1 - 1), light_ink, -1)
        cv2.line(img, pt(tx0 + label_w, sy0), pt(tx0 + label_w, sy1), ink, thin, cv2.LINE_AA)
        cy = (sy0 + sy1) / 2
        cv.text(tx0 + label_w / 2, cy - S(20), "客户签名", lab_size, ink, anchor="mm")
        cv.text(tx0 + label_w / 2, cy + S(22), "(签字确认)", S(22), ink, anchor="mm")
        sig_cell = (tx0 + label_w, sy0, mid_x, sy1)
        handling_x = mid_x + S(24)
    step = (tx1 - handling_x) / 3
    for i, lab in enumerate(("经办：", "复核：", "授权：")):
        cv.text(handling_x + i * step, sy0 + S(46), lab, lab_size, ink)
    cv.text(
        handling_x + text_width("经办：", lab_size) + ox,
        sy0 + S(46) + oy,
        spec.teller_id,
        S(28),
        _PRINT_INK,
    )
    if spec.customer:
        cv.text(
            tx0 + S(6),
            sy1 + S(40),
            "客户确认：以上内容准确无误，本人已知悉并同意办理上述业务。",
            S(24),
            ink,
        )
    cv.text(tx0 + S(6), sy1 + S(74), "注：本凭证须经柜员、复核及授权人员签章后生效。", S(22), ink)

    # outer frame (drawn last so it sits over the shaded label cells)
    cv2.rectangle(img, pt(tx0, table_y0), pt(tx1, table_y1), ink, thick, cv2.LINE_AA)
    # copy marker printed vertically in the right margin
    copy_txt = "第一联银行记账联"
    vx = tx1 + S(20)
    vstep = S(30)
    vy = table_y0 + ((table_y1 - table_y0) - vstep * len(copy_txt)) / 2 + vstep / 2
    for i, ch in enumerate(copy_txt):
        cv.text(vx, vy + i * vstep, ch, S(22), ink, anchor="mm")

    cv.flush_text()
    img = cv.img
    if sig_cell is not None:
        boxes["signature"] = union([sig_cell, draw_signature(img, pad(sig_cell, -S(10)), rng, s)])

    # ---- the seal: over the handling signatures at the bottom right, where the teller
    # stamps it, clear of every key field's box (it must not hide a digit)
    dia = S(240)
    left = (mid_x if spec.customer else tx0 + (tx1 - tx0) * 0.5) + dia / 2 + S(30)
    scx = float(rng.uniform(left, tx1 - dia / 2 + S(20)))
    scy = sy0 + S(16) + dia / 2 + float(rng.uniform(0, S(18)))
    alpha = seal_alpha(spec.outlet_name, dia, rng)
    boxes["seal"] = stamp(img, alpha, round(scx - dia / 2), round(scy - dia / 2), _SEAL_INK)

    out, m = as_scanned(img, rng, 0.35)
    return RenderedEvidence(
        data=encode(out),
        width=width,
        height=height,
        mime="image/jpeg",
        regions=normalize_regions(boxes, m, width, height),
        fields=fields,
    )


def _draw_digit_grid(
    cv: Canvas,
    amount: int,
    cell: Box,
    ink: Rgb,
    light_ink: Rgb,
    s: float,
    ox: float,
    oy: float,
) -> None:
    """The classic 亿千百十万千百十元角分 box grid with one digit per column and ¥ before them."""
    x0, y0, x1, y1 = cell
    digits = f"{amount:03d}"  # at least 元, 角 and 分: ¥0.05 is written ¥ 0 0 5
    ncols = max(11, len(digits) + 1)
    col_w = min(46.0 * s, (x1 - x0) * 0.58 / ncols)
    gx1 = x1 - 12 * s
    gx0 = gx1 - ncols * col_w
    head_y = y0 + (y1 - y0) * 0.36
    thin = max(1, round(s))
    cv2.line(cv.img, pt(gx0, y0), pt(gx0, y1), ink, thin, cv2.LINE_AA)
    cv2.line(cv.img, pt(gx0, head_y), pt(gx1, head_y), ink, thin, cv2.LINE_AA)
    for i in range(ncols):
        cx0 = gx1 - (i + 1) * col_w
        if i:
            # 元 and 万/亿 boundaries drawn heavier, as on printed forms
            heavy = i in (2, 6, 10, 14)
            cv2.line(
                cv.img,
                pt(cx0 + col_w, y0 + (0 if heavy else 3 * s)),
                pt(cx0 + col_w, y1),
                ink if heavy else light_ink,
                thin * (2 if i == 2 else 1),
                cv2.LINE_AA,
            )
        label = _UNIT_LABELS[i] if i < len(_UNIT_LABELS) else ""
        cv.text(cx0 + col_w / 2, (y0 + head_y) / 2, label, round(20 * s), ink, anchor="mm")
    dy = (head_y + y1) / 2 + oy
    for i, ch in enumerate(reversed(digits)):
        cx = gx1 - (i + 0.5) * col_w + ox * 0.3
        cv.text(cx, dy, ch, round(30 * s), _PRINT_INK, anchor="mm")
    lead = len(digits)
    cv.text(gx1 - (lead + 0.5) * col_w + ox * 0.3, dy, "¥", round(30 * s), _PRINT_INK, anchor="mm")
