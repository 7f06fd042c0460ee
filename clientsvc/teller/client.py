"""The teller library: submit a request, wait for its signed decision, cancel.

A teller system links this (or speaks docs/PROTOCOL.md itself). Calls retry with the same
request id after a lost reply (Lazy Pirate: close the socket, reconnect, resend), so a retry
never creates a second request. Every decision is verified before it is returned.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import zmq

from clientsvc import sqlitedb
from clientsvc.curve import Transport
from clientsvc.identity import AuthorizerProfile, Directory, verify_decision
from clientsvc.protocol import mdp
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import (
    FINAL_STATES,
    AuthRequest,
    Cancel,
    Error,
    LocalAuthorization,
    Message,
    Outcome,
    Override,
    SubmitAck,
    Wait,
    parse_any,
    request_digest,
)

log = logging.getLogger("authdesk.teller")

M = TypeVar("M", bound=Message)


@dataclass(frozen=True)
class VerifiedOutcome:
    """An outcome whose decision (if any) was checked: signature, request digest, evidence."""

    outcome: Outcome
    authorizer: AuthorizerProfile | None

    @property
    def override(self) -> Override | None:
        """The signed override, when the authorizer approved despite the machine's findings
        (which findings, and why): covered by the signature just verified."""
        decision = self.outcome.decision
        return decision.override if decision is not None else None


def verify_outcome(
    outcome: Outcome, raw_request: dict[str, Any], directory: Directory
) -> VerifiedOutcome:
    """Refuse a decision that was altered, signed by an unknown key, or is for another request."""
    decision = outcome.decision
    if outcome.state in ("approved", "rejected", "returned") and decision is None:
        raise ProtocolError(ErrorCode.BAD_SIGNATURE, f"{outcome.state} without a signed decision")
    if decision is None:
        return VerifiedOutcome(outcome, None)
    if (
        decision.request_id != raw_request.get("request_id")
        or decision.request_id != outcome.request_id
    ):
        raise ProtocolError(ErrorCode.WRONG_REQUEST, "decision is for another request")
    if decision.request_digest != request_digest(raw_request):
        raise ProtocolError(ErrorCode.WRONG_REQUEST, "decision covers other request elements")
    sent = sorted(str(e["sha256"]) for e in raw_request.get("evidence", []))
    if sorted(decision.evidence) != sent:
        raise ProtocolError(ErrorCode.EVIDENCE_MISMATCH, "decision covers other evidence")
    profile = verify_decision(decision, directory)
    expected = {"approve": "approved", "reject": "rejected", "return": "returned"}[decision.verdict]
    if outcome.state != expected:
        raise ProtocolError(ErrorCode.BAD_SIGNATURE, "outcome state contradicts the signed verdict")
    if outcome.approvals:  # dual authorization: two approvals, two different people
        _verify_approvals(outcome, raw_request, sent, directory)
    return VerifiedOutcome(outcome, profile)


def _verify_approvals(
    outcome: Outcome, raw_request: dict[str, Any], evidence: list[str], directory: Directory
) -> None:
    approvals = outcome.approvals
    digest = request_digest(raw_request)
    for approval in approvals:
        if approval.request_id != outcome.request_id or approval.request_digest != digest:
            raise ProtocolError(ErrorCode.WRONG_REQUEST, "an approval is for another request")
        if sorted(approval.evidence) != evidence or approval.verdict != "approve":
            raise ProtocolError(ErrorCode.BAD_SIGNATURE, "an approval covers something else")
        verify_decision(approval, directory)
    if len({a.authorizer_id for a in approvals}) != len(approvals):
        raise ProtocolError(ErrorCode.BAD_SIGNATURE, "one person approved twice")
    if outcome.state == "approved" and len(approvals) < 2:
        raise ProtocolError(ErrorCode.BAD_SIGNATURE, "dual authorization needs two people")
    final = outcome.decision
    if outcome.state == "approved" and (
        final is None or all(a.signature != final.signature for a in approvals)
    ):
        raise ProtocolError(ErrorCode.BAD_SIGNATURE, "the final approval is not among them")


def _code(code: str) -> ErrorCode:
    """A known code, or E_MALFORMED for one this library does not know (a newer broker)."""
    try:
        return ErrorCode(code)
    except ValueError:
        return ErrorCode.MALFORMED


@dataclass(frozen=True)
class Authorization:
    """What ``authorize`` ends with: the center's verified decision, or ``fallback_local``
    with why (``unreachable`` / ``no_decision_in_time``)."""

    verified: VerifiedOutcome | None
    why: str

    @property
    def fallback_local(self) -> bool:
        return self.verified is None


class LocalLog:
    """Local authorizations not yet acknowledged by the broker, in a SQLite file (WAL, FULL)
    at the teller terminal: written before they are sent, removed once the broker has them."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)
        sqlitedb.configure(self._db)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS local_auth (request_id TEXT PRIMARY KEY,"
            " record TEXT NOT NULL, sent INTEGER NOT NULL DEFAULT 0)"
        )

    def add(self, record: LocalAuthorization) -> None:
        self._db.execute(
            "INSERT OR IGNORE INTO local_auth (request_id, record) VALUES (?, ?)",
            (record.request_id, record.to_frame().decode()),
        )

    def done(self, request_id: str) -> None:
        self._db.execute("UPDATE local_auth SET sent = 1 WHERE request_id = ?", (request_id,))

    def pending(self) -> list[LocalAuthorization]:
        rows = self._db.execute("SELECT record FROM local_auth WHERE sent = 0").fetchall()
        return [LocalAuthorization.model_validate_json(r[0]) for r in rows]


