"""End-to-end pass rates of the blind resident cases, per kind of question, through the REST channel.

Usage: .venv/bin/python scripts/evaluate_e2e.py [--splits dev,test] [--rasa-url URL --rest-token T]
       [--failures dev] [--json reports/e2e.json]
Without --rasa-url it starts its own assistant on free ports (as scripts/fuzz_requests.py does).
The test split is only reported: read a test case to fix something and it moves to dev
(tests/e2e/README.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import e2e_cases  # noqa: E402


def report(split: str, outcomes: list[e2e_cases.Outcome]) -> dict:
    kinds = e2e_cases.by_kind(outcomes)
    passed = sum(o.passed for o in outcomes)
    print(f"\n{split}: {passed}/{len(outcomes)} cases passed ({100 * passed / max(1, len(outcomes)):.0f}%)")
    for kind, (ok, total) in kinds.items():
        print(f"  {kind:13} {ok:3}/{total:<3} {100 * ok / total:4.0f}%")
    # what failed questions were answered with says what they were: never printed for test
    top = e2e_cases.magnets(outcomes).most_common(3) if split != "test" else []
    if top:
        print("  answers given most often to failed questions: " + "; ".join(f"{n}× {a}" for a, n in top))
    return {
        "passed": passed,
        "cases": len(outcomes),
        "kinds": {k: {"passed": v[0], "cases": v[1]} for k, v in kinds.items()},
        "magnets": top,
    }


def show_failures(outcomes: list[e2e_cases.Outcome]) -> None:
    for o in outcomes:
        if o.passed:
            continue
        print(f"\n[{o.case.id} {o.case.kind}]")
        for message, reply, failure in zip(o.case.turns, o.replies, o.failures):
            print(f"  > {message}\n    {reply.text[:160]!r}\n    {failure or 'ok'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--splits", default="dev,test")
    parser.add_argument("--rasa-url")
    parser.add_argument("--rest-token", default="")
    parser.add_argument(
        "--failures", default="", help="print the failed cases of dev (test failures are never printed)"
    )
    parser.add_argument("--json", default=str(ROOT / "reports" / "e2e.json"))
    args = parser.parse_args()
    process = None
    if args.rasa_url:
        base, token = args.rasa_url, args.rest_token
    else:
        from scripts.fuzz_requests import start_assistant

        process, env = start_assistant(Path(tempfile.mkdtemp(prefix="jiangcheng-e2e-")))
        base, token = f"http://127.0.0.1:{env['RASA_PORT']}", env["REST_CLIENT_TOKEN"]
    client = e2e_cases.RestClient(base, token)
    names = e2e_cases.record_names()
    results = {}
    try:
        for split in [s.strip() for s in args.splits.split(",") if s.strip()]:
            cases = e2e_cases.load(split)
            started = time.monotonic()
            outcomes = e2e_cases.run(cases, client.send, names, nonce=str(time.time_ns()))
            results[split] = report(split, outcomes)
            print(f"  ({time.monotonic() - started:.0f} s)")
            if split in args.failures.split(",") and split != "test":
                show_failures(outcomes)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=90)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
