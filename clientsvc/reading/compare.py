"""The rules: a request's elements against what was read on its images, in plain Python.

An element is a match only when every place it is written on the images was read, well
formed, sure enough, and agrees with the request; a mismatch only when what was read is well
formed, sure enough and different; everything else is unreadable ("?"). A wrong ✓ lets a
fraud through; a wrong ✗ costs an override: so a match needs more than a mismatch does.

* amounts: the figures, the digit grid and the 大写 against each other and the keyed amount;
* account and ID numbers digit by digit; an ID number read off an image must carry a right
  GB 11643 check digit (a misread digit seldom keeps it right), and a keyed one whose check
  digit is wrong is a mismatch of its own;
* names character by character;
* the voucher's date is the branch's day;
* the ID card's validity has not ended.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from clientsvc.idnumber import id_number_valid
from clientsvc.protocol.messages import AuthRequest
from clientsvc.reading.amounts import parse_amount_figures, parse_amount_words
from clientsvc.reading.fields import Found, Layout, Line, Page, layout, parse_date, parse_validity
from clientsvc.reading.model import ElementReading, Seen, Verdict, Why

# below this a value that agrees is not trusted as a match (per mille)
MATCH_MIN = 850
# below this a value that disagrees is not trusted as a mismatch
MISMATCH_MIN = 700


@dataclass
class ImagePage:
    sha256: str
    kind: str
    lines: list[Line] = field(default_factory=list)
    problem: str = ""  # the image could not be read (an E_ code)


def layouts_for(txn_type: str) -> tuple[Layout, Layout | None]:
    """The voucher's layout for the type, and the ID card's when the type needs an ID."""
    from clientsvc.catalogue import TXN_KINDS

    return layout(txn_type), layout("id_card") if TXN_KINDS[txn_type].needs_id else None


def _resident(request: AuthRequest) -> bool:
    return request.id_type == "resident_id"


def _seen(sha: str, f: Found) -> Seen:
    box = [max(0, min(100_000, int(v))) for v in f.box]
    return Seen(sha256=sha, box=box, text=f.text[:200], confidence=_pm(f.score), how=f.how)


def _pm(score: float) -> int:
    if not math.isfinite(score):
        return 0
    return max(0, min(1000, round(score * 1000)))


class _Reader:
    def __init__(self, request: AuthRequest, pages: list[ImagePage], today: dt.date) -> None:
        self.request, self.today = request, today
        self.voucher_layout, self.id_layout = layouts_for(request.txn_type)
        self.pages = pages
        self._page_of: dict[tuple[str, str, str], Page] = {}
        self.out: list[ElementReading] = []

    def _found(self, kinds: Iterable[str], lay: Layout, name: str) -> tuple[list[Seen], bool]:
        """Every value of a field over the pages of these kinds; and whether one such page
        could not be read at all."""
        spec = next(f for f in lay.fields if f.name == name)
        seen: list[Seen] = []
        problem = False
        for p in self.pages:
            if p.kind not in kinds:
                continue
            if p.problem:
                problem = True
                continue
            key = (p.sha256, p.kind, lay.name)
            if key not in self._page_of:  # each page's labels found once per layout
                self._page_of[key] = Page(p.lines, lay)
            seen.extend(_seen(p.sha256, f) for f in self._page_of[key].find(spec))
        return seen, problem

    def _has(self, kinds: Iterable[str]) -> bool:
        return any(p.kind in kinds for p in self.pages)

    def add(self, element: str, keyed: str, seen: list[Seen], verdict: Verdict, why: Why) -> None:
        conf = min((s.confidence for s in seen), default=0)
        self.out.append(
            ElementReading(
                element=element,
                keyed=keyed[:200],
                seen=seen[:8],
                confidence=conf,
                verdict=verdict,
                why=why,
            )
        )

    def plain(
        self,
        element: str,
        keyed: str,
        kinds: tuple[str, ...],
        lay: Layout,
        name: str,
    ) -> None:
        """An element compared as text, character by character, on every place it is read."""
        if not self._has(kinds):
            self.add(element, keyed, [], Verdict.UNREADABLE, Why.NO_IMAGE)
            return
        seen, problem = self._found(kinds, lay, name)
        self.judge(element, keyed, seen, problem, [s.text == keyed for s in seen])

    def judge(
        self,
        element: str,
        keyed: str,
        seen: list[Seen],
        problem: bool,
        agrees: list[bool],
        differs_why: Why = Why.DIFFERS,
    ) -> None:
        sure_differs = [s for s, ok in zip(seen, agrees, strict=True) if not ok]
        if any(s.confidence >= MISMATCH_MIN for s in sure_differs):
            self.add(element, keyed, seen, Verdict.MISMATCH, differs_why)
        elif not seen:
            self.add(
                element,
                keyed,
                [],
                Verdict.UNREADABLE,
                Why.IMAGE_PROBLEM if problem else Why.NOT_FOUND,
            )
        elif sure_differs or problem or any(s.confidence < MATCH_MIN for s in seen):
            self.add(element, keyed, seen, Verdict.UNREADABLE, Why.NOT_SURE)
        else:
            self.add(element, keyed, seen, Verdict.MATCH, Why.AGREES)

    # ---- the elements ---------------------------------------------------------------------

    def amount(self) -> None:
        r, lay = self.request, self.voucher_layout
        if not any(f.name == "amount_figures" for f in lay.fields):
            return
        keyed = str(r.amount_fen)
        if not self._has(("voucher",)):
            self.add("amount", keyed, [], Verdict.UNREADABLE, Why.NO_IMAGE)
            return
        words, p1 = self._found(("voucher",), lay, "amount_words")
        figures, p2 = self._found(("voucher",), lay, "amount_figures")
        seen = words + figures
        values = [parse_amount_words(s.text) for s in words] + [
            int(s.text) if s.how == "grid" else parse_amount_figures(s.text) for s in figures
        ]
        sure = {v for s, v in zip(seen, values, strict=True) if s.confidence >= MISMATCH_MIN}
        written = {  # the 大写 and the ¥ line: text read as text
            v
            for s, v in zip(seen, values, strict=True)
            if s.confidence >= MISMATCH_MIN and s.how != "grid"
        }
        if len(sure) > 1 and words and written == {r.amount_fen}:
            # only the grid disagrees, its digits put in columns by position (a skewed scan
            # shifts them): not sure, never a match
            self.add("amount", keyed, seen, Verdict.UNREADABLE, Why.NOT_SURE)
            return
        if len(sure) > 1:  # the voucher disagrees with itself
            self.add("amount", keyed, seen, Verdict.MISMATCH, Why.WORDS_FIGURES)
            return
        agrees = [v == r.amount_fen for v in values]
        if words and figures:
            self.judge("amount", keyed, seen, p1 or p2, agrees)
        elif sure and sure != {r.amount_fen}:
            self.add("amount", keyed, seen, Verdict.MISMATCH, Why.DIFFERS)
        else:  # the words or the figures not read: the amount is not confirmed
            why = Why.IMAGE_PROBLEM if p1 or p2 else Why.NOT_FOUND
            self.add("amount", keyed, seen, Verdict.UNREADABLE, why)

    def id_number(self, element: str, kinds: tuple[str, ...], lay: Layout) -> None:
        keyed = self.request.id_number.upper()
        if not _resident(self.request):  # not a resident ID: no GB 11643 to check
            self.plain(element, keyed, kinds, lay, "id_number")
            return
        seen, problem = self._found(kinds, lay, "id_number") if self._has(kinds) else ([], False)
        if not id_number_valid(keyed):  # keyed wrong, whatever the image says
            self.add(element, keyed, seen, Verdict.MISMATCH, Why.CHECK_DIGIT)
            return
        if not self._has(kinds):
            self.add(element, keyed, [], Verdict.UNREADABLE, Why.NO_IMAGE)
            return
        # a number read with a wrong check digit is a misread, not what the image says
        trusted = [s for s in seen if id_number_valid(s.text)]
        untrusted = len(trusted) < len(seen)
        if untrusted and not trusted:
            self.add(element, keyed, seen, Verdict.UNREADABLE, Why.NOT_SURE)
            return
        self.judge(
            element, keyed, trusted, problem or untrusted, [s.text == keyed for s in trusted]
        )

    def voucher_date(self) -> None:
        keyed = self.today.isoformat()
        if not self._has(("voucher",)):
            self.add("voucher_date", keyed, [], Verdict.UNREADABLE, Why.NO_IMAGE)
            return
        seen, problem = self._found(("voucher",), self.voucher_layout, "date")
        days = [parse_date(s.text) for s in seen]
        self.judge(
            "voucher_date", keyed, seen, problem, [d == self.today for d in days], Why.NOT_TODAY
        )

    def id_validity(self, lay: Layout) -> None:
        keyed = self.today.isoformat()
        kinds = ("id_front", "id_back")
        if not self._has(kinds):
            self.add("id_valid", keyed, [], Verdict.UNREADABLE, Why.NO_IMAGE)
            return
        seen, problem = self._found(kinds, lay, "validity")
        spans = [parse_validity(s.text) for s in seen]
        ok = [v is not None and v[0] <= self.today <= v[1] for v in spans]
        early = any(v is not None and self.today < v[0] for v in spans)
        self.judge("id_valid", keyed, seen, problem, ok, Why.NOT_YET if early else Why.EXPIRED)

    def run(self) -> list[ElementReading]:
        r, v = self.request, self.voucher_layout
        names = {f.name for f in v.fields}
        self.voucher_date()
        self.amount()
        if "account_no" in names:
            self.plain("account_no", r.account_no, ("voucher",), v, "account_no")
        if "account_name" in names:
            self.plain("account_name", r.account_name, ("voucher",), v, "account_name")
        if "id_number" in names:
            self.id_number("id_number", ("voucher",), v)
        for name in ("payee_name", "payee_account", "original_txn", "cashbox_no"):
            if name in names and name in r.elements:
                self.plain(name, r.elements[name], ("voucher",), v, name)
        if self.id_layout is not None and _resident(r):
            ids = ("id_front", "id_back")
            self.plain("id_name", r.account_name, ids, self.id_layout, "name")
            self.id_number("id_card_number", ids, self.id_layout)
            self.id_validity(self.id_layout)
        return self.out


def compare(request: AuthRequest, pages: list[ImagePage], today: dt.date) -> list[ElementReading]:
    """Every element of the request's type, with its verdict (see the module's rules)."""
    return _Reader(request, pages, today).run()
