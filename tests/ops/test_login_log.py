"""No log line holds a password or a token, however they were sent, on a real server or in
process; and no error repeats them."""

import asyncio
from typing import Any

import httpx2
import pytest
from sqlalchemy import update
from sqlmodel import col

from app.db import Database, in_transaction
from app.domain.auth import hash_password
from app.domain.models import User
from app.settings import Profile, Settings
from tests.ops.conftest import Serve
from tests.ops.logs import json_lines, request_lines

PASSWORD = "Mauve-Kettle-7731"
WRONG_PASSWORD = "Teal-Spoon-0042"
FACADE = "/crmapi/rest/v2"
SIGN_IN = """mutation SignIn($u: String!, $p: String!) {
  login(username: $u, password: $p) { token errors { code } }
}"""


async def _set_password(database: Database) -> None:
    await in_transaction(
        database.writer,
        lambda session: session.execute(
            update(User)
            .where(col(User.username) == "MPAdministrator")
            .values(password_hash=hash_password(PASSWORD))
        ),
    )


def _prepare(url: str) -> None:
    async def change() -> None:
        database = Database.connect(Settings(database_url=url))
        try:
            await _set_password(database)
        finally:
            await database.dispose()

    asyncio.run(change())


def test_the_log_of_sign_ins_holds_no_password_and_no_token(serve: Serve) -> None:
    server = serve(prepare=_prepare, PROFILE="production")
    with httpx2.Client(base_url=server.url, timeout=30) as client:
        signed_in = client.post(
            "/graphql",
            json={"query": SIGN_IN, "variables": {"u": "MPAdministrator", "p": PASSWORD}},
        ).json()["data"]["login"]
        refused = client.post(
            "/graphql",
            json={"query": SIGN_IN, "variables": {"u": "MPAdministrator", "p": WRONG_PASSWORD}},
        ).json()["data"]["login"]
        inline = client.post(
            "/graphql",
            json={
                "query": f'mutation {{ login(username: "MPAdministrator", password: "{PASSWORD}")'
                " { token } }"
            },
        ).json()["data"]["login"]
        over_get = client.get(
            "/graphql",
            params={
                "query": f'mutation {{ login(username: "x", password: "{PASSWORD}") {{ token }} }}'
            },
        )
        token = signed_in["token"]
        me = client.post(
            "/graphql",
            json={"query": "query Me { me { username } }"},
            headers={"authorization": f"Bearer {token}"},
        ).json()
        shown = client.get(
            "/crmapi/rest/v2/leads/show",
            params={"token": token, "lead_identifier": "number=41"},
        )
        facade_token = client.post(
            "/crmapi/rest/v2/authentication/token",
            json={"username": "mpadministrator", "password": PASSWORD},
        ).json()["data"]["token"]
    server.stop()

    assert refused == {"token": None, "errors": [{"code": "INVALID"}]}
    assert over_get.status_code == 405
    assert me["data"] == {"me": {"username": "MPAdministrator"}}
    assert shown.status_code == 200
    output = server.stdout.read_text() + server.stderr.read_text()
    for secret in (PASSWORD, WRONG_PASSWORD, token, inline["token"], facade_token):
        assert secret not in output
    lines = request_lines(server.stdout.read_text())
    assert [
        (line["path"], line.get("operation"), line["user"], line["outcome"]) for line in lines
    ] == [
        ("/health", None, None, "ok"),
        ("/graphql", "SignIn", None, "ok"),
        ("/graphql", "SignIn", None, "client_error"),
        ("/graphql", "anonymous", None, "ok"),
        ("/graphql", "anonymous", None, "client_error"),
        ("/graphql", "Me", "MPAdministrator", "ok"),
        ("/crmapi/rest/v2/leads/show", "leads/show", "MPAdministrator", "ok"),
        ("/crmapi/rest/v2/authentication/token", "authentication/token", None, "ok"),
    ]
    assert lines[4]["codes"] == ["BAD_REQUEST"]
    assert lines[4]["query"] == (
        "query=mutation+%7B+login%28username%3A+%22x%22%2C+password%3A+%22[REDACTED]%22%29"
        "+%7B+token+%7D+%7D"
    )
    assert lines[6]["query"] == "token=[REDACTED]&lead_identifier=number%3D41"
    assert all(line["level"] == "info" for line in json_lines(server.stdout.read_text()))


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Two failures lock a username out here, so that the throttle's refusals are seen too.
    return settings.model_copy(
        update={
            "profile": Profile.PRODUCTION,
            "login_slowdown_seconds": 0,
            "login_failures_per_username": 2,
        }
    )


