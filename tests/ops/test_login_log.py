"""The log of a real server holds no password and no token, however they were sent."""

import asyncio

import httpx2
from sqlalchemy import update
from sqlmodel import col

from app.db import Database, in_transaction
from app.domain.auth import hash_password
from app.domain.models import User
from app.settings import Settings
from tests.ops.conftest import Serve
from tests.ops.logs import json_lines, request_lines

PASSWORD = "Mauve-Kettle-7731"
WRONG_PASSWORD = "Teal-Spoon-0042"
SIGN_IN = """mutation SignIn($u: String!, $p: String!) {
  login(username: $u, password: $p) { token errors { code } }
}"""


def _set_password(url: str) -> None:
    async def change() -> None:
        database = Database.connect(Settings(database_url=url))
        try:
            await in_transaction(
                database.writer,
                lambda session: session.execute(
                    update(User)
                    .where(col(User.username) == "MPAdministrator")
                    .values(password_hash=hash_password(PASSWORD))
                ),
            )
        finally:
            await database.dispose()

    asyncio.run(change())


def test_the_log_of_sign_ins_holds_no_password_and_no_token(serve: Serve) -> None:
    server = serve(prepare=_set_password, PROFILE="production")
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
    assert over_get.status_code == 400
    assert me == {"data": {"me": {"username": "MPAdministrator"}}}
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
    assert lines[4]["codes"] == ["HTTP_400"]
    assert lines[4]["query"] == (
        "query=mutation+%7B+login%28username%3A+%22x%22%2C+password%3A+%22[REDACTED]%22%29"
        "+%7B+token+%7D+%7D"
    )
    assert lines[6]["query"] == "token=[REDACTED]&lead_identifier=number%3D41"
    assert all(line["level"] == "info" for line in json_lines(server.stdout.read_text()))
