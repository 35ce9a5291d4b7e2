"""Plain-Chinese names of what residents ask, for clarification buttons and handoff summaries."""

INTENT_LABELS = {
    "ask_service": "怎么办理某项业务",
    "ask_service_materials": "办事要带什么材料",
    "ask_service_where": "在哪里办理",
    "ask_service_hours": "办公时间",
    "ask_service_fee": "办事收费",
    "ask_service_time_limit": "多久能办好",
    "ask_service_online": "能否网上办理",
    "ask_office": "政务服务中心在哪",
    "ask_hotline": "市民服务热线",
    "ask_plan_overview": "数智经济行动方案概况",
    "ask_plan_target": "行动方案的2028年目标",
    "ask_plan_project": "八大工程",
    "ask_plan_department": "各部门的举措",
    "ask_plan_agent": "智能体",
    "ask_city_figures": "武汉数字经济的数据",
    "ask_plan_application": "数智技术的应用案例",
    "request_human": "转人工服务",
    "complaint": "投诉或意见",
}

HANDOFF_REASONS = {
    "resident_request": "市民要求人工服务",
    "complaint": "市民投诉或表达不满",
    "fallback": "助手连续两次没听懂",
    "silence": "电话中两次无应答",
    "dtmf_0": "来电按0转人工",
    "emergency": "紧急情况",
    "flow": "需要人工办理",
}
