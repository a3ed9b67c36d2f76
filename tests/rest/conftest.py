"""A client of the REST facade, signed in as the demo administrator by default, and the checks
every answer of the facade is held to: the seeds' envelope, 200 and OK on success, a 4xx, a code
and `data: null` on refusal."""

from typing import Any

import httpx2
import pytest

from tests.conftest import GraphQLClient

PREFIX = "/crmapi/rest/v2"
OK = {"code": "OK", "description": "", "message": ""}
# A create with only what is mandatory, for a demo contact without accounts receivable.
NEW_LEAD: dict[str, Any] = {
    "contact_information": {
        "action": "EXISTING",
        "contact_information_identifier": {"id_number": "112233"},
    },
    "type_identifier": {"name": "New Customer"},
    "source": {"type": "WEBSITE", "name": "www.crm.com"},
    "importance": "IMPORTANCE3",
    "priority": 4,
    "estimated_completion_time": {"time_period_value": 2, "time_period_uot": "WEEKS"},
}


class RestClient:
    """Calls the facade in process."""

    def __init__(self, http: httpx2.AsyncClient, token: str) -> None:
        self.http = http
        self.token = token

    async def get(self, method: str, query: str = "", *, token: str | None = None) -> Any:
        """`GET /leads/<method>?token=...&<query>`; the response."""
        signed = f"token={token or self.token}"
        url = (
            f"{PREFIX}/leads/{method}?{signed}&{query}"
            if query
            else f"{PREFIX}/leads/{method}?{signed}"
        )
        return await self.http.get(url)

    async def post(self, method: str, body: dict[str, Any], *, token: str | None = None) -> Any:
        """`POST /leads/<method>` with the body and the token; the response."""
        return await self.http.post(
            f"{PREFIX}/leads/{method}", json={"token": token or self.token, **body}
        )

    async def lead(self, number: int | str, fields: str | None = None) -> Any:
        """A lead, shown by number."""
        query = f"lead_identifier=number={number}"
        if fields is not None:
            query += f"&fields_set={fields}"
        return answered(await self.get("show", query))

    async def sign_in(self, username: str, password: str = "demo") -> str:
        """A token of the facade's own sign-in."""
        response = await self.http.post(
            f"{PREFIX}/authentication/token", json={"username": username, "password": password}
        )
        token: str = answered(response)["token"]
        return token


def answered(response: httpx2.Response) -> Any:
    """The data of an answer that must succeed."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"status", "data"}
    assert body["status"] == OK
    return body["data"]


def refusal(response: httpx2.Response, status: int, code: str) -> str:
    """The message of an answer that must be refused with `status` and `code`."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"status", "data"}
    assert body["data"] is None
    assert set(body["status"]) == {"code", "description", "message"}
    assert body["status"]["code"] == code
    assert body["status"]["description"]
    message: str = body["status"]["message"]
    return message


@pytest.fixture
def rest(http: httpx2.AsyncClient, gql: GraphQLClient) -> RestClient:
    # The template's token comes from the GraphQL sign-in (the same table of tokens).
    assert gql.token is not None
    return RestClient(http, gql.token)
