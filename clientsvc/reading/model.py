"""A reading: what the machine read on a request's images, element by element, and what it
concludes. It is signed by the reader that made it (docs/PROTOCOL.md §12), and a decision's
signature covers its digest, so the center knows what the machine told the authorizer.

Confidence is in per mille (0–1000): the canonical encoding that signatures cover has no
floats."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from clientsvc.protocol.canonical import canonical_digest
from clientsvc.protocol.messages import Name, Sha256, Text


class Verdict(StrEnum):
    MATCH = "match"  # every place the element is written was read, and agrees
    MISMATCH = "mismatch"  # read, well formed, and different: approval stops
    UNREADABLE = "unreadable"  # not found, not well formed or not sure: shown as "?"


class Why(StrEnum):
    """Why a verdict is what it is: a code the desk puts into words."""

    AGREES = "agrees"
    DIFFERS = "differs"  # the image says something else than the request
    WORDS_FIGURES = "words_figures"  # 大写 and 小写 disagree on the voucher itself
    CHECK_DIGIT = "check_digit"  # the keyed ID number's GB 11643 check digit is wrong
    NOT_TODAY = "not_today"  # the voucher's date is another day
    EXPIRED = "expired"  # the ID card's validity has ended
    NOT_YET = "not_yet"  # the ID card's validity has not begun
    NOT_FOUND = "not_found"  # no label of the element, or no value beside it
    NOT_SURE = "not_sure"  # read with too little confidence to say
    NO_IMAGE = "no_image"  # the request has no image of the kind that shows it
    IMAGE_PROBLEM = "image_problem"  # the image could not be read at all


Box = Annotated[list[Annotated[int, Field(ge=0, le=100_000)]], Field(min_length=4, max_length=4)]
PerMille = Annotated[int, Field(ge=0, le=1000)]


class Seen(BaseModel):
    """One place an element was read: the image, the box on it, the text, how sure."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    sha256: Sha256
    box: Box  # x0, y0, x1, y1 in the image's pixels
    text: Text
    confidence: PerMille
    how: Name  # inline, right, below, grid


MISMATCH_WHYS = frozenset(
    {Why.DIFFERS, Why.WORDS_FIGURES, Why.CHECK_DIGIT, Why.NOT_TODAY, Why.EXPIRED, Why.NOT_YET}
)
UNREADABLE_WHYS = frozenset({Why.NOT_FOUND, Why.NOT_SURE, Why.NO_IMAGE, Why.IMAGE_PROBLEM})


class ElementReading(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    element: Name  # amount, account_no, account_name, id_number, payee_*, voucher_date, …
    keyed: Text  # what the request says (today's date for voucher_date)
    seen: Annotated[list[Seen], Field(max_length=8)] = []
    confidence: PerMille
    verdict: Verdict
    why: Why

    @model_validator(mode="after")
    def _why_fits(self) -> ElementReading:
        """A match is something read that agrees; each verdict has its own reasons."""
        fits = {
            Verdict.MATCH: self.why is Why.AGREES and bool(self.seen),
            Verdict.MISMATCH: self.why in MISMATCH_WHYS,
            Verdict.UNREADABLE: self.why in UNREADABLE_WHYS,
        }[self.verdict]
        if not fits:
            raise ValueError(f"{self.verdict.value} cannot be for {self.why.value}")
        return self


class ImageRead(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    sha256: Sha256
    kind: Name
    lines: Annotated[int, Field(ge=0, le=10_000)]
    ms: Annotated[int, Field(ge=0)]
    problem: Name = ""  # an E_ code when the image could not be read
    cached: bool = False


class Reading(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    request_id: Name
    request_digest: Sha256
    reader_id: Name
    engine: Name  # e.g. rapidocr 3.10.0 / onnxruntime 1.32.0
    models: Annotated[dict[Name, Name], Field(max_length=8)]  # model file → short SHA-256
    layout: Name
    day: Name  # the branch's day the voucher must carry, ISO
    images: Annotated[list[ImageRead], Field(max_length=16)]
    elements: Annotated[list[ElementReading], Field(max_length=32)]
    ms: Annotated[int, Field(ge=0)]  # the reading's time, from the request to the answer

    def fields(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def digest(self) -> str:
        return canonical_digest(self.fields())

    def mismatches(self) -> list[ElementReading]:
        return [e for e in self.elements if e.verdict is Verdict.MISMATCH]
