"""Generated input against every HTTP endpoint of the running assistant: never a 500.

Each endpoint gets 1,000 generated requests: bodies of every JSON shape, well-formed messages with
arbitrary Unicode (emoji, control characters, traditional characters, injection strings, very
long text), raw bytes and wrong content types.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import HOTLINE_TOKEN

pytestmark = pytest.mark.servers
EXAMPLES = 1000
NASTY = st.sampled_from(
    [
        "<img src=x onerror=alert(1)>",
        "'; DROP TABLE services; --",
        '" OR 1=1 --',
        "{{7*7}}",
        "${jndi:ldap://x}",
        "😀" * 50,
        "\x00\x01\x02",
        "身份證掉了怎麼辦",
        "AI產業 scale?",
        "办" * 3000,
        "%s%s%n",
        "../../etc/passwd",
    ]
)
TEXT = st.one_of(
    st.text(max_size=300),
    NASTY,
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=60),
)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=10,
)


def message_bodies():
    well_formed = st.fixed_dictionaries({"sender": st.from_regex(r"\A[a-z0-9]{1,12}\Z"), "message": TEXT})
    loose = st.dictionaries(st.sampled_from(["sender", "message", "metadata", "x"]), JSON_VALUE, max_size=4)
    return st.one_of(well_formed, loose, JSON_VALUE)


def hotline_bodies():
    well_formed = st.fixed_dictionaries(
        {
            "call_id": st.from_regex(r"\Afuzz-[a-z0-9]{1,8}\Z"),
            "event": st.sampled_from(["start", "message", "silence", "dtmf", "hangup", "other", ""]),
        },
        optional={
            "text": TEXT,
            "asr_confidence": st.one_of(st.floats(allow_nan=False), st.integers(), TEXT),
            "digits": st.one_of(st.text(alphabet="0123456789*#", max_size=4), TEXT),
        },
    )
    return st.one_of(well_formed, well_formed, JSON_VALUE)


def raw_requests():
    return st.tuples(
        st.binary(max_size=200),
        st.sampled_from(["application/json", "text/plain", "", "application/x-www-form-urlencoded"]),
    )


SENT: dict[str, int] = {}


def check(assistant, path, body=None, raw=None, content_type="application/json", headers=None):
    SENT[path] = SENT.get(path, 0) + 1
    data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass")
    status, _ = assistant.post(path, None, raw=data, headers={"Content-Type": content_type, **(headers or {})})
    assert status < 500, (path, body if raw is None else raw, status)


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("path", ["/webhooks/rest/webhook", "/webhooks/web/webhook"])
def test_message_endpoints(assistant, path):
    @FUZZ
    @given(st.one_of(message_bodies().map(lambda b: ("json", b)), raw_requests().map(lambda r: ("raw", r))))
    def run(case):
        kind, value = case
        if kind == "json":
            check(assistant, path, body=value)
        else:
            check(assistant, path, raw=value[0], content_type=value[1])

    run()
    assert SENT[path] >= EXAMPLES, SENT


def test_feedback_endpoint(assistant):
    @FUZZ
    @given(
        st.one_of(
            st.fixed_dictionaries(
                {
                    "sender": st.from_regex(r"\A[a-z0-9]{1,12}\Z"),
                    "kind": st.sampled_from(["helpful", "rating", "x"]),
                    "value": JSON_VALUE,
                }
            ),
            JSON_VALUE,
        )
    )
    def run(body):
        check(assistant, "/webhooks/web/feedback", body=body)

    run()
    assert SENT["/webhooks/web/feedback"] >= EXAMPLES, SENT


def test_hotline_endpoint(assistant):
    @FUZZ
    @given(st.one_of(hotline_bodies().map(lambda b: ("json", b)), raw_requests().map(lambda r: ("raw", r))))
    def run(case):
        kind, value = case
        auth = {"Authorization": f"Bearer {HOTLINE_TOKEN}"}
        if kind == "json":
            check(assistant, "/webhooks/hotline/webhook", body=value, headers=auth)
        else:
            check(assistant, "/webhooks/hotline/webhook", raw=value[0], content_type=value[1], headers=auth)

    run()
    assert SENT["/webhooks/hotline/webhook"] >= EXAMPLES, SENT
