"""The documentation names what exists: every setting, and every repository path it mentions."""

from __future__ import annotations

import re

from bot import settings
from tests.conftest import ROOT

DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
# made by `make run`, `make eval` or `make bench`, not kept in the repository
MADE_AT_RUN_TIME = ("reports/", "var/", "models/", "build/", ".venv/")
PATH = re.compile(r"`((?:bot|actions|scripts|tests|data|domain|docs|reports|var|models|build)/[\w./<>*-]*)`")


def test_every_setting_is_in_the_production_guides_table():
    guide = (ROOT / "docs" / "production.md").read_text(encoding="utf-8")
    assert not [name for name in settings.DEFAULTS if f"`{name}`" not in guide]


def test_every_repository_path_the_documentation_names_exists():
    missing = []
    for doc in DOCS:
        for path in PATH.findall(doc.read_text(encoding="utf-8")):
            if path.startswith(MADE_AT_RUN_TIME) or any(c in path for c in "<>*"):
                continue
            if not (ROOT / path.rstrip("/.")).exists():
                missing.append(f"{doc.relative_to(ROOT)}: {path}")
    assert not missing, missing


def test_the_readme_stays_short_and_points_to_the_rest():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode()) <= 5000
    for doc in ("docs/architecture.md", "docs/production.md", "docs/evaluation.md", "CONTRIBUTING.md", "LICENSE"):
        assert doc in readme and (ROOT / doc).exists(), doc
