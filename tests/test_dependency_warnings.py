"""The documented filter of dependencies' warnings leaves ours alone."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import ROOT

PROGRAM = textwrap.dedent(
    """
    import warnings
    from bot import dependency_warnings
    dependency_warnings.install()
    import sanic.app  # puts its own "once" filter in front when first imported
    warnings.warn_explicit("theirs", DeprecationWarning, "x.py", 1, module="jieba")
    warnings.warn_explicit("ours", DeprecationWarning, "x.py", 2, module="bot.records.text")
    warnings.warn_explicit("a user warning", UserWarning, "x.py", 3, module="rasa.validator")
    """
)


def test_a_dependencys_deprecation_is_left_out_and_ours_and_other_kinds_still_show():
    out = subprocess.run(
        [sys.executable, "-W", "default", "-c", PROGRAM], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert "theirs" not in out.stderr
    assert "ours" in out.stderr and "a user warning" in out.stderr


def test_every_listed_category_exists_in_the_pinned_libraries():
    from bot.dependency_warnings import DEPENDENCY_WARNINGS, _category

    assert all(_category(name) is not None for name, _ in DEPENDENCY_WARNINGS)
