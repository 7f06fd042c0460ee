"""What any peer may ask: ``authz.queue`` (the line's state), ``evidence.get`` (an image by
its hash) and ``mmi.service`` (is a service here). Nothing here changes the broker's state."""

from __future__ import annotations

from collections.abc import Callable

from clientsvc.broker.config import CLIENT_SERVICES, WORKER_SERVICE
from clientsvc.broker.readers import READ_SERVICE
from clientsvc.broker.transitions import Moves
from clientsvc.clock import now_ms
from clientsvc.protocol import mdp
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import (
    EvidenceBlob,
    EvidenceGet,
    QueueStatus,
    QueueStatusGet,
    RequestState,
    parse,
)


class Queries:
    def __init__(self, moves: Moves, readers_ready: Callable[[], bool] = lambda: False) -> None:
        self.moves = moves
        self.readers_ready = readers_ready  # at least one reader has sent READY authz.read

    def queue_status(self) -> QueueStatus:
        requests = self.moves.requests
        return QueueStatus(
            waiting=requests.waiting(),
            in_review=sum(1 for e in requests.active.values() if e.state is RequestState.IN_REVIEW),
            oldest_enqueued_at=min((e.enqueued_at for e in requests.line()), default=None),
            authorizers_available=sum(1 for w in self.moves.workers.values() if w.available),
            server_time=now_ms(),
        )

    def queue(self, identity: bytes, request: mdp.ClientRequest) -> None:
        parse(request.body[0], QueueStatusGet)
        self.moves.out.reply(identity, request, [self.queue_status().to_frame()])

    def evidence(self, identity: bytes, request: mdp.ClientRequest) -> None:
        msg, _ = parse(request.body[0], EvidenceGet)
        found = self.moves.journal.evidence(msg.sha256)
        if found is None:
            raise ProtocolError(ErrorCode.EVIDENCE_MISSING, msg.sha256)
        mime, data = found
        header = EvidenceBlob(
            sha256=msg.sha256,
            mime=mime,  # type: ignore[arg-type]
            size=len(data),
        ).to_frame()
        self.moves.out.reply(identity, request, [header, data])

    def mmi_service(self, identity: bytes, request: mdp.ClientRequest) -> None:
        name = request.body[0].decode("ascii", "replace")
        if name == WORKER_SERVICE:
            known = any(w.ready for w in self.moves.workers.values())
        elif name == READ_SERVICE:
            known = self.readers_ready()
        else:
            known = name in CLIENT_SERVICES
        self.moves.out.reply(identity, request, [b"200" if known else b"404"])
