"""Structured logs on stdout: JSON lines in production, plain text in development.

Everything goes through the standard `logging` module, so that uvicorn's and the libraries'
lines come out in the same shape as the gateway's own, and every line is stripped of secrets
just before it is written.
"""

import logging
import sys

import orjson
import structlog
from structlog.typing import Processor

from app.observability.redaction import redact_secrets
from app.settings import Profile, Settings

# uvicorn's loggers write through their own handlers unless they are handed to the root
# (not `uvicorn.access`: the request lines below replace it, and `--no-access-log` mutes it).
_SERVER_LOGGERS = ("uvicorn", "uvicorn.error")
# The readiness probe opens a migration context on every check, which alembic announces.
_QUIET_LOGGERS = ("alembic.runtime.migration",)

# What every line gets, whether structlog or the standard library made it.
_SHARED: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


class StdoutHandler(logging.Handler):
    """Writes each line to the `sys.stdout` of the moment (a test's capture, a pipe), flushed,
    so that a line is out as soon as it is logged."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stdout.write(self.format(record) + "\n")
            sys.stdout.flush()
        except Exception:  # logging must never break a request
            self.handleError(record)


def _json_line(data: object, **_: object) -> str:
    return orjson.dumps(data, default=str).decode()


def _renderer(profile: Profile) -> Processor:
    if profile is Profile.PRODUCTION:
        return structlog.processors.JSONRenderer(serializer=_json_line)
    return structlog.dev.ConsoleRenderer(colors=False)


def configure_logging(settings: Settings) -> None:
    """Send every log line of this process to stdout in the shape `settings.profile` asks for.

    Safe to call again (each app a test makes does): it replaces what it set up before.
    """
    structlog.configure(
        # Redacted here too, so that no other handler of the record ever sees a secret.
        processors=[
            *_SHARED,
            redact_secrets,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = StdoutHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=_SHARED,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                # Tracebacks become text first, so that the secrets in them are redacted too.
                structlog.processors.format_exc_info,
                redact_secrets,
                _renderer(settings.profile),
            ],
        )
    )
    root = logging.getLogger()
    for previous in [h for h in root.handlers if isinstance(h, StdoutHandler)]:
        root.removeHandler(previous)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    for name in _SERVER_LOGGERS:
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.propagate = True
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
