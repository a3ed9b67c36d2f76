"""The `graphql-http` package's server audits (tests/http_audit) against a live server: every
one of them, MUST, SHOULD and MAY, passes."""

import os
import shutil
import subprocess
from pathlib import Path

import orjson
import pytest

from tests.ops.conftest import Serve

AUDIT = Path(__file__).resolve().parents[1] / "http_audit"
# How many audits graphql-http 1.23.1 runs: fewer would mean some never ran.
AUDITS = 61


def node() -> str:
    """The `node` that runs the audits; without it (or the audit's packages, which
    `scripts/test` installs) the test is skipped, except in CI, where it fails."""
    found = shutil.which("node")
    if found is None:
        reason = "node is not installed"
    elif not (AUDIT / "node_modules" / "graphql-http").is_dir():
        reason = "the audit's packages are not installed: npm ci --prefix tests/http_audit"
    else:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI runs the graphql-http audits")
    pytest.skip(reason)


def test_every_graphql_over_http_audit_passes(serve: Serve) -> None:
    # Given node, and a live server in the development profile
    runner = node()
    server = serve()

    # When the audits run against its endpoint
    finished = subprocess.run(
        [runner, str(AUDIT / "audit.mjs"), f"{server.url}/graphql"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    # Then each of them is ok
    assert finished.returncode == 0, finished.stderr
    results = [orjson.loads(line) for line in finished.stdout.splitlines()]
    failing = [
        f"{result['id']} ({result['status']}) {result['name']}: {result['reason']}"
        for result in results
        if result["status"] != "ok"
    ]
    assert failing == [], "\n".join(failing)
    assert len(results) == AUDITS
