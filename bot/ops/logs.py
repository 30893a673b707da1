"""Logging: plain lines for a terminal, or one JSON object per line (BOT_LOG_FORMAT=json); every
line passes through a filter that blanks the configured secrets, whatever logged them."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

from pythonjsonlogger.json import JsonFormatter

PLAIN = "%(asctime)s %(levelname)s %(name)s %(message)s"


class SecretRedactor(logging.Filter):
    """Replaces secrets in a record's message and arguments (tokens, keys) with '***'."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if secret and len(secret) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            for secret in self.secrets:
                message = message.replace(secret, "***")
                if record.exc_text:
                    record.exc_text = record.exc_text.replace(secret, "***")
            record.msg, record.args = message, ()
        return True


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
