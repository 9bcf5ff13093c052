"""What an uploaded evidence file or photo may be: one rule for forms, the API and services.

Type is judged by content, not by name: the extension must be allowed and the first
bytes must match it, so a renamed executable is refused whatever it is called.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Word/Excel
_ZIP = b"PK\x03\x04"  # docx, xlsx, ofd
_MAGIC: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".ofd": (_ZIP,),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".doc": (_OLE,),
    ".xls": (_OLE,),
    ".docx": (_ZIP,),
    ".xlsx": (_ZIP,),
}
EVIDENCE_EXTENSIONS = (".pdf", ".ofd", ".png", ".jpg", ".jpeg", ".doc", ".docx", ".xls", ".xlsx")
PHOTO_EXTENSIONS = (".png", ".jpg", ".jpeg")
MAX_PHOTOS = 20


def _check(upload: Any, allowed: tuple[str, ...]) -> None:
    name = getattr(upload, "name", "") or ""
    limit: int = settings.ZHAOLUO_MAX_UPLOAD_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(f"文件“{name}”超过 {limit // (1024 * 1024)} MB 的上限")
    ext = os.path.splitext(name)[1].lower()
    if ext not in allowed:
        raise ValidationError(f"文件“{name}”的类型不允许，只接受 {'、'.join(allowed)}")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in _MAGIC[ext]):
        raise ValidationError(f"文件“{name}”的内容与扩展名 {ext} 不符")


def validate_evidence(upload: Any) -> None:
    _check(upload, EVIDENCE_EXTENSIONS)


def validate_photo(upload: Any) -> None:
    _check(upload, PHOTO_EXTENSIONS)
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError(f"文件“{getattr(upload, 'name', '')}”不是有效的图片") from exc
    finally:
        upload.seek(0)


def validate_photos(uploads: Any) -> None:
    uploads = list(uploads)
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError(f"一次最多上传 {MAX_PHOTOS} 张照片")
    for upload in uploads:
        validate_photo(upload)
