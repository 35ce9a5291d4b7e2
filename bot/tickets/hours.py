"""Whether human agents are on duty now (HANDOFF_HOURS, HANDOFF_WEEKDAYS, in Wuhan time)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

WUHAN = ZoneInfo("Asia/Shanghai")


def parse_hours(spec: str) -> tuple[dt.time, dt.time]:
    start, _, end = spec.partition("-")
    h1, m1 = (int(x) for x in start.strip().split(":"))
    h2, m2 = (int(x) for x in end.strip().split(":"))
    end_time = dt.time(23, 59, 59) if (h2, m2) == (24, 0) else dt.time(h2, m2)
    return dt.time(h1, m1), end_time


def parse_weekdays(spec: str) -> set[int]:
    """'1-5' or '1,3,5' (1 = Monday)."""
    days: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        if "-" in part:
            a, b = part.split("-")
            days.update(range(int(a), int(b) + 1))
        elif part:
            days.add(int(part))
    return days


def on_duty(now: dt.datetime, hours: str, weekdays: str) -> bool:
    local = now.astimezone(WUHAN)
    start, end = parse_hours(hours)
    return local.isoweekday() in parse_weekdays(weekdays) and start <= local.time() <= end


def describe(hours: str, weekdays: str) -> str:
    names = "一二三四五六日"
    days = sorted(parse_weekdays(weekdays))
    if days == list(range(1, 8)):
        day_text = "每天"
    elif days and days == list(range(days[0], days[-1] + 1)):
        day_text = f"周{names[days[0] - 1]}至周{names[days[-1] - 1]}"
    else:
        day_text = "、".join(f"周{names[d - 1]}" for d in days)
    return f"{day_text} {hours}"
