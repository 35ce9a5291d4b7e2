"""The edge's checks on their own: framing, JSON shapes, inflation, masking cost by size."""

from __future__ import annotations

import time
import zlib

import pytest

from bot.action_server import call_problem, inflate
from bot.http import json_input
from bot.http.framing import Refusal, check_head
from bot.privacy import mask


def head(*headers: str) -> bytes:
    return ("POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\n" + "\r\n".join(headers)).encode()


@pytest.mark.parametrize(
    "headers, status",
    [
        (["Content-Length: -1"], 400),
        (["Content-Length: abc"], 400),
        (["Content-Length: +5"], 400),
        (["Content-Length: 0x10"], 400),
        (["Content-Length: 5", "Content-Length: 6"], 400),
        (["Content-Length: 5", "Content-Length: 5"], 400),
        (["Content-Length: 5, 5"], 400),
        (["Content-Length: 5", "Transfer-Encoding: chunked"], 400),
        (["Transfer-Encoding: Chunked"], 400),
        (["Transfer-Encoding: gzip, chunked"], 400),
        (["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"], 400),
        (["Content-Length : 5"], 400),
        (["Content-Length: 2000000"], 413),
    ],
)
def test_invalid_or_ambiguous_framing_is_refused(headers, status):
    with pytest.raises(Refusal) as refused:
        check_head(head(*headers), max_body_bytes=1024 * 1024)
    assert refused.value.status == status and "请求" in str(refused.value)


@pytest.mark.parametrize(
    "headers",
    [
        ["Content-Length: 0"],
        ["Content-Length: 17"],
        ["content-length:17 "],
        ["Transfer-Encoding: chunked"],
        ["Accept: */*"],
    ],
)
def test_valid_framing_passes(headers):
    check_head(head(*headers), max_body_bytes=1024 * 1024)


@pytest.mark.parametrize("body", [b"[" * 1001 + b"]" * 1001, b"[" * 50 + b"]" * 50, b'{"a":' * 40 + b"1" + b"}" * 40])
def test_deep_nesting_is_refused_without_recursion(body):
    with pytest.raises(json_input.BadJson, match="嵌套过深"):
        json_input.loads(body)


def test_nesting_within_the_limit_is_read():
    assert json_input.loads(b"[" * 32 + b"]" * 32) is not None


@pytest.mark.parametrize("body", [b'{"message": "\\ud800"}', b'{"\\udfff": 1}', b'["a\\udc00b"]'])
def test_lone_surrogates_are_refused(body):
    with pytest.raises(json_input.BadJson, match="编码"):
        json_input.loads(body)


@pytest.mark.parametrize("body, reason", [(b"\xff\xfe", "UTF-8"), (b"{", "JSON"), (b"1" * 5000, "JSON")])
def test_undecodable_bodies_are_refused(body, reason):
    with pytest.raises(json_input.BadJson, match=reason):
        json_input.loads(body)


def test_a_deflate_bomb_stops_at_the_limit():
    bomb = zlib.compress(b" " * 50_000_000, 9)
    with pytest.raises(OverflowError):
        inflate(bomb, 1024 * 1024)
    assert inflate(zlib.compress(b'{"a": 1}'), 1024) == b'{"a": 1}'
    with pytest.raises(json_input.BadJson):
        inflate(b"not deflate", 1024)


@pytest.mark.parametrize(
    "call",
    [
        [],
        {"tracker": {}},
        {"next_action": 1, "tracker": {}},
        {
            "next_action": "action_handoff",
            "tracker": {"sender_id": "a", "slots": [], "latest_message": {}, "events": []},
        },
        {
            "next_action": "action_handoff",
            "tracker": {"sender_id": "a", "slots": {}, "latest_message": {}, "events": [1]},
        },
        {
            "next_action": "action_handoff",
            "domain": [],
            "tracker": {"sender_id": "a", "slots": {}, "latest_message": {}, "events": []},
        },
    ],
)
def test_malformed_action_calls_are_named(call):
    assert call_problem(call)


def test_a_well_formed_action_call_passes():
    call = {
        "next_action": "action_handoff",
        "domain": {},
        "tracker": {
            "sender_id": "a",
            "slots": {},
            "latest_message": {},
            "events": [{"event": "action"}],
            "active_loop": None,
        },
    }
    assert call_problem(call) is None


def _seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        mask(text)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize(
    "adversarial",
    [
        "a" * 65000,
        "1" * 65000,
        "a@" * 32500,
        "a." * 32500,
        "1 " * 32500,
        "1-" * 32500,
        "a@a." * 16250,
        "x@" + "a-" * 32499,
        "我叫王" * 21000,
        "1 " * 16000 + "室" * 100,
        "鄂A1 " * 16000,
        "QQ1 " * 16000,
    ],
    ids=lambda text: repr(text[:6]),
)
def test_masking_cost_grows_with_size_not_faster(adversarial):
    normal = ("我想问一下社保卡补办要带什么材料，在哪里办？" * 3000)[: len(adversarial)]
    # the e-mail pattern took 5 s on 64 KB of "a" before; linear patterns stay near the normal text's cost
    assert _seconds(adversarial) < 5 * _seconds(normal) + 0.01


def test_the_sliding_window_limits_each_key_and_forgets_after_a_minute():
    from bot.channels.limits import SlidingWindow

    window = SlidingWindow(3, window=60.0, max_keys=2)
    assert [window.allow("a", now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert window.allow("b", now=3)  # another key has its own count
    assert window.allow("a", now=60.5)  # the first hit has left the window
    window.allow("c", now=61)
    assert len(window.hits) == 2  # memory bounded: the least recently used key is dropped


def test_the_client_address_behind_a_trusted_proxy(monkeypatch):
    from types import SimpleNamespace

    from bot.channels.limits import client_address

    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1")
    behind = SimpleNamespace(ip="127.0.0.1", headers={"x-real-ip": "203.0.113.9"})
    spoofed = SimpleNamespace(ip="198.51.100.7", headers={"x-real-ip": "203.0.113.9"})
    assert client_address(behind) == "203.0.113.9" and client_address(spoofed) == "198.51.100.7"


def test_a_transfer_coding_with_trailing_space_is_refused():
    with pytest.raises(Refusal):
        check_head(head("Transfer-Encoding: chunked "), max_body_bytes=1024)


@pytest.mark.parametrize("given", ["é", "\udcff", "", "secret ", "secre"])
def test_secrets_compare_any_bytes_without_failing(given):
    from bot.http.secrets import same_secret

    assert same_secret(given, "secret") is False
    assert same_secret("secret", "secret") and not same_secret("", "")
