"""Logging filters: one record is one line, and it says which request it belongs to.

A user-supplied value with CR/LF in it (a username "x\\r\\nINFO forged") would otherwise
start a new, forged-looking line in the log (log injection, ASVS 16.4.1).
"""

from __future__ import annotations

import logging

from . import context

_ESCAPES = str.maketrans({"\r": "\\r", "\n": "\\n", "\x00": "\\0", "\x1b": "\\x1b"})


def one_line(text: str) -> str:
    return text.translate(_ESCAPES)


class OneLineFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format string: log what we have rather than nothing
            message = str(record.msg)
        record.msg = one_line(message)
        record.args = None
        if not hasattr(record, "request_id"):
            # django.request logs after the middleware has left the request's context: read the request.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", "") or context.current().request_id or "-"
        return True
