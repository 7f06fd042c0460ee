"""Framing, strict message validation, canonical encoding, signatures."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientsvc.identity import decision_signed_bytes, verify_decision, verify_presence
from clientsvc.protocol import mdp
from clientsvc.protocol.canonical import canonical_bytes
from clientsvc.protocol.errors import ErrorCode, ProtocolError
from clientsvc.protocol.messages import (
    MAX_JSON_BYTES,
    AuthRequest,
    Decision,
    Outcome,
    Wait,
    parse,
    request_digest,
)
from clientsvc.teller.client import verify_outcome
from tests.helpers import Identities, request


def test_canonical_encoding_sorts_keys_keeps_unicode_and_refuses_floats() -> None:
    assert (
        canonical_bytes({"b": 1, "a": "张三", "c": [True, None]})
        == '{"a":"张三","b":1,"c":[true,null]}'.encode()
    )
    with pytest.raises(ValueError):
        canonical_bytes({"amount": 1.5})
    with pytest.raises(ValueError):
        canonical_bytes({"amount": 2**53})


_json_ish = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=False)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=3) | st.integers(0, 3), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(_json_ish)
def test_the_quick_look_and_the_full_check_agree_on_what_is_canonical(value: object) -> None:
    """Every message gets a quick look before encoding; whatever it lets through, the full
    check (which names the path at fault) must also accept, and the other way round."""
    from clientsvc.protocol.canonical import _check, _plain

    try:
        _check(value, "$")
        accepted = True
    except ValueError:
        accepted = False
    assert _plain(value) == accepted


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (b"", ErrorCode.MALFORMED),
        (b"{", ErrorCode.MALFORMED),
        (b"\xff\xfe", ErrorCode.MALFORMED),
        (b"[1,2]", ErrorCode.MALFORMED),
        (b'{"v":2,"type":"wait"}', ErrorCode.UNSUPPORTED_VERSION),
        (b'{"type":"wait"}', ErrorCode.UNSUPPORTED_VERSION),
        (
            b'{"v":1.0,"type":"wait","request_id":"R1","teller_id":"T1"}',
            ErrorCode.UNSUPPORTED_VERSION,
        ),
        (
            b'{"v":true,"type":"wait","request_id":"R1","teller_id":"T1"}',
            ErrorCode.UNSUPPORTED_VERSION,
        ),
        (b'{"v":1,"type":"launch_missiles"}', ErrorCode.UNKNOWN_TYPE),
        (b'{"v":1,"type":"wait","request_id":"R1"}', ErrorCode.MALFORMED),
        (
            b'{"v":1,"type":"wait","request_id":"R1","teller_id":"T1","wait_ms":1.5}',
            ErrorCode.MALFORMED,
        ),
        (
            b'{"v":1,"type":"wait","request_id":"R1","teller_id":"T1","wait_ms":"5"}',
            ErrorCode.MALFORMED,
        ),
        (
            b'{"v":1,"type":"wait","request_id":"R1","teller_id":"T1","wait_ms":99999999}',
            ErrorCode.MALFORMED,
        ),
        (
            b'{"v":1,"type":"wait","request_id":"R1","teller_id":"T1","extra":1}',
            ErrorCode.MALFORMED,
        ),
        (b'{"v":1,"type":"wait","request_id":"../etc","teller_id":"T1"}', ErrorCode.MALFORMED),
        (
            b'{"v":1,"type":"wait","request_id":"R1","teller_id":"T1","wait_ms":NaN}',
            ErrorCode.MALFORMED,
        ),
        (b'{"v":1,"x":' + b"9" * 5000 + b"}", ErrorCode.MALFORMED),
        (b"[" * 100_000, ErrorCode.TOO_LARGE),
        (b'{"v":1,"type":"wait","pad":"' + b"x" * MAX_JSON_BYTES + b'"}', ErrorCode.TOO_LARGE),
    ],
)
def test_bad_messages_are_refused_with_a_code(frame: bytes, code: ErrorCode) -> None:
    with pytest.raises(ProtocolError) as info:
        parse(frame)
    assert info.value.code is code


def test_deeply_nested_json_is_refused_not_crashing() -> None:
    with pytest.raises(ProtocolError) as info:
        parse(b"[" * 30_000 + b"]" * 30_000)
    assert info.value.code in (ErrorCode.MALFORMED, ErrorCode.TOO_LARGE)


def test_a_message_type_valid_elsewhere_is_refused_where_unexpected() -> None:
    frame = Wait(request_id="R1", teller_id="T1").to_frame()
    with pytest.raises(ProtocolError) as info:
        parse(frame, AuthRequest)
    assert info.value.code is ErrorCode.UNKNOWN_TYPE


def test_request_digest_covers_what_was_sent_not_defaults() -> None:
    req, _ = request()
    raw = json.loads(req.to_frame())
    trimmed = {
        k: v for k, v in raw.items() if k not in ("urgent", "summary")
    }  # a sender omitting defaults
    _, parsed_raw = parse(canonical_bytes(trimmed), AuthRequest)
    assert request_digest(parsed_raw) == request_digest(trimmed) != request_digest(raw)


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("delimited", [True, False])
def test_mdp_client_frames_round_trip(version: int, delimited: bool) -> None:
    frames = mdp.client_request("authz.wait", [b"body"], version)
    if not delimited:
        frames = frames[1:]
    parsed = mdp.parse_from_peer(frames)
    assert isinstance(parsed, mdp.ClientRequest)
    assert (parsed.version, parsed.service, parsed.body, parsed.delimited) == (
        version,
        "authz.wait",
        [b"body"],
        delimited,
    )
    reply = mdp.parse_client_reply(mdp.client_reply(parsed, [b"answer"]))
    assert (reply.version, reply.service, reply.body) == (version, "authz.wait", [b"answer"])


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("command", list(mdp.WorkerCommand))
def test_mdp_worker_frames_round_trip(version: int, command: mdp.WorkerCommand) -> None:
    if version == 1 and command is mdp.WorkerCommand.PARTIAL:
        with pytest.raises(ValueError):
            mdp.worker_frames(command, version=version)
        return
    frames = mdp.worker_frames(command, version=version, service="authz", client=b"L1", body=[b"x"])
    parsed = mdp.parse_from_broker(frames)
    assert parsed.command is command and parsed.version == version


@pytest.mark.parametrize(
    "frames",
    [
        [],
        [b""],
        [b"MDPX01"],
        [b"MDPC01"],
        [b"MDPC02", b"\x07", b"svc"],
        [b"MDPW01"],
        [b"MDPW01", b"\x09"],
        [b"MDPW01", b"\x02", b"addr"],
        [b"MDPW01", b"\x04", b"extra"],
        [b"MDPC01", b""],
        [b"MDPC01", b"x" * 65],
        [b"MDPC01", b"\xff\xfe"],
    ],
)
def test_mdp_garbage_is_a_protocol_error(frames: list[bytes]) -> None:
    with pytest.raises(ProtocolError):
        mdp.parse_from_peer(frames)


def _decision(ids: Identities, **kw: object) -> Decision:
    req, _ = request()
    fields = {
        "request_id": "R1",
        "lease_id": "L1",
        "request_digest": request_digest(req.to_dict()),
        "evidence": [e.sha256 for e in req.evidence],
        "verdict": "reject",
        "reason_code": "R02",
        "reason_text": "金额不符",
    }
    fields.update(kw)
    return ids.keys["A1"].sign_decision(**fields)  # type: ignore[arg-type]


def test_a_signed_decision_verifies(ids: Identities) -> None:
    assert verify_decision(_decision(ids), ids.directory).authorizer_id == "A1"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("request_id", "R2"),
        ("request_digest", "0" * 64),
        ("evidence", ["1" * 64]),
        ("verdict", "approve"),
        ("reason_code", "R01"),
        ("reason_text", "金额相符"),
        ("decided_at", 1),
        ("nonce", "f" * 32),
        ("authorizer_id", "A2"),
    ],
)
def test_a_decision_altered_in_any_field_is_refused(
    ids: Identities, field: str, value: object
) -> None:
    data = _decision(ids).to_dict()
    data[field] = value
    with pytest.raises(ProtocolError) as info:
        verify_decision(Decision.model_validate(data), ids.directory)
    assert info.value.code in (ErrorCode.BAD_SIGNATURE, ErrorCode.UNKNOWN_KEY)


def test_the_lease_id_is_transport_not_signed(ids: Identities) -> None:
    data = _decision(ids).to_dict()
    assert decision_signed_bytes(data) == decision_signed_bytes({**data, "lease_id": "L9"})


def test_a_decision_signed_by_an_unknown_key_is_refused(tmp_path, ids: Identities) -> None:
    from tests.helpers import make_identities

    stranger = make_identities(tmp_path / "elsewhere", (("A1", 3, ""),)).keys["A1"]
    req, _ = request()
    forged = stranger.sign_decision(
        request_id="R1",
        lease_id="L1",
        request_digest=request_digest(req.to_dict()),
        evidence=[],
        verdict="approve",
        reason_code=None,
        reason_text="",
    )
    with pytest.raises(ProtocolError) as info:
        verify_decision(forged, ids.directory)
    assert info.value.code is ErrorCode.UNKNOWN_KEY


def test_a_revoked_key_is_refused(ids: Identities) -> None:
    from tests.helpers import revoke

    revoke(ids, "A1")
    with pytest.raises(ProtocolError) as info:
        verify_decision(_decision(ids), ids.directory)
    assert info.value.code is ErrorCode.UNKNOWN_KEY


def test_presence_is_signed(ids: Identities) -> None:
    presence = ids.keys["A2"].sign_presence(terminal_id="WS1", state="away")
    assert verify_presence(presence, ids.directory).authorizer_id == "A2"
    tampered = presence.model_copy(update={"state": "available"})
    with pytest.raises(ProtocolError):
        verify_presence(tampered, ids.directory)


def _outcome(decision: Decision, state: str = "rejected") -> Outcome:
    return Outcome(request_id=decision.request_id, state=state, decision=decision, server_time=1)  # type: ignore[arg-type]


def test_teller_verifies_the_decision_against_its_own_request(ids: Identities) -> None:
    req, _ = request()
    # over this very request (``request()`` stamps the time: another call may differ by 1 ms)
    decision = _decision(ids, request_digest=request_digest(req.to_dict()))
    assert verify_outcome(_outcome(decision), req.to_dict(), ids.directory).authorizer is not None
    other, _ = request("R1", amount_fen=999)  # same id, other elements
    with pytest.raises(ProtocolError) as info:
        verify_outcome(_outcome(decision), other.to_dict(), ids.directory)
    assert info.value.code is ErrorCode.WRONG_REQUEST
    with pytest.raises(ProtocolError) as info:
        verify_outcome(_outcome(decision, "approved"), req.to_dict(), ids.directory)
    assert info.value.code is ErrorCode.BAD_SIGNATURE
    with pytest.raises(ProtocolError):
        verify_outcome(
            Outcome(request_id="R1", state="approved", server_time=1), req.to_dict(), ids.directory
        )


def test_an_unreadable_profile_file_is_skipped_not_fatal(ids: Identities) -> None:
    (ids.directory.path / "broken.json").write_text("{not json")
    assert ids.directory.get("A1") is not None
    assert ids.directory.get("nobody") is None
