"""The warnings of our dependencies that the logs leave out, in one documented list.

Rasa 3.6 pins libraries from 2021-2023 that now warn at every import (pkg_resources, Click 9,
pyparsing 3, SQLAlchemy 2.0, jax, jieba's regular expressions): hundreds of lines before the first
one that matters. Those warnings are for the dependencies' maintainers; nothing here can act on
them. Warnings raised from our own code (bot, actions, scripts, tests) are never filtered, and a
warning of any other kind (UserWarning from Rasa's data validation, for instance) still shows.

`python -m bot.dependency_warnings rasa ARGS…` runs the rasa command, and
`python -m bot.dependency_warnings -m MODULE ARGS…` a module, with the filters installed before
anything is imported: how the launcher starts its servers and the training step `rasa train`.
"""

from __future__ import annotations

import importlib
import os
import runpy
import sys
import warnings

# a module that is not ours: the filters match the module a warning is attributed to (for a
# warning raised while a file is compiled, its path)
NOT_OURS = r"(?!(bot|actions|scripts|tests)(\.|$))"

# (category name, why it is left out); a category missing from this Python or library is skipped
DEPENDENCY_WARNINGS: tuple[tuple[str, str], ...] = (
    ("DeprecationWarning", "APIs our pinned dependencies still call: pkg_resources, Click 9, jax, SQLAlchemy 2.0"),
    ("PendingDeprecationWarning", "the same, announced earlier"),
    ("SyntaxWarning", "invalid escape sequences in old regular expressions (jieba)"),
    # SQLAlchemy asks for its own to be shown "once" when imported; importing it here comes first
    ("sqlalchemy.exc.SADeprecationWarning", "Rasa's tracker store uses SQLAlchemy 1.4 APIs; ours are 2.0-style"),
    # also a UserWarning, which Rasa shows "once": named here so that it is left out all the same
    ("pyparsing.warnings.PyparsingDeprecationWarning", "matplotlib and packaging call pyparsing 2 names"),
)


def _category(name: str) -> type[Warning] | None:
    if "." not in name:
        found = __builtins__[name] if isinstance(__builtins__, dict) else getattr(__builtins__, name)
        return found if isinstance(found, type) and issubclass(found, Warning) else None
    module_name, _, attribute = name.rpartition(".")
    try:
        module = __import__(module_name, fromlist=[attribute])
    except ImportError:
        return None
    found = getattr(module, attribute, None)
    return found if isinstance(found, type) and issubclass(found, Warning) else None


# a warning written straight to stderr, not through the warnings module, has its own switch
SWITCHES = {"SQLALCHEMY_SILENCE_UBER_WARNING": "1"}  # "Deprecated API features detected!"


# libraries that put a filter of their own in front when imported (Sanic: "once" for every
# DeprecationWarning): imported first, with the filters put back afterwards, so that ours decide
OWN_FILTERS = ("sanic.app",)


def install() -> None:
    """Leave the listed warnings of other modules out of this process's output."""
    for name, value in SWITCHES.items():  # before the library is imported: it reads them then
        os.environ.setdefault(name, value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for module in OWN_FILTERS:
            try:
                importlib.import_module(module)
            except ImportError:
                pass
    for name, _why in DEPENDENCY_WARNINGS:
        category = _category(name)
        if category is not None:
            warnings.filterwarnings("ignore", category=category, module=NOT_OURS)


def main(argv: list[str]) -> int:
    if argv[:1] == ["-m"] and len(argv) > 1:
        install()
        sys.argv = [argv[1], *argv[2:]]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        return 0
    if argv[:1] != ["rasa"]:
        print("usage: python -m bot.dependency_warnings (rasa | -m MODULE) ARGS…", file=sys.stderr)
        return 2
    install()
    import rasa.utils.common
    from rasa.__main__ import main as rasa_main

    rasa_filters = rasa.utils.common._filter_warnings

    def filters_after_rasa(*args, **kwargs):  # Rasa's CLI puts its filters first; ours go back in front
        rasa_filters(*args, **kwargs)
        install()

    rasa.utils.common._filter_warnings = filters_after_rasa

    sys.argv = ["rasa", *argv[1:]]
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
