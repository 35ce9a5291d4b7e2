"""Chinese reply text built from records. Pure functions: no Rasa, no database."""

from __future__ import annotations

import json
from typing import Any, Iterable, Optional

from bot import intents, settings

ARTICLE_SOURCE = "长江日报2026年2月4日关于《武汉市数智经济发展行动方案(2026—2028年)》的报道"

# What each service question asks for, and the follow-up buttons offered after an answer.
ASPECT_QUESTIONS = {
    intents.ASK_SERVICE_MATERIALS: "需要带什么材料？",
    intents.ASK_SERVICE_WHERE: "在哪里办？",
    intents.ASK_SERVICE_ONLINE: "能网上办吗？",
    intents.ASK_SERVICE_TIME_LIMIT: "多久能办好？",
    intents.ASK_SERVICE_FEE: "收费吗？",
}


def hotline() -> str:
    return settings.get("HOTLINE_NUMBER")


def confirm_line(demo: bool) -> str:
    if demo:
        return f"以上为示例信息，尚未经主管部门逐项核实，办理前请拨打{hotline()}或到窗口确认。"
    return f"如有变化以官方公布为准，可拨打{hotline()}咨询。"


def payload(intent: str, **entities: str) -> str:
    return f"/{intent}" + (json.dumps(entities, ensure_ascii=False) if entities else "")


def plan_answer(item: Any, children: Iterable[Any] = ()) -> str:
    lines = [item.statement]
    children = list(children)
    if children:
        lines.append("具体包括：" + "；".join(child.title for child in children[:10]) + "。")
    lines.append(f"出处：{ARTICLE_SOURCE}，原文：“{item.source_passage}”")
    return "\n".join(lines)


def service_answer(service: Any, aspect: str = intents.ASK_SERVICE, office: Optional[Any] = None) -> str:
    """Short and structured; the asked-for fact first, then where to confirm."""
    name = service.name
    materials = "；".join(service.materials)
    if aspect == intents.ASK_SERVICE_MATERIALS:
        body = [f"办理{name}需要带：{materials}。"]
    elif aspect == intents.ASK_SERVICE_WHERE:
        body = [f"{name}的办理地点：{service.where}。", f"网上办：{service.online}"]
    elif aspect == intents.ASK_SERVICE_FEE:
        body = [f"{name}的费用：{service.fee}。"]
    elif aspect == intents.ASK_SERVICE_TIME_LIMIT:
        body = [f"{name}的办理时限：{service.time_limit}。"]
    elif aspect == intents.ASK_SERVICE_ONLINE:
        body = [f"{name}网上办理：{service.online}。"]
    elif aspect == intents.ASK_SERVICE_HOURS:
        body = [f"{name}请在工作时间到{service.where}办理，各窗口办公时间以现场公示为准。"]
    else:
        body = [
            f"【{name}】{service.description}",
            *([f"· 谁能办：{service.eligibility}"] if getattr(service, "eligibility", None) else []),
            f"· 带什么：{materials}",
            f"· 在哪办：{service.where}",
            f"· 网上办：{service.online}",
            f"· 多久办好：{service.time_limit}",
            f"· 费用：{service.fee}",
        ]
    if office is not None:
        body.append(f"{office.district}可到{office.name}办理，{office_details(office)}")
    body.append(confirm_line(service.demo))
    return "\n".join(body)


def service_buttons(service: Any, aspect: str) -> list[dict[str, str]]:
    return [
        {"title": question, "payload": payload(intent, service=service.name)}
        for intent, question in ASPECT_QUESTIONS.items()
        if intent != aspect
    ][:3]


def office_details(office: Any) -> str:
    known = []
    if office.address:
        known.append(f"地址：{office.address}")
    if office.hours:
        known.append(f"办公时间：{office.hours}")
    if office.phone:
        known.append(f"电话：{office.phone}")
    if known:
        return "，".join(known) + "。"
    return f"具体地址和办公时间请拨打{hotline()}或查询武汉政务服务网确认。"


def office_answer(district: str, offices: list[Any]) -> str:
    if not offices:
        return f"暂时没有{district}政务服务中心的信息，请拨打{hotline()}咨询。"
    office = offices[0]
    lines = [
        f"{district}的综合办事大厅是{office.name}，可办理{len(office.services)}类常见业务。",
        office_details(office),
    ]
    if office.demo:
        lines.append(confirm_line(True))
    return "\n".join(lines)


def faq_answer(entry: Any) -> str:
    return entry.answer if not entry.demo else f"{entry.answer}\n{confirm_line(True)}"


