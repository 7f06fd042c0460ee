"""What a broker is configured with, and the fixed limits of its protocol (docs/PROTOCOL.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from clientsvc.curve import Transport
from clientsvc.dual import DualPolicy
from clientsvc.protocol.messages import MAX_IMAGE_BYTES
from clientsvc.rules import AuthorityPolicy

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}")
WORKER_SERVICE = "authz"
IDLE_MS = 40  # quiet this long: write the deferred journal records
CLIENT_SERVICES = frozenset(
    {
        "authz.submit",
        "authz.wait",
        "authz.cancel",
        "authz.local",
        "authz.decide",
        "authz.presence",
        "authz.queue",
        "authz.options",
        "evidence.get",
        "mmi.service",
    }
)
MAX_PREFETCH = 1
# waits one connection may have held at once (a teller terminal waits on one or two requests);
# past it a wait is answered at once with the state as it is: memory per connection is bounded
MAX_WAITS_PER_PEER = 32
PICK_DRAWS = 16  # random draws for an eligible free authorizer before looking at them all


@dataclass
class BrokerConfig:
    endpoint: str = "tcp://127.0.0.1:5555"
    directory: Path = Path("directory")
    journal: Path | None = None
    heartbeat_ms: int = 2500
    liveness: int = 3
    lease_ms: int = 10 * 60_000
    clock_skew_ms: int = 120_000
    # per frame (libzmq's MAXMSGSIZE): the largest image plus slack; more is dropped unread
    max_message_bytes: int = MAX_IMAGE_BYTES + 64 * 1024
    # answer resubmissions and late waits for this long (a resubmission after it would be
    # taken as a new request; tellers retry within minutes)
    retain_final_ms: int = 7 * 24 * 3600_000
    policy: AuthorityPolicy = field(default_factory=AuthorityPolicy)
    dual: DualPolicy = field(default_factory=DualPolicy)
    # a resubmission is offered first to the authorizer who returned its original, when they
    # are signed in and available, for this long after it is accepted; then to anyone
    # (0: to anyone at once, as any request)
    resubmit_hold_ms: int = 60_000
    # CURVE and ZAP on the socket, or plain (an explicit choice: one machine, tests)
    transport: Transport = field(default_factory=Transport.plain)
    # the readers' published signing keys (``<reader_id>.pem``); None: ``directory/readers``
    readers: Path | None = None
    # the center lead's signed test packs, one folder each (§7.16); None: no test items
    test_packs: Path | None = None

    @property
    def worker_lifetime_ms(self) -> int:
        """A worker silent this long is gone (MDP: heartbeat × liveness)."""
        return self.heartbeat_ms * self.liveness
