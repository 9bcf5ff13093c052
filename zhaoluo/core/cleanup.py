"""Residual data (等保 8.1.4.10 b, baseline E4): upload spool files and generated exports do
not outlive their use. `tick` runs `purge_files` every few minutes.

- ``FILE_UPLOAD_TEMP_DIR``: Django deletes a spooled upload when the request ends; a killed
  worker leaves it behind. Deleted after ZHAOLUO_UPLOAD_TEMP_TTL_MINUTES (an upload still
  being received is younger than that).
- ``ZHAOLUO_GENERATED_DIR``: exports and import error reports are written here (see
  `generated_path`) and deleted ZHAOLUO_EXPORT_TTL_MINUTES (30) after they were written.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings


def generated_path(filename: str) -> Path:
    """A fresh path for a generated file, in its own unguessable directory; purged after the TTL."""
    directory = Path(settings.ZHAOLUO_GENERATED_DIR) / secrets.token_hex(8)
    directory.mkdir(parents=True, mode=0o700)
    return directory / Path(filename).name


def _purge(root: Path, max_age_minutes: int, now: float) -> int:
    if not root.is_dir():
        return 0
    cutoff = now - max_age_minutes * 60
    deleted = 0
    for path in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_symlink() or path.is_file():
            if path.lstat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                deleted += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return deleted


def purge_files(now: float | None = None) -> dict[str, int]:
    now = time.time() if now is None else now
    uploads = _purge(Path(settings.FILE_UPLOAD_TEMP_DIR), settings.ZHAOLUO_UPLOAD_TEMP_TTL_MINUTES, now)
    generated = _purge(Path(settings.ZHAOLUO_GENERATED_DIR), settings.ZHAOLUO_EXPORT_TTL_MINUTES, now)
    return {"upload_temp_deleted": uploads, "generated_deleted": generated}
