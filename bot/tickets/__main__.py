"""`python -m bot.tickets list|export`: handoff tickets waiting for a human agent."""

from __future__ import annotations

import argparse
import csv
import json
import sys

from bot.tickets import store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.tickets")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="open tickets, oldest first")
    exp = sub.add_parser("export", help="open tickets with their full handoff package")
    exp.add_argument("--format", choices=["json", "csv"], default="json")
    exp.add_argument("--output", "-o", default="-", help="file, or - for standard output")
    args = parser.parse_args(argv)
    tickets = store.open_tickets()
    if args.command == "list":
        if not tickets:
            print("No open tickets.")
        for t in tickets:
            print(f"{t.id}  {t.created_at:%Y-%m-%d %H:%M}  {t.mode:8s} {t.reason:18s} {t.channel:8s} {t.summary}")
        return 0
    packages = [store.package(t) for t in tickets]
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8", newline="")
    try:
        if args.format == "json":
            json.dump(packages, out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            writer = csv.writer(out)
            writer.writerow(["ticket_id", "created_at", "mode", "reason", "channel", "summary", "transcript"])
            for p in packages:
                writer.writerow(
                    [
                        p["ticket_id"],
                        p["created_at"],
                        p["mode"],
                        p["reason"],
                        p["channel"],
                        p["summary"],
                        " / ".join(f"{line['speaker']}：{line['text']}" for line in p["transcript"]),
                    ]
                )
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
