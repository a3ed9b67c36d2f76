"""Secrets kept out of the logs: tokens and passwords, wherever a log line would carry them."""

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from structlog.typing import EventDict, WrappedLogger

REDACTED = "[REDACTED]"

# A key naming a secret (`password`, `token`, `new_password`, `Authorization`...).
_SECRET_KEY = re.compile(r"password|token|authorization|secret", re.IGNORECASE)
# A secret written into text: `token=...` in a URL, `password: "..."` in a GraphQL document,
# `"token": "..."` in JSON; the value is a quoted string or runs to the next separator.
# (A value already redacted is left as it is, so that redacting twice changes nothing.)
_NOT_REDACTED = r"(?![\"']?\[REDACTED\])"
_SECRET_IN_TEXT = re.compile(
    # Only from the start of a word: tried at every position inside a long word, the key's
    # leading run would make one long value cost the square of its length.
    r"""(?<![\w-])(?P<key>[\w-]*(?:password|token|secret)[\w-]*["']?\s*[:=]\s*)"""
    + _NOT_REDACTED
    # A GraphQL block string, a double- or single-quoted string, or a bare value.
    + r'(?P<value>"""(?:[^"]|"(?!""))*"""'
    + r"""|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s&,;)}\]"']+)""",
    re.IGNORECASE,
)
# The parameters of a GraphQL GET that carry the client's values whole.
_CLIENT_VALUES = frozenset({"variables", "extensions"})
_BEARER = re.compile(
    r"(?P<key>\bbearer\s+)" + _NOT_REDACTED + r"(?P<value>[^\s\"',;]+)", re.IGNORECASE
)


def is_secret_key(key: str) -> bool:
    """Whether a key's value is a secret."""
    return _SECRET_KEY.search(key) is not None


def _hide(match: re.Match[str]) -> str:
    value = match["value"]
    quote = '"""' if value.startswith('"""') else value[0] if value[0] in "\"'" else ""
    return f"{match['key']}{quote}{REDACTED}{quote}"


def redact_text(text: str) -> str:
    """`text` with the secrets it spells out replaced by `[REDACTED]`."""
    return _BEARER.sub(_hide, _SECRET_IN_TEXT.sub(_hide, text))


def redact_query(query: str) -> str:
    """A URL's query string with secret parameters (`?token=`), a GraphQL GET's variables and
    extensions (values of any name: `{"p": "S3cret"}` for `password: $p`), and secrets inside
    values (a GraphQL document's `password: "..."`) redacted."""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode(
        [
            (key, REDACTED if is_secret_key(key) or key in _CLIENT_VALUES else redact_text(value))
            for key, value in pairs
        ],
        safe="[]",
    )


def redact(value: Any) -> Any:
    """A copy of a log value without secrets: by key in mappings, by pattern in text."""
    if isinstance(value, dict):
        return {
            key: REDACTED if isinstance(key, str) and is_secret_key(key) else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def redact_secrets(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """The structlog processor of `redact`, run on every line just before it is rendered."""
    redacted: EventDict = redact(event_dict)
    return redacted
