"""Intent names, their groups, and their plain-Chinese labels: the one home of each.

The domain files (domain/*.yml) are the other side of the contract: tests/test_intents.py checks
that every domain intent has its constant here and that no module spells an intent name itself.
"""

GREET = "greet"
GOODBYE = "goodbye"
THANK = "thank"
BOT_CHALLENGE = "bot_challenge"
AFFIRM = "affirm"
DENY = "deny"
REQUEST_HUMAN = "request_human"
COMPLAINT = "complaint"
OUT_OF_SCOPE = "out_of_scope"
CHITCHAT = "chitchat"
INFORM = "inform"
NLU_FALLBACK = "nlu_fallback"
ASK_HOTLINE = "ask_hotline"
ASK_OFFICE = "ask_office"
ASK_SERVICE = "ask_service"
ASK_SERVICE_MATERIALS = "ask_service_materials"
ASK_SERVICE_WHERE = "ask_service_where"
ASK_SERVICE_HOURS = "ask_service_hours"
ASK_SERVICE_FEE = "ask_service_fee"
ASK_SERVICE_TIME_LIMIT = "ask_service_time_limit"
ASK_SERVICE_ONLINE = "ask_service_online"
ASK_PLAN_OVERVIEW = "ask_plan_overview"
ASK_PLAN_TARGET = "ask_plan_target"
ASK_PLAN_PROJECT = "ask_plan_project"
ASK_PLAN_DEPARTMENT = "ask_plan_department"
ASK_PLAN_AGENT = "ask_plan_agent"
ASK_CITY_FIGURES = "ask_city_figures"
ASK_PLAN_APPLICATION = "ask_plan_application"
# what the dialogue sees for every danger, with one emergency_type entity each (bot/nlp/emergency.py)
EMERGENCY = "emergency"
# the intent model's own guesses per kind of danger (emergency_fire, …): trained on, never decided on
EMERGENCY_TRAINING_PREFIX = "emergency_"
INSULT = "insult"
ASK_ADVICE = "ask_advice"
SENSITIVE = "sensitive"
# a message that instructs the assistant (bot/safety/instructions.py), never predicted by the model
INSTRUCTION = "instruction"

SERVICE_INTENTS = (
    ASK_SERVICE,
    ASK_SERVICE_MATERIALS,
    ASK_SERVICE_WHERE,
    ASK_SERVICE_HOURS,
    ASK_SERVICE_FEE,
    ASK_SERVICE_TIME_LIMIT,
    ASK_SERVICE_ONLINE,
)
PLAN_INTENTS = (
    ASK_PLAN_OVERVIEW,
    ASK_PLAN_TARGET,
    ASK_PLAN_PROJECT,
    ASK_PLAN_DEPARTMENT,
    ASK_PLAN_AGENT,
    ASK_CITY_FIGURES,
    ASK_PLAN_APPLICATION,
)
QUESTION_INTENTS = SERVICE_INTENTS + PLAN_INTENTS + (ASK_OFFICE, ASK_HOTLINE)

# why a conversation went to a person: keys of HANDOFF_REASONS
REASON_RESIDENT_REQUEST = "resident_request"
REASON_COMPLAINT = "complaint"
REASON_FALLBACK = "fallback"
REASON_SILENCE = "silence"
REASON_DTMF_0 = "dtmf_0"
REASON_EMERGENCY = "emergency"
REASON_FLOW = "flow"

INTENT_LABELS = {
    ASK_SERVICE: "怎么办理某项业务",
    ASK_SERVICE_MATERIALS: "办事要带什么材料",
    ASK_SERVICE_WHERE: "在哪里办理",
    ASK_SERVICE_HOURS: "办公时间",
    ASK_SERVICE_FEE: "办事收费",
    ASK_SERVICE_TIME_LIMIT: "多久能办好",
    ASK_SERVICE_ONLINE: "能否网上办理",
    ASK_OFFICE: "政务服务中心在哪",
    ASK_HOTLINE: "市民服务热线",
    ASK_PLAN_OVERVIEW: "数智经济行动方案概况",
    ASK_PLAN_TARGET: "行动方案的2028年目标",
    ASK_PLAN_PROJECT: "八大工程",
    ASK_PLAN_DEPARTMENT: "各部门的举措",
    ASK_PLAN_AGENT: "智能体",
    ASK_CITY_FIGURES: "武汉数字经济的数据",
    ASK_PLAN_APPLICATION: "数智技术的应用案例",
    REQUEST_HUMAN: "转人工服务",
    COMPLAINT: "投诉或意见",
}

HANDOFF_REASONS = {
    REASON_RESIDENT_REQUEST: "市民要求人工服务",
    REASON_COMPLAINT: "市民投诉或表达不满",
    REASON_FALLBACK: "助手连续两次没听懂",
    REASON_SILENCE: "电话中两次无应答",
    REASON_DTMF_0: "来电按0转人工",
    REASON_EMERGENCY: "紧急情况",
    REASON_FLOW: "需要人工办理",
}
