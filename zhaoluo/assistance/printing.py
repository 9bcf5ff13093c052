"""The printed 帮扶情况收集表: one template (`assistance/_sheet.html`) for the browser's print
view and for the PDF made with WeasyPrint.

The font is a setting (ASSISTANCE_PDF_FONT): the district may install licensed 公文 fonts.
WeasyPrint only uses it if it is named on `html` and inside the @page margin boxes too, with
lang="zh-Hans"; otherwise the page number falls back to the JP face (stack.md §5.6).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

STYLESHEET = "zhaoluo/assistance-print.css"
DEFAULT_FONT = "Noto Serif CJK SC"


def font_family() -> str:
    return str(getattr(settings, "ASSISTANCE_PDF_FONT", DEFAULT_FONT))


@cache
def _stylesheet() -> str:
    path = finders.find(STYLESHEET)
    assert isinstance(path, str), STYLESHEET
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def _font_css() -> str:
    family = f'"{font_family()}", serif'
    return (
        f"html, body {{ font-family: {family}; }}\n"
        f"@page {{ @bottom-center {{ content: '第 ' counter(page) ' 页 共 ' counter(pages) ' 页';"
        f" font-family: {family}; font-size: 9pt; }} }}\n"
    )


def pdf_bytes(context: dict[str, Any]) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which pages that never print should not pay for.
    from weasyprint import CSS, HTML

    html = render_to_string("assistance/pdf.html", context)
    stylesheets = [CSS(string=_stylesheet()), CSS(string=_font_css())]
    result = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=stylesheets)
    assert result is not None
    return bytes(result)
