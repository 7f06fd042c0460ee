"""Majordomo Protocol framing: MDP/0.1 (ZeroMQ RFC 7) and MDP/0.2 (RFC 18).

Only framing lives here: which frames make a client request, a client reply, or a worker
command. The bodies are application messages (``messages.py``). A peer may send the empty
delimiter frame first (REQ sockets do; DEALER peers should); replies mirror what the peer sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from clientsvc.protocol.errors import ErrorCode, ProtocolError

C_CLIENT_V1 = b"MDPC01"
C_CLIENT_V2 = b"MDPC02"
W_WORKER_V1 = b"MDPW01"
W_WORKER_V2 = b"MDPW02"

# MDP/0.2 client commands
C2_REQUEST = b"\x01"
C2_PARTIAL = b"\x02"
C2_FINAL = b"\x03"

MAX_SERVICE_LEN = 64
MAX_ADDRESS_LEN = 255


class WorkerCommand(Enum):
    READY = "READY"
    REQUEST = "REQUEST"
    PARTIAL = "PARTIAL"
    REPLY = "REPLY"  # MDP/0.2 calls it FINAL
    HEARTBEAT = "HEARTBEAT"
    DISCONNECT = "DISCONNECT"


_W_V1 = {
    WorkerCommand.READY: b"\x01",
    WorkerCommand.REQUEST: b"\x02",
    WorkerCommand.REPLY: b"\x03",
    WorkerCommand.HEARTBEAT: b"\x04",
    WorkerCommand.DISCONNECT: b"\x05",
}
_W_V2 = {
    WorkerCommand.READY: b"\x01",
    WorkerCommand.REQUEST: b"\x02",
    WorkerCommand.PARTIAL: b"\x03",
    WorkerCommand.REPLY: b"\x04",
    WorkerCommand.HEARTBEAT: b"\x05",
    WorkerCommand.DISCONNECT: b"\x06",
}
_W_V1_REV = {v: k for k, v in _W_V1.items()}
_W_V2_REV = {v: k for k, v in _W_V2.items()}


@dataclass(frozen=True)
class ClientRequest:
    """A client's REQUEST as the broker sees it (after the ROUTER identity frame)."""

    version: int
    service: str
    body: list[bytes]
    delimited: bool = True


@dataclass(frozen=True)
class ClientReply:
    """A broker's reply as the client sees it."""

    version: int
    service: str
    body: list[bytes]
    final: bool = True


@dataclass(frozen=True)
class WorkerMessage:
    """A worker command, in either direction."""

    version: int
    command: WorkerCommand
    service: str = ""
    client: bytes = b""
    body: list[bytes] = field(default_factory=list)
    delimited: bool = True


def _service(frame: bytes) -> str:
    if not frame or len(frame) > MAX_SERVICE_LEN:
        raise ProtocolError(ErrorCode.MALFORMED, "service name empty or too long")
    try:
        name = frame.decode("ascii")
    except UnicodeDecodeError as exc:
        raise ProtocolError(ErrorCode.MALFORMED, "service name is not ASCII") from exc
    if not name.isprintable():
        raise ProtocolError(ErrorCode.MALFORMED, "service name is not printable")
    return name


def _strip_delimiter(frames: list[bytes]) -> tuple[list[bytes], bool]:
    if frames and frames[0] == b"":
        return frames[1:], True
    return frames, False


def parse_from_peer(frames: list[bytes]) -> ClientRequest | WorkerMessage:
    """Parse what a client or worker sent to the broker (identity frame already removed)."""
    rest, delimited = _strip_delimiter(frames)
    if not rest:
        raise ProtocolError(ErrorCode.MALFORMED, "no protocol header")
    header = rest[0]
    if header == C_CLIENT_V1:
        if len(rest) < 2:
            raise ProtocolError(ErrorCode.MALFORMED, "client request without service")
        return ClientRequest(1, _service(rest[1]), rest[2:], delimited)
    if header == C_CLIENT_V2:
        if len(rest) < 3 or rest[1] != C2_REQUEST:
            raise ProtocolError(ErrorCode.MALFORMED, "MDPC02 needs REQUEST command and service")
        return ClientRequest(2, _service(rest[2]), rest[3:], delimited)
    if header in (W_WORKER_V1, W_WORKER_V2):
        return _parse_worker(rest, delimited)
    raise ProtocolError(ErrorCode.UNSUPPORTED_VERSION, "unknown protocol header")


