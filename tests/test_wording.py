"""Resident-facing sentences take the city's numbers from settings, never typed into them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

from actions import replies
from bot import settings
from bot.channels import web
from bot.nlg import SettingsResponseGenerator
from tests.conftest import ROOT

DEFAULT_HOTLINE = settings.DEFAULTS["HOTLINE_NUMBER"][0]
SOURCES = [p for folder in ("bot", "actions") for p in sorted((ROOT / folder).rglob("*.py"))]
SETTINGS_FILE = ROOT / "bot" / "settings.py"


NUMBER = re.compile(rf"(?<!\d){DEFAULT_HOTLINE}(?!\d)")


def test_no_source_string_names_the_hotline_number():
    """Docstrings may name it as an example; a string the code uses may not."""
    found = []
    for path in SOURCES:
        if path == SETTINGS_FILE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and NUMBER.search(node.value)
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, found


def test_no_domain_response_or_web_page_names_the_hotline_number():
    texts = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in (ROOT / "domain").glob("*.yml")}
    texts.update({str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in web.STATIC.iterdir()})
    assert not [name for name, text in texts.items() if DEFAULT_HOTLINE in text]


def domain_responses() -> dict:
    responses: dict = {}
    for path in (ROOT / "domain").glob("*.yml"):
        responses.update((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {})
    return responses


def test_another_citys_number_reaches_every_sentence_that_names_the_hotline(monkeypatch):
    monkeypatch.setenv("HOTLINE_NUMBER", "96310")
    generator = SettingsResponseGenerator.__new__(SettingsResponseGenerator)
    generator.__init__(None, None)
    generator.responses = domain_responses()
    named = [name for name, variants in generator.responses.items() if "{hotline_number}" in variants[0]["text"]]
    assert len(named) >= 4, named
    for name in named:
        text = generator.generate_from_slots(name, {}, "rest")["text"]
        assert "96310" in text and "{" not in text, (name, text)
    assert "96310" in replies.apology() and "96310" in replies.too_busy()
    page = web.filled((web.STATIC / "index.html").read_text(encoding="utf-8"))
    script = web.filled((web.STATIC / "chat.js").read_text(encoding="utf-8"))
    assert "96310市民服务热线" in page and "96310市民服务热线" in script and "{{" not in page + script


def test_a_domain_placeholder_is_one_the_generator_fills():
    placeholders = {
        p for variants in domain_responses().values() for v in variants for p in re.findall(r"{(\w+)}", v["text"])
    }
    slots = set()
    for path in Path(ROOT / "domain").glob("*.yml"):
        slots |= set(((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("slots") or {}))
    from bot.nlg import service_numbers

    assert placeholders <= set(service_numbers()) | slots, placeholders - set(service_numbers()) - slots
