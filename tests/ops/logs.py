"""Reading the JSON log lines of the production profile."""

from typing import Any

import orjson


def json_lines(output: str) -> list[dict[str, Any]]:
    """Every line of `output`, each of which must be one JSON object."""
    return [orjson.loads(line) for line in output.splitlines() if line.strip()]


def request_lines(output: str) -> list[dict[str, Any]]:
    """The per-request lines of `output`."""
    return [line for line in json_lines(output) if line["logger"] == "leads.request"]
