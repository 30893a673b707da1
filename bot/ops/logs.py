"""Logging: plain lines for a terminal, or one JSON object per line (BOT_LOG_FORMAT=json); every
line passes through a filter that blanks the configured secrets, whatever logged them."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

from pythonjsonlogger.json import JsonFormatter

PLAIN = "%(asctime)s %(levelname)s %(name)s %(message)s"
# What every record has; anything else came from `extra=` and is printed by the JSON formatter.
_STANDARD_FIELDS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class SecretRedactor(logging.Filter):
    """Replaces secrets (tokens, keys) with '***' in a record's message, arguments, traceback and
    `extra` fields."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if secret and len(secret) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        record.msg, record.args = self._redact(record.getMessage()), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        for name, value in list(record.__dict__.items()):
            if name in _STANDARD_FIELDS or value is None or isinstance(value, int | float | bool):
                continue
            text = str(value)
            if (redacted := self._redact(text)) != text:
                setattr(record, name, redacted)
        return True

    def _redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


def configure_logging(level: int, json_lines: bool, secrets: Iterable[str] = ()) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
        if json_lines
        else logging.Formatter(PLAIN)
    )
    handler.addFilter(SecretRedactor(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # aiohttp's access log would print webhook paths; aiogram logs every update at INFO.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
