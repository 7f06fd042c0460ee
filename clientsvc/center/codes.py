"""The codes the center answers the lead's desk with, besides ``ErrorCode``: why a call was
refused, as the detail of its ``ProtocolError``. Words for people live in ``ui/``."""

from __future__ import annotations

from enum import StrEnum


class Refusal(StrEnum):
    """Why the center refused a call: the detail of its ``ProtocolError``."""

    LEAD_ONLY = "lead_only"  # E_FORBIDDEN: the operation is the center lead's
    OWN_VERDICT_FIRST = "own_verdict_first"  # E_FORBIDDEN: blind review, the reviewer's first
    SECOND_PERSON = "second_person"  # E_FORBIDDEN: a finding of error, confirmed by another
    VERDICT_RECORDED = "verdict_recorded"  # E_ALREADY_DECIDED: one verdict per reviewer
    FINDING_RECORDED = "finding_recorded"  # E_ALREADY_DECIDED: one finding per item
    CATEGORY_REQUIRED = "category_required"  # E_REASON_REQUIRED: an error needs its category
    NOTE_REQUIRED = "note_required"  # E_REASON_REQUIRED: E99 ("other") needs a note
    VERDICT_REASON = "verdict_reason"  # E_REASON_REQUIRED: a reject an R code, a return a T code
    VERDICT_NOTE = "verdict_note"  # E_REASON_REQUIRED: R99 / T99 ("other") need a note
    NOT_AWAITING = "not_awaiting_confirmation"  # E_INVALID_STATE: the finding is settled
    NO_SAMPLE = "no_sample"  # E_UNKNOWN_REQUEST
    NOT_IN_SAMPLE = "not_in_sample"  # E_UNKNOWN_REQUEST
    NO_REQUEST = "no_request"  # E_UNKNOWN_REQUEST
    NO_FINDING = "no_finding"  # E_UNKNOWN_REQUEST
    TEST_ITEM = "test_item"  # E_FORBIDDEN: a vigilance test item is not re-reviewed
