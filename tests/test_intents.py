"""Intent names live in bot/intents.py alone, and agree with the domain."""

from __future__ import annotations

import ast

import yaml

from bot import intents
from tests.conftest import ROOT


def domain_intents() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "domain").glob("*.yml"):
        for entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("intents") or []:
            found.add(entry if isinstance(entry, str) else next(iter(entry)))
    return found


def declared() -> dict[str, str]:
    return {
        name: value
        for name, value in vars(intents).items()
        if name.isupper() and isinstance(value, str) and not name.startswith("REASON_")
        if name != "EMERGENCY_TRAINING_PREFIX"
    }


def test_every_domain_intent_has_its_constant_and_every_constant_its_intent():
    domain = domain_intents()
    training_only = {i for i in domain if i.startswith(intents.EMERGENCY_TRAINING_PREFIX)}
    assert training_only, "the per-kind emergency intents are in the domain"
    assert set(declared().values()) == domain - training_only
    assert all(name.lower() == value for name, value in declared().items())


def test_groups_and_labels_name_only_declared_intents_and_reasons():
    names = set(declared().values())
    for group in (intents.SERVICE_INTENTS, intents.PLAN_INTENTS, intents.QUESTION_INTENTS):
        assert group and set(group) <= names
    assert set(intents.INTENT_LABELS) <= names
    reasons = {v for k, v in vars(intents).items() if k.startswith("REASON_")}
    assert set(intents.HANDOFF_REASONS) == reasons


def test_no_module_spells_an_intent_name_itself():
    """A string equal to an intent name (or its /payload) outside bot/intents.py fails, unless the
    line says `# not an intent` (a payload key or a kind of test case that happens to be spelt alike)."""
    names = domain_intents()
    found = []
    for folder in ("bot", "actions", "scripts"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "bot" / "intents.py":
                continue
            source = path.read_text(encoding="utf-8")
            lines = source.splitlines()
            for node in ast.walk(ast.parse(source)):
                if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                    continue
                if node.value in names or (node.value[:1] == "/" and node.value[1:] in names):
                    if "# not an intent" not in lines[node.lineno - 1]:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value}")
    assert not found, found
