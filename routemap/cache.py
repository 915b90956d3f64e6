"""The user's cache directory, where routemap keeps what it compiles once.

``$ROUTEMAP_CACHE_DIR`` overrides the platform's user cache directory (tests point it at a
temporary folder).  Everything in it can be deleted at any time; it is rebuilt on use.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "read_json", "write_json_atomically"]


def cache_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """``override``, else ``$ROUTEMAP_CACHE_DIR``, else ``platformdirs.user_cache_dir("routemap")``."""
    if override is not None:
        return Path(override)
    env = os.environ.get("ROUTEMAP_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("routemap"))


def read_json(path: Path) -> Any | None:
    """The JSON in ``path``, or ``None`` when it is missing or unreadable (a cache miss)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json_atomically(path: Path, data: Any) -> None:
    """Write ``data`` to ``path`` through a temporary file; a cache that cannot be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, sort_keys=True)
        os.replace(tmp, path)
    except OSError:
        pass
