"""One digest of a set of files, by name and content: what decides whether a model must be retrained."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable, Iterable


def files_digest(files: Iterable[Path], name: Callable[[Path], str] = lambda path: path.name) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(name(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