async def test_no_password_and_no_token_reaches_a_log_line_or_an_error(
    http: httpx2.AsyncClient, database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the administrator's password, set to one that appears nowhere else
    await _set_password(database)

    async def graphql(query: str, variables: Any = None, token: str = "") -> httpx2.Response:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        body = {"query": query, "variables": variables or {}}
        return await http.post("/graphql", json=body, headers=headers)

    async def facade(username: str, password: str) -> httpx2.Response:
        body = {"username": username, "password": password}
        return await http.post(f"{FACADE}/authentication/token", json=body)

    def inline(username: str, password: str) -> str:
        return (
            f'mutation {{ login(username: "{username}", password: "{password}")'
            " { token errors { code } } }"
        )

    # When the administrator signs in with the password in variables, inlined in the document
    # and at the facade
    issued = [
        await graphql(SIGN_IN, {"u": "MPAdministrator", "p": PASSWORD}),
        await graphql(inline("MPAdministrator", PASSWORD)),
        await facade("MPAdministrator", PASSWORD),
    ]
    tokens = [
        *(response.json()["data"]["login"]["token"] for response in issued[:2]),
        issued[2].json()["data"]["token"],
    ]
    # and with a wrong one in each way, once with the password typed as the username, until
    # the throttle refuses the right one at both front doors
    refused = [
        await graphql(SIGN_IN, {"u": "MPAdministrator", "p": WRONG_PASSWORD}),
        await graphql(inline("MPAdministrator", WRONG_PASSWORD)),
        await graphql(SIGN_IN, {"u": PASSWORD, "p": WRONG_PASSWORD}),
        await facade(PASSWORD, WRONG_PASSWORD),
        await facade("MPAdministrator", WRONG_PASSWORD),
        await graphql(inline("MPAdministrator", PASSWORD)),
        await facade("MPAdministrator", PASSWORD),
    ]
    # and the tokens are used, one of them after it was revoked
    used = [
        await graphql("query Me { me { username } }", token=tokens[0]),
        await http.get(f"{FACADE}/leads/show?token={tokens[2]}&lead_identifier=number=41"),
        await graphql("mutation { logout }", token=tokens[1]),
        await graphql("query Me { me { username } }", token=tokens[1]),
        await http.get(f"{FACADE}/leads/show?token={tokens[1]}&lead_identifier=number=41"),
    ]
    output = capsys.readouterr()

    # Then every request has its line, with the codes it was answered with
    lines = request_lines(output.out)
    assert [line.get("codes") for line in lines] == [
        *[None] * 3,
        *[["INVALID"]] * 4,
        *[["THROTTLED"]] * 3,
        None,
        None,
        None,
        ["UNAUTHENTICATED"],
        ["UNAUTHENTICATED"],
    ]
    # and no password and no token is in any line, nor in any answer but the one issuing it
    for secret in (PASSWORD, WRONG_PASSWORD, *tokens):
        assert secret not in output.out + output.err
    responses = [*issued, *refused, *used]
    for response in responses:
        assert PASSWORD not in response.text
        assert WRONG_PASSWORD not in response.text
    for token, issuing in zip(tokens, issued, strict=True):
        assert [response for response in responses if token in response.text] == [issuing]
