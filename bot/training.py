"""Train the Rasa model only when its inputs changed (`python -m bot.training`).

The inputs are hashed (configuration, domain, training data and the artefacts generated from the
records); the hash is kept beside the model, so a fresh clone trains once and later runs reuse it.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bot import settings
from bot.fingerprint import files_digest

ROOT = settings.ROOT
TRAINING_DATA = ["data/nlu", "data/rules", "data/stories", "build/nlu"]
# and what the trained components read or run: records, lexicons and the code that reads text
INPUTS = [
    "config.yml",
    "domain",
    *TRAINING_DATA,
    "build/jieba",
    "data/safety",
    "data/lexicon",
    "data/records",
    "bot/normalise.py",
    "bot/resolver",
    "bot/nlp",
    "bot/safety",
]


def inputs_digest() -> str:
    files = []
    for entry in INPUTS:
        path = ROOT / entry
        files += (
            sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
            if path.is_dir()
            else [path]
        )
    return files_digest(files, lambda f: str(f.relative_to(ROOT)))


def main() -> int:
    model = Path(settings.get("RASA_MODEL"))
    stamp = model.with_suffix(".inputs")
    digest = inputs_digest()
    if model.exists() and stamp.exists() and stamp.read_text().strip() == digest:
        print(f"Model {model.name} is up to date; not training.")
        return 0
    name = model.name.removesuffix(".tar.gz")
    cmd = [
        # rasa with the documented filter of dependencies' warnings (bot/dependency_warnings.py)
        sys.executable,
        "-m",
        "bot.dependency_warnings",
        "rasa",
        "train",
        "--force",
        "--config",
        "config.yml",
        "--domain",
        "domain",
        "--data",
        *TRAINING_DATA,
        "--out",
        str(model.parent),
        "--fixed-model-name",
        name,
    ]
    started = time.monotonic()
    result = subprocess.run(cmd, cwd=ROOT, env=settings.environment())
    if result.returncode != 0:
        return result.returncode
    stamp.write_text(digest)
    print(f"Trained {model.name} in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
