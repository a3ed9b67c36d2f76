"""One log line per request: what it names, its level, and a traceback only for what nobody
expected. The app runs in the production profile here, so each line is one JSON object."""

import re
from typing import Any

import httpx2
import pytest

from app.domain.leads import queries
from app.graphql import http
from app.settings import Profile, Settings
from tests.conftest import GraphQLClient
from tests.ops.conftest import failing
from tests.ops.logs import json_lines, request_lines

# Fields of a request line that differ from run to run.
_VARYING = ("duration_ms", "timestamp", "request_id")


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, profile=Profile.PRODUCTION)


def _steady(line: dict[str, Any]) -> dict[str, Any]:
    """A request line without what varies, having checked what varies is well formed."""
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z", line["timestamp"])
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    return {key: value for key, value in line.items() if key not in _VARYING}


def _graphql_line(operation: str, outcome: str, **more: Any) -> dict[str, Any]:
    return {
        "event": "request",
        "level": "info",
        "logger": "leads.request",
        "method": "POST",
        "path": "/graphql",
        "status": 200,
        "client": "127.0.0.1",
        "interface": "graphql",
        "user": "MPAdministrator",
        "operation": operation,
        "outcome": outcome,
        **more,
    }


async def test_a_request_is_one_line_naming_its_operation_user_and_outcome(
    gql: GraphQLClient, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()

    response = await gql.post('query ShowLead { lead(ref: {number: "41"}) { number } }')

    assert response.json()["data"] == {"lead": {"number": "41"}}
    (line,) = request_lines(capsys.readouterr().out)
    assert _steady(line) == _graphql_line("ShowLead", "ok")
    assert response.headers["x-request-id"] == line["request_id"]


async def test_a_tame_request_id_from_the_caller_is_kept(
    gql: GraphQLClient, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()

    tame = await gql.post("{ me { username } }", headers={"x-request-id": "edge-42.a"})
    wild = await gql.post("{ me { username } }", headers={"x-request-id": "<script>"})

    assert tame.headers["x-request-id"] == "edge-42.a"
    assert re.fullmatch(r"[0-9a-f]{32}", wild.headers["x-request-id"])
    lines = request_lines(capsys.readouterr().out)
    assert [line["request_id"] for line in lines] == ["edge-42.a", wild.headers["x-request-id"]]
    assert [line["operation"] for line in lines] == ["anonymous", "anonymous"]


async def test_a_validation_error_is_one_info_line_and_no_traceback(
    gql: GraphQLClient, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    capsys.readouterr()

    response = await gql.post('query Broken { lead(ref: {number: "41"}) { noSuchField } }')

    assert response.status_code == 200
    assert response.json()["errors"][0]["message"] == (
        "Cannot query field 'noSuchField' on type 'Lead'."
    )
    captured = capsys.readouterr()
    (line,) = request_lines(captured.out)
    assert _steady(line) == _graphql_line(
        "Broken", "client_error", codes=["GRAPHQL_VALIDATION_FAILED"]
    )
    assert [entry["level"] for entry in json_lines(captured.out)] == ["info"] * len(
        json_lines(captured.out)
    )
    assert "Traceback" not in captured.out + captured.err
    assert [record.name for record in caplog.records if record.levelname != "INFO"] == []


async def test_a_refused_mutation_is_one_info_line_with_each_code(
    gql: GraphQLClient, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()

    body = await gql(
        'mutation WinTooEarly { winLead(ref: {number: "40"}) { lead { number } errors { code } } }'
    )

    assert body == {"data": {"winLead": {"lead": None, "errors": [{"code": "INVALID_TRANSITION"}]}}}
    captured = capsys.readouterr()
    (line,) = request_lines(captured.out)
    assert _steady(line) == _graphql_line(
        "WinTooEarly", "client_error", codes=["INVALID_TRANSITION"]
    )
    assert "Traceback" not in captured.out + captured.err


async def test_an_unexpected_error_is_one_error_line_with_its_traceback(
    gql: GraphQLClient, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "find_lead", failing("the lead table caught fire"))
    capsys.readouterr()

    body = await gql('query ShowLead { lead(ref: {number: "41"}) { number } }')

    assert body == {
        "data": {"lead": None},
        "errors": [
            {
                "message": "Unexpected error.",
                "locations": [{"line": 1, "column": 18}],
                "path": ["lead"],
                "extensions": {"code": "INTERNAL_SERVER_ERROR"},
            }
        ],
    }
    captured = capsys.readouterr()
    (line,) = request_lines(captured.out)
    traceback = line.pop("exception")
    assert _steady(line) == {
        **_graphql_line("ShowLead", "unexpected_error", codes=["INTERNAL_SERVER_ERROR"]),
        "level": "error",
    }
    assert traceback.startswith("Traceback (most recent call last):")
    assert traceback.endswith("RuntimeError: the lead table caught fire")
    assert (captured.out + captured.err).count("Traceback") == 1
    assert [entry["level"] for entry in json_lines(captured.out)].count("error") == 1


async def test_a_failure_outside_the_schema_answers_500_and_logs_one_traceback(
    gql: GraphQLClient, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "authenticate", failing("the token table is gone"))
    capsys.readouterr()

    response = await gql.post("query Me { me { username } }")

    request_id = response.headers["x-request-id"]
    assert response.status_code == 500
    assert response.json() == {
        "errors": [
            {"message": "Unexpected error.", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}
        ]
    }
    captured = capsys.readouterr()
    (line,) = request_lines(captured.out)
    assert line["request_id"] == request_id
    assert line["exception"].endswith("RuntimeError: the token table is gone")
    assert (line["level"], line["status"], line["outcome"]) == ("error", 500, "unexpected_error")
    assert (captured.out + captured.err).count("Traceback") == 1


async def test_development_lines_are_plain_text(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.main import create_app

    app = create_app(Settings(database_url=database_url, profile=Profile.DEVELOPMENT))
    transport = httpx2.ASGITransport(app=app)
    capsys.readouterr()
    async with httpx2.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/health", headers={"x-request-id": "plain-1"})
    await app.state.database.dispose()

    assert response.status_code == 200
    (line,) = [line for line in capsys.readouterr().out.splitlines() if "[leads.request]" in line]
    assert re.fullmatch(
        r"\S+Z \[info\s*\] request\s+\[leads\.request\] client=127\.0\.0\.1 duration_ms=\S+"
        r" method=GET outcome=ok path=/health request_id=plain-1 status=200 user=None",
        line,
    )
