"""One JSON object per log line, for Django and for gunicorn's error and access logs.

Values are encoded by `json.dumps`, so quotes, newlines and tracebacks in a message or a
User-Agent never break a line apart, which a `%`-style format string with JSON punctuation would.
"""

import json
import logging
from contextlib import contextmanager
from datetime import UTC, datetime

from gunicorn.glogging import Logger as GunicornLogger

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_RECORD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys() | {"message", "asctime"}
)


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object: time, level, logger, message, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key in _RECORD_ATTRS or key.startswith("_") or key in entry:
                continue
            if key == "request":
                # Django's request log passes the request object: keep what identifies it.
                entry["method"] = getattr(value, "method", None)
                entry["path"] = getattr(value, "path", None)
                continue
            entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class JsonGunicornLogger(GunicornLogger):
    """gunicorn's logger with JSON lines for both the error log and the access log."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        # Raw atoms, not gunicorn's SafeAtoms: those backslash quotes, and json.dumps does it.
        atoms = self.atoms(resp, req, environ, request_time)
        status = atoms.get("s")
        fields = {
            "remote": atoms.get("h"),
            "method": atoms.get("m"),
            "path": atoms.get("U"),
            "query": atoms.get("q") or "",
            "status": int(status) if str(status).isdigit() else status,
            "bytes": atoms.get("B"),
            "duration_ms": atoms.get("M"),
            "referer": atoms.get("f"),
            "user_agent": atoms.get("a"),
            "request_id": atoms.get("{x-request-id}i"),
        }
        try:
            self.access_log.info(
                "%s %s %s", fields["method"], fields["path"], status, extra={"http": fields}
            )
        except Exception:
            self.exception("access log failed")


@contextmanager
def quiet_loggers(names):
    """Raise the given loggers to WARNING for a long command, so its progress stays readable."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