def not_found() -> str:
    return f"不好意思，暂时没有这方面的信息。您可以换个说法再问，或拨打{hotline()}市民服务热线咨询。"


def ask_which_service() -> str:
    return "请问您想办理哪项业务呢？比如“补办身份证”“社保卡申领”“公积金提取”。"


def unknown_service(value: str) -> str:
    return f"没有找到“{value}”这项业务。请换个说法，比如“补办身份证”“社保卡申领”。"


def unknown_district(value: str) -> str:
    return f"没有找到“{value}”这个区。武汉有江岸、江汉、硚口、汉阳、武昌、青山、洪山等13个区和东湖高新区等功能区，请说具体的区名。"


def emergency_unknown() -> str:
    return "如有紧急情况，请立即拨打110报警或120急救！"


def instruction_refused() -> str:
    return (
        f"我只能解答武汉的办事指南和数智经济行动方案，不能执行这类指令，也不会透露系统设置或他人的信息。"
        f"请告诉我您想办的事，或拨打{hotline()}咨询。"
    )


def did_you_mean() -> str:
    return "您是想问："


def shared_object(titles: list[str]) -> str:
    """The object several record names share, said once ("居民身份证" of 补领 and 首次申领): whole words
    only, and only when what follows each is an action (data/lexicon/situations.yml), so that 社会保障卡
    and 社会保险 share nothing."""
    from bot import normalise
    from bot.resolver.examples import situations

    words = [normalise.default_words().lcut(t) for t in titles]
    shared: list[str] = []
    for column in zip(*words):
        if len(set(column)) != 1:
            break
        shared.append(column[0])
    prefix = "".join(shared)
    actions = situations()
    rests = [t[len(prefix) :] for t in titles]
    if len(prefix) < 2 or not all(rest in actions for rest in rests):
        return ""
    return prefix


def call_choice(titles: list[str]) -> str:
    """An ask-back said on the telephone: the choices in one short question, a shared object named once
    ("您是想问居民身份证的补领，还是首次申领？")."""
    titles = [t.strip("？?") for t in titles if t and t != none_of_these()["title"]][:3]
    if not titles:
        return ""
    if len(titles) == 1:
        return f"您是想问{titles[0]}吗？"
    shared = shared_object(titles)
    if shared:
        rest = [t[len(shared) :] for t in titles]
        return f"您是想问{shared}的" + "、".join(rest[:-1]) + "，还是" + rest[-1] + "？"
    return "您是想问" + "、".join(titles[:-1]) + "，还是" + titles[-1] + "？"


def none_of_these() -> dict[str, str]:
    # Rasa's two-stage fallback treats out_of_scope as "no, none of these"
    return {"title": "都不是", "payload": f"/{intents.OUT_OF_SCOPE}"}


def apology() -> str:
    """The one apology, whatever failed: the records, Rasa, the action server or a store."""
    return f"抱歉，系统暂时无法回答您的问题，请稍后再试，或直接拨打{hotline()}市民服务热线。"


def too_busy() -> str:
    return f"您发送消息太频繁了，请稍等一分钟再试。急事请直接拨打{hotline()}市民服务热线。"


# ---- what the channels say themselves, before or without asking Rasa (bot/channels/) ----
EMPTY_MESSAGE = "您好像还没有输入内容。请问有什么可以帮您？"
FEEDBACK_THANKS = "感谢您的评价！"
FEEDBACK_NOT_SAVED = "评价暂时无法保存，请稍后再试。"


def too_long(limit: int) -> str:
    return f"您的消息有点长（超过{limit}字），请简要说一下想办的事或想问的问题。"


# on the telephone: short, for the ear, no brackets
CALL_RATING_PROMPT = "请为本次服务评价：非常满意请按5，满意按4，一般按3，不满意按2，非常不满意按1。"
CALL_TOO_LONG = "不好意思，您说的内容有点长，请简单说一下想办的事或想问的问题。"
CALL_RATING_THANKS = "感谢您的评价，再见！"
CALL_KEYS_HINT = "按0可以转人工服务；有问题也可以直接说出来。"
CALL_SILENCE = "您好，请问您还在吗？有什么可以帮您？也可以按0转人工。"
CALL_NOT_HEARD = "不好意思，没有听清，请您再说一遍。"
CALL_SAY_AGAIN = "好的，请您再说一遍。"


def call_heard_right(text: str) -> str:
    return f"不好意思，我听到的是：“{text[:40]}”，对吗？请说“对”或“不对”。"


INTENT_LABELS = intents.INTENT_LABELS
