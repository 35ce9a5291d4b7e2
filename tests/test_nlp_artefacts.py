"""The NLU artefacts come from the records, and the training data agrees with them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.nlp.artefacts import build_spacy_pipeline, entity_terms, jieba_dictionary, nlu_records, spacy_patterns
from bot.records.loader import load_records
from tests.conftest import RECORDS_DIR, ROOT

RECORDS = load_records(RECORDS_DIR)
TERMS = entity_terms(RECORDS)
ANNOTATION = re.compile(r"\[([^\]]+)\]\((\w+)\)")


def annotated_examples():
    files = list((ROOT / "data" / "nlu").glob("*.yml")) + list((ROOT / "tests" / "stories").glob("*.yml"))
    for path in files:
        for text, kind in ANNOTATION.findall(path.read_text(encoding="utf-8")):
            yield path.name, text, kind


@pytest.mark.parametrize("source,text,kind", list(annotated_examples()))
def test_annotated_entity_is_a_record_term(source, text, kind):
    """An annotation the gazetteer cannot find would teach the model a span nobody extracts."""
    assert text in TERMS[kind], f"{source}: [{text}]({kind}) is not a name or alias in the records"


def test_jieba_dictionary_holds_every_name():
    words = {line.split()[0] for line in jieba_dictionary(RECORDS).splitlines()}
    for kind_terms in TERMS.values():
        assert set(kind_terms) <= words


def test_synonyms_map_aliases_to_official_names():
    content = yaml.safe_load(nlu_records(RECORDS))
    synonyms = {s["synonym"]: s["examples"] for s in content["nlu"] if "synonym" in s}
    service = next(s for s in RECORDS["services"] if s["aliases"])
    assert service["name"] in synonyms
    assert f"- {service['aliases'][0]}" in synonyms[service["name"]]


def test_spacy_gazetteer_finds_names_inside_sentences(tmp_path: Path):
    import spacy

    build_spacy_pipeline(spacy_patterns(RECORDS), tmp_path / "zh")
    nlp = spacy.load(tmp_path / "zh")
    service = next(s for s in RECORDS["services"] if s["aliases"])
    doc = nlp(f"请问在江汉区{service['aliases'][0]}怎么弄")
    found = {(e.label_, e.ent_id_) for e in doc.ents}
    assert ("service", service["name"]) in found
    assert ("district", "江汉区") in found
    assert {(e.label_, e.ent_id_) for e in nlp("武汉ai产业搞到多大").ents} == {("metric", "2028年人工智能产业规模")}


def test_a_term_claimed_by_two_records_is_not_guessed():
    records = {k: [dict(r) for r in v] for k, v in RECORDS.items()}
    records["services"][0]["aliases"] = ["同一个说法"]
    records["services"][1]["aliases"] = ["同一个说法"]
    assert "同一个说法" not in entity_terms(records)["service"]


def test_a_records_change_regenerates_the_artefacts_and_calls_for_training(tmp_path, monkeypatch):
    import shutil

    import bot.training as training
    from bot.nlp.artefacts import generate

    for entry in ("config.yml", "domain", "data", "bot"):
        source = ROOT / entry
        (tmp_path / entry).parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / entry)
    build = tmp_path / "build"
    assert len(generate(RECORDS, build)) == 3
    monkeypatch.setattr(training, "ROOT", tmp_path)
    before = training.inputs_digest()
    assert generate(RECORDS, build) == [], "unchanged records rewrite nothing, so nothing retrains"
    assert training.inputs_digest() == before

    records = {k: [dict(r) for r in v] for k, v in RECORDS.items()}
    records["services"][0]["aliases"] = [*records["services"][0]["aliases"], "办个狗证"]
    changed = generate(records, build)
    assert str(build / "jieba" / "userdict.txt") in changed and str(build / "nlu" / "records.yml") in changed
    assert "办个狗证" in (build / "jieba" / "userdict.txt").read_text(encoding="utf-8")
    assert "办个狗证" in (build / "nlu" / "records.yml").read_text(encoding="utf-8")
    assert training.inputs_digest() != before, "the model is retrained after a records change"
