"""Logging for every command and every server worker, configured once, here.

Two formats, both on stderr (stdout is the command's output):

* ``rich``: Rich's handler, for a person at a terminal: time, level, message, then the
  request id and any extra fields as ``key=value``.
* ``json``: one JSON object a line, for log shippers: ``time`` (UTC, ISO 8601), ``level``,
  ``logger``, ``message``, ``request_id`` when the line was written during a request, every
  extra field the call passed (``log.info(..., extra={"status": 200})``) and ``exception``.

``auto`` (the default) picks ``rich`` when stderr is a terminal and ``json`` otherwise.
``logging_config`` returns a plain ``dictConfig`` dict rather than configuring in place: uvicorn
hands it to each worker process it spawns, which configures itself from it.

An API key never reaches a log line: a key-shaped string in a message or field is masked.
"""

from __future__ import annotations

import logging
import logging.config
import re
import sys
from datetime import UTC, datetime
from typing import Any, Final, Literal

import orjson

from permitdb.cli.console import err_console
from permitdb.log_context import LogFormat, LogLevel
from permitdb.settings import get_settings

# permitdb keys (api/keys.py), whole or cut short; the prefix alone stays readable.
_API_KEY: Final = re.compile(r"\b(pdb_live_)[0-9A-Za-z_]+")
# Attributes every LogRecord has: the rest of a record's __dict__ came in through extra=
# (but uvicorn's color_message, its message again with terminal colour codes).
_STANDARD: Final = frozenset(
    {*logging.LogRecord("", 0, "", 0, "", None, None).__dict__, "message", "asctime"}
    | {"color_message"}
)


def mask_secrets(text: str) -> str:
    # the substring test first: a regex substitution on every field of every line costs more
    # than the rest of the line's formatting
    return _API_KEY.sub(r"\1…", text) if "pdb_live_" in text else text


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {
        name: mask_secrets(value) if isinstance(value, str) else value
        for name, value in record.__dict__.items()
        if name not in _STANDARD and name != "request_id" and not name.startswith("_")
    }


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": mask_secrets(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None)
        if request_id is not None:
            line["request_id"] = request_id
        line.update(_extras(record))
        if record.exc_info:
            line["exception"] = mask_secrets(self.formatException(record.exc_info))
        return orjson.dumps(line, default=str).decode()


class KeyValueFormatter(logging.Formatter):
    """The message, then ``request_id=…`` and the extra fields the message does not already
    show (an access line's method, path and status are in its message): Rich adds time and
    level."""

    def format(self, record: logging.LogRecord) -> str:
        message = mask_secrets(record.getMessage())
        fields = {"request_id": getattr(record, "request_id", None), **_extras(record)}
        pairs = " ".join(
            f"{name}={value}"
            for name, value in fields.items()
            if value is not None and str(value) not in message
        )
        return f"{message}  {pairs}" if pairs else message


def rich_handler() -> logging.Handler:
    """Rich's handler on the commands' stderr console (so it shares the terminal politely)."""
    from rich.logging import RichHandler  # only the rich format needs it

    # markup off: a message holding "[...]" (a list, a URL template) is shown as it is
    return RichHandler(console=err_console, show_path=False, markup=False, rich_tracebacks=True)


def resolved_format(log_format: LogFormat) -> Literal["rich", "json"]:
    if log_format == "auto":
        return "rich" if sys.stderr.isatty() else "json"
    return log_format


def logging_config(level: LogLevel, log_format: LogFormat) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` dict: permitdb's and uvicorn's loggers at ``level``,
    through one stderr handler in ``log_format``. uvicorn's own access log is off: the API
    writes its own access line (logger ``permitdb.access``), which carries the request id."""
    chosen = resolved_format(log_format)
    handler: dict[str, Any] = (
        {"()": "permitdb.cli.logs.rich_handler", "formatter": "rich"}
        if chosen == "rich"
        else {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "json"}
    )
    handler["filters"] = ["request_id"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "permitdb.log_context.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "permitdb.cli.logs.JsonFormatter"},
            "rich": {"()": "permitdb.cli.logs.KeyValueFormatter"},
        },
        "handlers": {"stderr": handler},
        "loggers": {
            "permitdb": {"level": level.upper()},
            "uvicorn": {"level": level.upper()},
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {"handlers": [], "propagate": False},
        },
        # Libraries (httpx, alembic) log through the root too: their warnings and errors only,
        # their info lines would drown ours.
        "root": {"level": max(logging.WARNING, _numeric(level)), "handlers": ["stderr"]},
    }


def _numeric(level: LogLevel) -> int:
    return logging.getLevelNamesMapping()[level.upper()]


# The commands that serve write an access line per request, at info; the others show their own
# progress and tables, so their logs start at warnings.
_SERVING_COMMANDS: Final = frozenset({"serve", "demo"})
_applied: dict[str, dict[str, Any]] = {}


def configure_logging(level: LogLevel, log_format: LogFormat) -> None:
    config = logging_config(level, log_format)
    logging.config.dictConfig(config)
    _applied["config"] = config


def configure_for_command(command: str | None, level: LogLevel | None) -> None:
    """Configure this process for ``command``: ``level`` (from --log-level), else
    PERMITDB_LOG_LEVEL, else the command's default; the format from PERMITDB_LOG_FORMAT."""
    chosen = level or get_settings().log_level
    if chosen is None:
        chosen = "info" if command in _SERVING_COMMANDS else "warning"
    configure_logging(chosen, get_settings().log_format)


def applied_config() -> dict[str, Any]:
    """The config this process applied last, for a server to hand to its worker processes
    (info in the configured format when nothing was applied, as when called from Python)."""
    return _applied.get("config") or logging_config(
        get_settings().log_level or "info", get_settings().log_format
    )
