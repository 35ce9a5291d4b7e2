"""Answering from the records: shared by the question actions, follow-ups and clarification."""

from __future__ import annotations

from typing import Optional

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions import choices, replies
from bot import intents
from bot.records import queries
from bot.records.search import Hit

# Which kinds of plan item each plan question is about, most likely first.
PLAN_KINDS = {
    intents.ASK_PLAN_OVERVIEW: ("overview", "path", "measure", "concept"),
    intents.ASK_PLAN_TARGET: ("target",),
    intents.ASK_PLAN_PROJECT: ("project",),
    intents.ASK_PLAN_DEPARTMENT: ("measure",),
    intents.ASK_PLAN_AGENT: ("concept", "application"),
    intents.ASK_CITY_FIGURES: ("city_figure",),
    intents.ASK_PLAN_APPLICATION: ("application",),
}
# When a plan question names nothing specific, the item that answers it in general.
PLAN_GENERAL = {
    intents.ASK_PLAN_OVERVIEW: "overview-action-plan",
    intents.ASK_PLAN_PROJECT: "project-eight-major-projects",
    intents.ASK_PLAN_AGENT: "concept-intelligent-agent",
}


def service(dispatcher: CollectingDispatcher, s: Session, record, aspect: str, district: Optional[str]) -> None:
    office = None
    if district:
        office = next((o for o in queries.offices_in_district(s, district) if record.id in o.services), None)
    dispatcher.utter_message(
        text=replies.service_answer(record, aspect, office),
        buttons=replies.service_buttons(record, aspect),
    )


def office(dispatcher: CollectingDispatcher, s: Session, district: str) -> None:
    dispatcher.utter_message(text=replies.office_answer(district, queries.offices_in_district(s, district)))


def plan_item(dispatcher: CollectingDispatcher, s: Session, item) -> str:
    """Answer from one plan item; its title, for the conversation's `plan_item` slot."""
    children = (
        queries.plan_children(s, item.id)
        if item.kind in ("project", "overview", "measure") and not item.figures
        else []
    )
    dispatcher.utter_message(text=replies.plan_answer(item, children))
    return item.title


def plan_targets(dispatcher: CollectingDispatcher, s: Session) -> None:
    targets = queries.plan_items_of_kind(s, "target")
    lines = ["到2028年，《武汉市数智经济发展行动方案(2026—2028年)》的主要目标："]
    lines += [f"{n}. {t.statement}" for n, t in enumerate(targets, start=1)]
    lines.append(f"出处：{replies.ARTICLE_SOURCE}")
    dispatcher.utter_message(text="\n".join(lines))


def plan_hits_by_kind(s: Session, hits: list[Hit], kinds: tuple[str, ...]) -> list[Hit]:
    return [h for h in hits if (item := queries.plan_item(s, h.record_id)) is not None and item.kind in kinds]


def plan_question(
    dispatcher: CollectingDispatcher, s: Session, intent: str, term: Optional[str], text: str
) -> Optional[str]:
    """Answer a question about the plan; the title of the one item answered, if one was."""
    items = queries.plan_items_by_term(s, term) if term else []
    if items:
        return plan_item(dispatcher, s, items[0])
    hits = queries.search(s, text, kinds=["plan_item"], limit=10)
    preferred = plan_hits_by_kind(s, hits, PLAN_KINDS.get(intent, ()))
    top, close = choices.decide(preferred)
    if top is None and not close:
        # nothing of the kind asked about: a general answer where there is one, else any record
        if intent == intents.ASK_PLAN_TARGET:
            plan_targets(dispatcher, s)
            return None
        if intent in PLAN_GENERAL:
            return plan_item(dispatcher, s, queries.plan_item(s, PLAN_GENERAL[intent]))
        top, close = choices.decide(hits)
    if top:
        return plan_item(dispatcher, s, queries.plan_item(s, top.record_id))
    if close:
        dispatcher.utter_message(text=replies.did_you_mean(), buttons=choice_buttons(close))
    else:
        dispatcher.utter_message(text=replies.not_found())
    return None


def choice_buttons(hits: list[Hit]) -> list[dict[str, str]]:
    buttons = []
    for hit in hits:
        if hit.kind == "service":
            buttons.append({"title": hit.title, "payload": replies.payload(intents.ASK_SERVICE, service=hit.title)})
        elif hit.kind == "plan_item":
            buttons.append(
                {"title": hit.title, "payload": replies.payload(intents.ASK_PLAN_OVERVIEW, plan_item=hit.title)}
            )
        elif hit.kind == "faq" and hit.record_id.startswith("hotline"):
            buttons.append({"title": hit.title, "payload": replies.payload(intents.ASK_HOTLINE)})
    return buttons


def from_search(dispatcher: CollectingDispatcher, s: Session, text: str) -> bool:
    """Answer the resident's words from any record; False when nothing relevant was found."""
    hits = queries.search(s, text)
    top, close = choices.decide(hits)
    if top is None:
        buttons = choice_buttons(close)
        if not buttons:
            return False
        dispatcher.utter_message(text=replies.did_you_mean(), buttons=buttons + [replies.none_of_these()])
        return True
    answer_hit(dispatcher, s, top)
    return True


def answer_hit(dispatcher: CollectingDispatcher, s: Session, top: Hit) -> None:
    """Answer from the record a search hit names."""
    if top.kind == "service":
        service(dispatcher, s, queries.service(s, top.record_id), intents.ASK_SERVICE, None)
    elif top.kind == "plan_item":
        plan_item(dispatcher, s, queries.plan_item(s, top.record_id))
    elif top.kind == "faq":
        dispatcher.utter_message(text=replies.faq_answer(queries.faq(s, top.record_id)))
    elif top.kind == "office":
        office(dispatcher, s, queries.office(s, top.record_id).district)
