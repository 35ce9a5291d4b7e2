"""Chinese reply text built from records. Pure functions: no Rasa, no database."""
from __future__ import annotations

import json
from typing import Any, Iterable

from bot import settings

ARTICLE_SOURCE = "长江日报2026年2月4日关于《武汉市数智经济发展行动方案(2026—2028年)》的报道"


def hotline() -> str:
    return settings.get("HOTLINE_NUMBER")


def confirm_line(demo: bool) -> str:
    if demo:
        return f"以上为示例信息，尚未经主管部门逐项核实，办理前请拨打{hotline()}或到窗口确认。"
    return f"如有变化以官方公布为准，可拨打{hotline()}咨询。"


def plan_answer(item: Any, children: Iterable[Any] = ()) -> str:
    lines = [item.statement]
    children = list(children)
    if children:
        lines.append("具体包括：" + "；".join(child.title for child in children[:10]) + "。")
    lines.append(f"出处：{ARTICLE_SOURCE}，原文：“{item.source_passage}”")
    return "\n".join(lines)


def service_answer(service: Any) -> str:
    materials = "；".join(service.materials)
    lines = [
        f"【{service.name}】{service.description}",
        f"· 带什么：{materials}",
        f"· 在哪办：{service.where}",
        f"· 网上办：{service.online}",
        f"· 多久办好：{service.time_limit}",
        f"· 费用：{service.fee}",
        confirm_line(service.demo),
    ]
    return "\n".join(lines)


def faq_answer(entry: Any) -> str:
    return entry.answer if not entry.demo else f"{entry.answer}\n{confirm_line(True)}"


def not_found() -> str:
    return f"不好意思，暂时没有这方面的信息。您可以换个说法再问，或拨打{hotline()}市民服务热线咨询。"


def ask_which_service() -> str:
    return "请问您想办理哪项业务呢？比如“补办身份证”“社保卡申领”“公积金提取”。"


def did_you_mean() -> str:
    return "您是想问："


def unavailable() -> str:
    return f"抱歉，系统暂时查不到资料，请稍后再试，或直接拨打{hotline()}市民服务热线。"


def intent_payload(intent: str, entity: str, value: str) -> str:
    return f"/{intent}" + json.dumps({entity: value}, ensure_ascii=False)