def _parse_worker(rest: list[bytes], delimited: bool) -> WorkerMessage:
    version = 1 if rest[0] == W_WORKER_V1 else 2
    if len(rest) < 2:
        raise ProtocolError(ErrorCode.MALFORMED, "worker message without command")
    table = _W_V1_REV if version == 1 else _W_V2_REV
    command = table.get(rest[1])
    if command is None:
        raise ProtocolError(ErrorCode.MALFORMED, "unknown worker command")
    args = rest[2:]
    if command is WorkerCommand.READY:
        if len(args) < 1:
            raise ProtocolError(ErrorCode.MALFORMED, "READY without service")
        return WorkerMessage(version, command, service=_service(args[0]), delimited=delimited)
    if command in (WorkerCommand.REQUEST, WorkerCommand.REPLY, WorkerCommand.PARTIAL):
        if len(args) < 2 or args[1] != b"" or not args[0] or len(args[0]) > MAX_ADDRESS_LEN:
            raise ProtocolError(ErrorCode.MALFORMED, f"{command.value} needs address and delimiter")
        return WorkerMessage(version, command, client=args[0], body=args[2:], delimited=delimited)
    if args:
        raise ProtocolError(ErrorCode.MALFORMED, f"{command.value} takes no frames")
    return WorkerMessage(version, command, delimited=delimited)


def client_request(service: str, body: list[bytes], version: int = 1) -> list[bytes]:
    """Frames a DEALER client sends (with the empty delimiter first)."""
    if version == 1:
        return [b"", C_CLIENT_V1, service.encode("ascii"), *body]
    return [b"", C_CLIENT_V2, C2_REQUEST, service.encode("ascii"), *body]


def client_reply(request: ClientRequest, body: list[bytes]) -> list[bytes]:
    """Frames the broker sends back for a client request (identity frame not included)."""
    head = [b""] if request.delimited else []
    svc = request.service.encode("ascii")
    if request.version == 1:
        return [*head, C_CLIENT_V1, svc, *body]
    return [*head, C_CLIENT_V2, C2_FINAL, svc, *body]


def parse_client_reply(frames: list[bytes]) -> ClientReply:
    """Parse a reply on the client side."""
    rest, _ = _strip_delimiter(frames)
    if len(rest) >= 2 and rest[0] == C_CLIENT_V1:
        return ClientReply(1, _service(rest[1]), rest[2:])
    if len(rest) >= 3 and rest[0] == C_CLIENT_V2 and rest[1] in (C2_PARTIAL, C2_FINAL):
        return ClientReply(2, _service(rest[2]), rest[3:], final=rest[1] == C2_FINAL)
    raise ProtocolError(ErrorCode.MALFORMED, "not an MDP client reply")


def worker_frames(
    command: WorkerCommand,
    *,
    version: int = 1,
    service: str = "",
    client: bytes = b"",
    body: list[bytes] | None = None,
    delimited: bool = True,
) -> list[bytes]:
    """Frames of a worker command (either direction; identity frame not included)."""
    table = _W_V1 if version == 1 else _W_V2
    if command not in table:
        raise ValueError(f"{command.value} does not exist in MDP/0.{version}")
    head = [b""] if delimited else []
    frames = [*head, W_WORKER_V1 if version == 1 else W_WORKER_V2, table[command]]
    if command is WorkerCommand.READY:
        frames.append(service.encode("ascii"))
    elif command in (WorkerCommand.REQUEST, WorkerCommand.REPLY, WorkerCommand.PARTIAL):
        frames += [client, b"", *(body or [])]
    return frames


def parse_from_broker(frames: list[bytes]) -> WorkerMessage:
    """Parse a worker command on the worker side."""
    rest, delimited = _strip_delimiter(frames)
    if not rest or rest[0] not in (W_WORKER_V1, W_WORKER_V2):
        raise ProtocolError(ErrorCode.MALFORMED, "not an MDP worker message")
    return _parse_worker(rest, delimited)
