"""What a valid record looks like, and precise errors when one is not.

Validation is plain Python so that a maintainer gets one message per problem naming the file,
the record and the field, before anything touches the database.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable, Optional

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class RecordProblem:
    file: str
    record: str  # "#3 (id: id-card-reissue)" or "-" for file-level problems
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: record {self.record}: field '{self.field}': {self.reason}"


class RecordsInvalid(Exception):
    """Raised with every problem found, so one run reports them all."""

    def __init__(self, problems: list[RecordProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


Checker = Callable[[Any], Optional[str]]  # returns a reason when the value is wrong


def text(value: Any) -> Optional[str]:
    if not isinstance(value, str) or not value.strip():
        return "must be a non-empty text"
    return None


def optional_text(value: Any) -> Optional[str]:
    return None if value is None else text(value)


def text_list(value: Any) -> Optional[str]:
    if not isinstance(value, list):
        return "must be a list of texts"
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            return f"item {i + 1} must be a non-empty text"
    return None


def nonempty_text_list(value: Any) -> Optional[str]:
    reason = text_list(value)
    if reason is None and not value:
        return "must list at least one item"
    return reason


def record_id(value: Any) -> Optional[str]:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        return "must be lowercase ASCII letters, digits and hyphens"
    return None


def boolean(value: Any) -> Optional[str]:
    return None if isinstance(value, bool) else "must be true or false"


def date(value: Any) -> Optional[str]:
    if isinstance(value, dt.date):
        return None
    if isinstance(value, str):
        try:
            dt.date.fromisoformat(value)
            return None
        except ValueError:
            pass
    return "must be a date written YYYY-MM-DD"


def optional_year(value: Any) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1949 <= value <= 2100:
        return "must be a year such as 2028, or null"
    return None


def one_of(*choices: str) -> Checker:
    def check(value: Any) -> Optional[str]:
        return None if value in choices else f"must be one of: {', '.join(choices)}"

    return check


def optional_id(value: Any) -> Optional[str]:
    return None if value is None else record_id(value)


FIGURE_FIELDS = {"metric", "value", "unit", "qualifier", "as_written"}


def figures(value: Any) -> Optional[str]:
    if not isinstance(value, list):
        return "must be a list of figures"
    for i, fig in enumerate(value, start=1):
        if not isinstance(fig, dict):
            return f"figure {i} must be a mapping"
        missing = FIGURE_FIELDS - set(fig)
        extra = set(fig) - FIGURE_FIELDS
        if missing:
            return f"figure {i} lacks {', '.join(sorted(missing))}"
        if extra:
            return f"figure {i} has unknown {', '.join(sorted(extra))}"
        if text(fig["metric"]):
            return f"figure {i}: metric must be a non-empty text"
        if isinstance(fig["value"], bool) or not isinstance(fig["value"], (int, float)):
            return f"figure {i}: value must be a number"
        if optional_text(fig["unit"]) or optional_text(fig["qualifier"]):
            return f"figure {i}: unit and qualifier must be texts or null"
        if text(fig["as_written"]):
            return f"figure {i}: as_written must be a non-empty text"
    return None


# table key in the YAML file -> {field: checker}; every field is required.
TABLES: dict[str, dict[str, Checker]] = {
    "districts": {
        "id": record_id,
        "name": text,
        "kind": one_of("district", "functional_zone"),
        "aliases": text_list,
        "source": text,
    },
    "services": {
        "id": record_id,
        "name": text,
        "aliases": text_list,
        "category": text,
        "description": text,
        "eligibility": text,
        "materials": nonempty_text_list,
        "where": text,
        "online": text,
        "time_limit": text,
        "fee": text,
        "legal_basis": text,
        "source": text,
        "verified_on": date,
        "demo": boolean,
    },
    "offices": {
        "id": record_id,
        "name": text,
        "district": text,
        "address": optional_text,
        "hours": optional_text,
        "phone": optional_text,
        "services": text_list,
        "source": text,
        "verified_on": date,
        "demo": boolean,
    },
    "plan_items": {
        "id": record_id,
        "kind": one_of("overview", "target", "project", "path", "measure", "city_figure", "application", "concept"),
        "title": text,
        "aliases": text_list,
        "parent": optional_id,
        "department": optional_text,
        "year": optional_year,
        "statement": text,
        "figures": figures,
        "source_passage": text,
    },
    "faq": {
        "id": record_id,
        "topic": text,
        "question": text,
        "aliases": text_list,
        "answer": text,
        "source": text,
        "verified_on": date,
        "demo": boolean,
    },
}


def describe(index: int, record: Any) -> str:
    rid = record.get("id") if isinstance(record, dict) else None
    return f"#{index}" + (f" (id: {rid})" if isinstance(rid, str) else "")


def check_record(file: str, table: str, index: int, record: Any) -> list[RecordProblem]:
    where = describe(index, record)
    if not isinstance(record, dict):
        return [RecordProblem(file, where, "-", "a record must be a mapping of field: value")]
    fields = TABLES[table]
    problems = [
        RecordProblem(file, where, name, "unknown field (check the spelling)") for name in record if name not in fields
    ]
    for name, checker in fields.items():
        if name not in record:
            problems.append(RecordProblem(file, where, name, "required field is missing"))
            continue
        reason = checker(record[name])
        if reason:
            problems.append(RecordProblem(file, where, name, reason))
    return problems
