"""Static files storage: whitenoise's hashed, compressed files, gzip only.

WeasyPrint brings in `brotli` (through fontTools), and whitenoise brotli-compresses every
file at quality 11 when it can: a minute of CPU for the ~1,100 files (Swagger UI, admin,
ECharts) on each collect, and `zhaoluo serve` collects at every start. Browsers on a
district intranet get gzip, which costs a second.
"""

from __future__ import annotations

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs: Any) -> Compressor:
        return Compressor(use_brotli=False, **kwargs)
