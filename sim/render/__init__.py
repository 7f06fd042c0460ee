"""Synthetic evidence images for the teller simulator, one module per document.

Renders realistic-looking (but obviously synthetic) Chinese bank vouchers, the seal and the
signature on them, and both sides of a PRC resident ID card as JPEG bytes. Geometry, rulings,
the seal, the signature stroke and the photo are drawn with OpenCV; all text is drawn with
Pillow using a CJK font, because OpenCV cannot render Chinese. Every random choice comes from
``numpy.random.default_rng(seed)``, so the same spec and seed always yield the same bytes.

No Qt here: the workstation turns the bytes into pixmaps itself.
"""

from clientsvc.idnumber import id_birth, id_check_digit, id_sex
from clientsvc.money import MAX_AMOUNT_FEN, amount_in_figures, amount_in_words
from sim.render.common import IdCardSpec, Region, RenderedEvidence, VoucherSpec
from sim.render.fonts import ENV_FONT, CjkFontMissing, find_cjk_font
from sim.render.idcard import id_card_fields, render_id_card
from sim.render.person import Face, Traits, person_sprite
from sim.render.voucher import render_voucher, voucher_fields

__all__ = [
    "ENV_FONT",
    "MAX_AMOUNT_FEN",
    "CjkFontMissing",
    "Face",
    "IdCardSpec",
    "Region",
    "RenderedEvidence",
    "Traits",
    "VoucherSpec",
    "amount_in_figures",
    "amount_in_words",
    "find_cjk_font",
    "id_birth",
    "id_card_fields",
    "id_check_digit",
    "id_sex",
    "person_sprite",
    "render_id_card",
    "render_voucher",
    "voucher_fields",
]
