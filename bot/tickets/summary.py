"""A short Chinese summary of what the resident wants, for the agent who takes over."""

from __future__ import annotations

from typing import Optional

from bot.intents import COMPLAINT, HANDOFF_REASONS, INTENT_LABELS, REQUEST_HUMAN
from bot.privacy import mask


def summarise(reason: str, intents: list[str], slots: dict, last_question: Optional[str]) -> str:
    topics = [INTENT_LABELS[i] for i in intents if i in INTENT_LABELS and i not in (REQUEST_HUMAN, COMPLAINT)]
    parts = []
    subject = "、".join(dict.fromkeys(topics[-2:])) if topics else ""
    detail = "，".join(
        f"{label}：{slots[key]}"
        for key, label in (("service", "业务"), ("district", "区域"), ("plan_project", "工程"), ("metric", "指标"))
        if slots.get(key)
    )
    if subject:
        parts.append(f"市民咨询{subject}" + (f"（{detail}）" if detail else "") + "。")
    elif detail:
        parts.append(f"市民咨询（{detail}）。")
    else:
        parts.append("市民尚未说明具体问题。")
    if last_question:
        short = mask(last_question.strip())
        parts.append(f"最后一句：“{short[:60]}{'…' if len(short) > 60 else ''}”。")
    parts.append(f"转人工原因：{HANDOFF_REASONS.get(reason, reason)}。")
    return "".join(parts)
