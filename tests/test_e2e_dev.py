"""The blind dev split as a regression list: its pass rate through the REST channel may not fall."""

from __future__ import annotations

import time

import pytest
import yaml

from scripts import e2e_cases
from tests.conftest import REST_CLIENT_TOKEN

pytestmark = pytest.mark.servers


def test_the_dev_split_keeps_the_pass_rate_it_reached(assistant):
    reached = yaml.safe_load((e2e_cases.E2E / "reached.yml").read_text(encoding="utf-8"))["dev_cases_passed"]
    cases = e2e_cases.load("dev")
    client = e2e_cases.RestClient(assistant.base, REST_CLIENT_TOKEN)
    outcomes = e2e_cases.run(cases, client.send, e2e_cases.record_names(), nonce=str(time.time_ns()))
    passed = sum(o.passed for o in outcomes)
    print(f"dev split: {passed}/{len(cases)} cases passed")
    kinds = e2e_cases.by_kind(outcomes)
    assert passed >= reached, f"{passed}/{len(cases)} passed, {reached} reached before: " + ", ".join(
        f"{k} {ok}/{n}" for k, (ok, n) in kinds.items()
    )


def test_every_case_file_names_who_wrote_and_labelled_it_and_what_they_saw():
    for split in e2e_cases.SPLITS:
        for path in (e2e_cases.E2E / split).glob("*.yml"):
            head = path.read_text(encoding="utf-8").splitlines()[:2]
            assert head[0].startswith("# written by:") and "shown:" in head[0], path.name
            assert head[1].startswith("# labelled by:") and "shown:" in head[1], path.name


def test_judging_catches_a_wrong_fact_a_false_alarm_and_a_ticket():
    names = {"id-card-reissue": "居民身份证补领"}
    answer = {"type": "answer", "must": ["20元"], "must_not": ["60日"]}
    assert e2e_cases.judge(answer, e2e_cases.Turn(texts=["工本费20元"]), names) is None
    assert e2e_cases.judge(answer, e2e_cases.Turn(texts=["工本费20元，60日内"]), names).startswith("wrong fact")
    assert e2e_cases.judge(answer, e2e_cases.Turn(texts=["请问您想办理哪项业务"]), names).startswith("missing")
    assert (
        e2e_cases.judge({"type": "social"}, e2e_cases.Turn(texts=["您好"], emergency=True), names) == "false emergency"
    )
    assert (
        e2e_cases.judge({"type": "injection"}, e2e_cases.Turn(texts=["好"], handoff=True), names)
        == "ticket opened unasked"
    )
    back = {"type": "ask_back", "options": ["id-card-reissue"]}
    assert e2e_cases.judge(back, e2e_cases.Turn(texts=["您是想问："], buttons=["居民身份证补领"]), names) is None
    assert e2e_cases.judge(back, e2e_cases.Turn(texts=["您是想问："], buttons=["结婚登记"]), names) is not None