class TellerClient:
    """A synchronous MDP client for one teller terminal. Not thread-safe: one caller at a time."""

    def __init__(
        self,
        endpoint: str,
        teller_id: str,
        directory: Directory,
        *,
        context: zmq.Context[Any] | None = None,
        reply_timeout_ms: int = 3000,
        retries: int = 3,
        transport: Transport | None = None,
        local_log: Path | None = None,
    ) -> None:
        self.transport = transport or Transport.plain()
        self.endpoint = endpoint
        self.teller_id = teller_id
        self.directory = directory
        self.reply_timeout_ms = reply_timeout_ms
        self.retries = retries
        self._ctx = context or zmq.Context.instance()
        self._socket: zmq.Socket[Any] | None = None
        self.local_log = LocalLog(local_log) if local_log is not None else None
        self._connect()

    def _connect(self) -> None:
        if self._socket is not None:
            self._socket.close(linger=0)
        sock = self._ctx.socket(zmq.DEALER)
        self.transport.secure_client(sock)
        sock.setsockopt(zmq.LINGER, 0)
        sock.connect(self.endpoint)
        self._socket = sock

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close(linger=0)
            self._socket = None

    def __enter__(self) -> TellerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- calls ---------------------------------------------------------------------------

    def submit(self, request: AuthRequest, evidence: dict[str, bytes] | None = None) -> SubmitAck:
        """Submit (idempotent on request_id). ``evidence`` maps SHA-256 → image bytes."""
        blobs = [evidence[e.sha256] for e in request.evidence if evidence and e.sha256 in evidence]
        return self._call(
            "authz.submit", [request.to_frame(), *blobs], SubmitAck, request.request_id
        )

    def wait(self, request_id: str, timeout_s: float) -> Outcome:
        """Wait until the request is final or ``timeout_s`` passes; returns the latest outcome."""
        deadline = time.monotonic() + timeout_s
        while True:
            remaining_ms = int((deadline - time.monotonic()) * 1000)
            wait_ms = max(0, min(remaining_ms, 10_000))
            body = Wait(request_id=request_id, teller_id=self.teller_id, wait_ms=wait_ms)
            outcome = self._call(
                "authz.wait", [body.to_frame()], Outcome, request_id, extra_ms=wait_ms
            )
            if outcome.state in FINAL_STATES or remaining_ms <= 0:
                return outcome

    def status(self, request_id: str) -> Outcome:
        body = Wait(request_id=request_id, teller_id=self.teller_id, wait_ms=0)
        return self._call("authz.wait", [body.to_frame()], Outcome, request_id)

    def cancel(self, request_id: str, reason: str = "") -> Outcome:
        body = Cancel(request_id=request_id, teller_id=self.teller_id, reason=reason)
        return self._call("authz.cancel", [body.to_frame()], Outcome, request_id)

    def submit_and_wait(
        self, request: AuthRequest, evidence: dict[str, bytes] | None, timeout_s: float
    ) -> VerifiedOutcome:
        self.submit(request, evidence)
        outcome = self.wait(request.request_id, timeout_s)
        return verify_outcome(outcome, request.to_dict(), self.directory)

    # --- when the center does not answer: local authorization (本地授权) ------------------------

    def authorize(
        self,
        request: AuthRequest,
        evidence: dict[str, bytes] | None,
        grace_s: float = 2.0,
        fallback_after_s: float | None = None,
    ) -> Authorization:
        """Submit and wait for the center's signed decision until the request's ``wait_s``
        (plus ``grace_s`` for the broker to time it out) has passed. A decision: returned,
        verified. None in time, or no broker to be reached: ``fallback_local`` — the teller
        system calls the outlet's supervisor, then ``record_local``. "The center said no"
        (rejected / returned, or a refusal with a code) is never a fallback."""
        # ``fallback_after_s`` shorter than ``wait_s``: the teller system gives up sooner than
        # the broker does; a decision may then still come, and ``record_local`` meets it
        # (``E_ALREADY_DECIDED``: the center's decision stands)
        after = request.wait_s + grace_s if fallback_after_s is None else fallback_after_s
        deadline = time.monotonic() + after
        reached = False
        while not reached:
            try:
                self.submit(request, evidence)
                reached = True
                if fallback_after_s is None:  # the broker's deadline runs from its accepting
                    deadline = max(deadline, time.monotonic() + request.wait_s + grace_s)
            except ProtocolError as err:
                if err.code is not ErrorCode.UNREACHABLE:
                    raise  # the center refused it: said so, not a fallback
                if time.monotonic() >= deadline:
                    return Authorization(None, "unreachable")
        outcome = None
        while (left := deadline - time.monotonic()) > 0:
            try:
                outcome = self.wait(request.request_id, left)
            except ProtocolError as err:
                if err.code is not ErrorCode.UNREACHABLE:
                    raise
                continue
            if outcome.state in FINAL_STATES:
                break
        if outcome is not None and outcome.state in ("approved", "rejected", "returned"):
            return Authorization(verify_outcome(outcome, request.to_dict(), self.directory), "")
        if outcome is not None and outcome.state == "fallback_local":
            return Authorization(None, "no_decision_in_time")
        return Authorization(None, "no_decision_in_time" if outcome else "unreachable")

    def record_local(
        self,
        request: AuthRequest,
        supervisor_id: str,
        verdict: str,
        reason_text: str = "",
        why: str = "no_decision_in_time",
    ) -> Outcome:
        """Record the supervisor's local authorization at the broker (and so at the center,
        flagged for review). With a ``local_log``, it is kept on disk first and sent again by
        ``flush_local`` until the broker has it: a broker that cannot be reached loses nothing.
        ``E_ALREADY_DECIDED``: the center's decision arrived first and stands."""
        record = LocalAuthorization(
            request_id=request.request_id,
            teller_id=self.teller_id,
            supervisor_id=supervisor_id,
            verdict=verdict,  # type: ignore[arg-type]
            reason_text=reason_text,
            why=why,  # type: ignore[arg-type]
            at=int(time.time() * 1000),
            request=request.to_dict(),
        )
        if self.local_log is not None:
            self.local_log.add(record)
        outcome = self._call("authz.local", [record.to_frame()], Outcome, request.request_id)
        if self.local_log is not None:
            self.local_log.done(request.request_id)
        return outcome

    def flush_local(self) -> int:
        """Send the local authorizations the broker has not acknowledged yet; how many went."""
        if self.local_log is None:
            return 0
        sent = 0
        for record in self.local_log.pending():
            try:
                self._call("authz.local", [record.to_frame()], Outcome, record.request_id)
            except ProtocolError as err:
                if err.code in (ErrorCode.UNREACHABLE, ErrorCode.STORAGE):
                    break  # not recorded yet: kept, sent again later
                log.error("local authorization %s refused: %s", record.request_id, err)
            self.local_log.done(record.request_id)
            sent += 1
        return sent

    # --- Lazy Pirate ----------------------------------------------------------------------

    def _call(
        self,
        service: str,
        body: list[bytes],
        expect: type[M],
        request_id: str,
        extra_ms: int = 0,
    ) -> M:
        for attempt in range(self.retries + 1):
            assert self._socket is not None
            self._socket.send_multipart(mdp.client_request(service, body))
            deadline = time.monotonic() + (self.reply_timeout_ms + extra_ms) / 1000
            while (left := deadline - time.monotonic()) > 0:
                if not self._socket.poll(int(left * 1000) + 1, zmq.POLLIN):
                    break
                try:
                    reply = mdp.parse_client_reply(self._socket.recv_multipart())
                    if not reply.body:
                        continue
                    message, _ = parse_any(reply.body[0])
                except ProtocolError as err:
                    log.warning("ignored a malformed reply: %s", err)
                    continue
                if isinstance(message, Error):
                    if message.request_id in (None, request_id):
                        raise ProtocolError(_code(message.code), message.detail)
                    continue
                if (
                    isinstance(message, expect)
                    and getattr(message, "request_id", None) == request_id
                ):
                    return message
                # a late reply to an earlier, abandoned call: ignore it
            log.warning(
                "no reply to %s for %s (attempt %d); reconnecting", service, request_id, attempt + 1
            )
            self._connect()
        raise ProtocolError(ErrorCode.UNREACHABLE, f"broker at {self.endpoint} did not answer")
