"""A resubmission on the authorizer's screen (issue 15 §7): the request it corrects, who
returned it, when and why, what the teller changed side by side, and its new images marked
among the thumbnails; nothing of it on an ordinary item. Real Qt widgets, offscreen."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt

from clientsvc.protocol.messages import AuthRequest, Item, Original, request_digest
from clientsvc.workstation.engine import ReceivedItem
from clientsvc.workstation.resubmit import original_of
from sim.render import amount_in_figures
from tests.helpers import Identities
from tests.test_ui import FakeService, _item, _show, clock, window  # noqa: F401  (fixtures)
from ui.bridge import EngineBridge
from ui.main_window import MainWindow
from ui.resubmission_panel import ResubmissionPanel

WORDS = "凭证金额与申请不符，请核对后重新提交"
OLD_VOUCHER = b"\xff\xd8\xff\xe0the voucher as first scanned"


def _resubmission(
    ids: Identities,
    item: ReceivedItem,
    edit: Any,
    *,
    keep_images: bool = False,
    words: str = WORDS,
    code: str | None = "T01",
) -> ReceivedItem:
    """``item`` as the correction of a returned request: the original is ``item``'s request
    changed by ``edit`` (raw dict → None) and, unless ``keep_images``, with its first image
    other than the correction's; returned for T01 with WORDS by A1."""
    raw_new = {**item.raw, "supersedes": "X0"}
    raw_old = copy.deepcopy(item.raw)
    raw_old["request_id"] = "X0"
    if not keep_images:
        raw_old["evidence"][0] = {
            **raw_old["evidence"][0],
            "sha256": hashlib.sha256(OLD_VOUCHER).hexdigest(),
            "size": len(OLD_VOUCHER),
        }
    edit(raw_old)
    decision = ids.keys["A1"].sign_decision(
        request_id="X0",
        lease_id="L0",
        request_digest=request_digest(raw_old),
        evidence=[e["sha256"] for e in raw_old["evidence"]],
        verdict="return",
        reason_code=code,
        reason_text=words,
    )
    wire = Item(
        lease_id="L1",
        request=raw_new,
        request_digest=request_digest(raw_new),
        enqueued_at=1,
        dispatched_at=2,
        lease_expires_at=3,
        attempt=1,
        original=Original(request=raw_old, decision=decision),
    )
    original = original_of(wire)
    assert original is not None
    return replace(
        item,
        request=AuthRequest.model_validate(raw_new),
        raw=raw_new,
        digest=request_digest(raw_new),
        original=original,
    )


def test_a_resubmission_is_shown_with_its_diff_and_its_new_image_marked(
    qtbot: Any,
    window: tuple[MainWindow, FakeService, EngineBridge],  # noqa: F811  (the fixture)
    ids: Identities,
) -> None:
    win, _, bridge = window
    plain, blobs = _item(seed=3)
    amount = plain.request.amount_fen
    item = _resubmission(ids, plain, lambda raw: raw.update(amount_fen=amount + 10_000))
    _show(qtbot, win, bridge, item, blobs)
    panel = win.card.resubmission
    assert panel.isVisible()
    assert panel.lbl_title.text().startswith("Resubmission of request X0, returned by A1")
    assert panel.lbl_reason.text() == f"Returned for: T01 Voucher needs correction — “{WORDS}”"
    assert panel.rows() == [
        ("Element", "Original", "Now"),
        ("Amount", amount_in_figures(amount + 10_000), amount_in_figures(amount)),
    ]
    assert not panel.lbl_unchanged.isVisible()
    assert panel.lbl_images.text() == (
        "Images: 1 new (marked NEW among the images) · 1 of the original's withdrawn"
    )
    thumbs = win.workspace.thumbs
    labels = [thumbs.item(i).text() for i in range(thumbs.count())]
    first = item.request.evidence[0]
    assert labels[0] == f"NEW · {first.label or first.kind}"
    assert all(not label.startswith("NEW") for label in labels[1:])
    assert thumbs.item(0).font().bold() and not thumbs.item(1).font().bold()

    # the next item is an ordinary one: nothing of the resubmission stays
    other, _ = _item(seed=4)
    other = replace(other, lease_id="L2")
    bridge.sig_item_received.emit(other)
    bridge.sig_item_revoked.emit(item.request.request_id, "cancelled")
    assert win.desk.item is other
    assert not panel.isVisible()
    assert not any(thumbs.item(i).text().startswith("NEW") for i in range(thumbs.count()))


def test_an_unchanged_resubmission_says_so(qtbot: Any, ids: Identities) -> None:
    plain, _ = _item(seed=3)
    panel = ResubmissionPanel("A1")
    qtbot.addWidget(panel)
    panel.show()
    panel.show_item(_resubmission(ids, plain, lambda raw: None, keep_images=True))
    assert panel.lbl_title.text().startswith("Resubmission of request X0, returned by you (A1)")
    assert panel.lbl_unchanged.isVisible()
    assert "No element changed and no new image" in panel.lbl_unchanged.text()
    assert panel.rows() == []
    assert panel.lbl_images.text() == "Images: the same as the original's"

    # new images only
    panel.show_item(_resubmission(ids, plain, lambda raw: None))
    assert panel.lbl_unchanged.text() == "No element changed: only the images are new."

    # a change of spaces alone is shown as one, not as two equal values
    def spaced(raw: dict[str, Any]) -> None:
        raw["account_name"] = raw["account_name"] + " "

    panel.show_item(_resubmission(ids, plain, spaced, keep_images=True))
    (_, (label, old, new)) = panel.rows()
    assert label == "Account name"
    assert (old, new) == (
        plain.request.account_name + " ",
        plain.request.account_name + "  (differs in spaces or encoding only)",
    )

    # hostile words from the returner: plain text, the invisible made visible
    panel.show_item(_resubmission(ids, plain, lambda raw: None, words="<b>金额</b>\u200b有误"))
    assert panel.lbl_reason.textFormat() == Qt.TextFormat.PlainText
    assert panel.lbl_reason.text().endswith("“<b>金额</b>[U+200B]有误”")

    # a space inside a value is a change of spaces too
    def inner(raw: dict[str, Any]) -> None:
        raw["account_name"] = raw["account_name"][:1] + " " + raw["account_name"][1:]

    panel.show_item(_resubmission(ids, plain, inner, keep_images=True))
    ((_, (label, _old, new)),) = [panel.rows()]
    assert new.endswith("(differs in spaces or encoding only)")

    # what returned it is named only by what it is
    panel.show_item(_resubmission(ids, plain, lambda raw: None, words="", code=None))
    assert panel.lbl_reason.text() == "Returned for: (none)"

    # an item with no original hides the panel
    panel.show_item(plain)
    assert not panel.isVisible()
