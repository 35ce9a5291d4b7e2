"""Turning search hits into one answer, a short list of choices, or nothing."""

from __future__ import annotations

from typing import Optional

from bot.records.search import Hit

# Answer the top hit when it covers the question well and clearly beats the rest; offer the close
# ones as choices; below RELEVANT_COVERAGE nothing is relevant. Ranks are 0..1 on both databases.
CONFIDENT_COVERAGE = 0.6
CLOSE_MARGIN = 0.15
RELEVANT_COVERAGE = 0.3
LEADING_COVERAGE = 0.4
RANK_LEAD = 1.25
MAX_CHOICES = 3


def decide(hits: list[Hit]) -> tuple[Optional[Hit], list[Hit]]:
    """(confident hit or None, close alternatives)."""
    relevant = [h for h in hits if h.coverage >= RELEVANT_COVERAGE]
    if not relevant:
        return None, []
    top = relevant[0]
    close = [h for h in relevant[1:] if h.coverage >= top.coverage - CLOSE_MARGIN]
    runner_up = relevant[1].rank if len(relevant) > 1 else 0.0
    if top.coverage >= CONFIDENT_COVERAGE and not close:
        return top, []
    if top.coverage >= LEADING_COVERAGE and top.rank >= RANK_LEAD * runner_up:
        return top, []
    return None, relevant[:MAX_CHOICES]
