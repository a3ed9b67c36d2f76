"""GraphQL over HTTP: GET and POST, the GraphQL-over-HTTP media type, health, the offline
GraphiQL page, and masked unexpected errors."""

from html.parser import HTMLParser
from typing import Any

import httpx2
import pytest

from tests.conftest import GraphQLClient

GRAPHQL_RESPONSE = "application/graphql-response+json"


def bearer(gql: GraphQLClient) -> dict[str, str]:
    return {"authorization": f"Bearer {gql.token}"}


def answered(response: httpx2.Response) -> Any:
    """The `data` of a response without errors (beside whatever `extensions` it carries)."""
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


async def post(
    http: httpx2.AsyncClient, gql: GraphQLClient, query: str, accept: str
) -> httpx2.Response:
    return await http.post(
        "/graphql",
        json={"query": query},
        headers={**bearer(gql), "accept": accept},
    )


# GET ----------------------------------------------------------------------------------------


async def test_a_query_over_get(http: httpx2.AsyncClient, gql: GraphQLClient) -> None:
    response = await http.get("/graphql", params={"query": "{ __typename }"}, headers=bearer(gql))

    assert response.status_code == 200
    assert answered(response) == {"__typename": "Query"}


async def test_a_lead_query_over_get(http: httpx2.AsyncClient, gql: GraphQLClient) -> None:
    response = await http.get(
        "/graphql",
        params={"query": '{ lead(ref: {number: "19"}) { number lifeCycleState } }'},
        headers=bearer(gql),
    )

    assert response.status_code == 200
    assert answered(response) == {"lead": {"number": "19", "lifeCycleState": "IN_PROGRESS"}}


async def test_a_mutation_over_get_is_refused(http: httpx2.AsyncClient, gql: GraphQLClient) -> None:
    # When a mutation is sent over GET
    response = await http.get(
        "/graphql",
        params={"query": 'mutation { cancelLead(ref: {number: "5"}) { errors { code } } }'},
        headers=bearer(gql),
    )

    # Then it is refused as a method not allowed, and the lead is still open
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    lead = await gql.data('{ lead(ref: {number: "5"}) { lifeCycleState actualCompletionDate } }')
    assert lead == {"lead": {"lifeCycleState": "PENDING", "actualCompletionDate": None}}


# application/graphql-response+json ----------------------------------------------------------


async def test_an_unparsable_query_is_400_with_the_graphql_media_type(
    http: httpx2.AsyncClient, gql: GraphQLClient
) -> None:
    response = await post(http, gql, "{ leads(", GRAPHQL_RESPONSE)

    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    body = response.json()
    assert "data" not in body
    assert len(body["errors"]) == 1
    assert body["errors"][0]["message"].startswith("Syntax Error")


async def test_an_invalid_query_is_400_with_the_graphql_media_type(
    http: httpx2.AsyncClient, gql: GraphQLClient
) -> None:
    response = await post(http, gql, "{ noSuchField }", GRAPHQL_RESPONSE)

    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    body = response.json()
    assert "data" not in body
    assert len(body["errors"]) == 1
    assert body["errors"][0]["message"] == "Cannot query field 'noSuchField' on type 'Query'."


async def test_a_valid_query_is_200_with_the_graphql_media_type(
    http: httpx2.AsyncClient, gql: GraphQLClient
) -> None:
    response = await post(http, gql, "{ me { username } }", GRAPHQL_RESPONSE)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert answered(response) == {"me": {"username": "MPAdministrator"}}


async def test_the_graphql_media_type_is_preferred_when_both_are_accepted(
    http: httpx2.AsyncClient, gql: GraphQLClient
) -> None:
    response = await post(
        http, gql, "{ noSuchField }", f"{GRAPHQL_RESPONSE}, application/json;q=0.9"
    )

    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)


@pytest.mark.parametrize("query", ["{ leads(", "{ noSuchField }"])
async def test_plain_json_keeps_200_with_errors_and_no_data(
    http: httpx2.AsyncClient, gql: GraphQLClient, query: str
) -> None:
    response = await post(http, gql, query, "application/json")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert "data" not in body
    assert len(body["errors"]) == 1


# health -------------------------------------------------------------------------------------


async def test_health(http: httpx2.AsyncClient) -> None:
    response = await http.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


# GraphiQL -----------------------------------------------------------------------------------


class _Assets(HTMLParser):
    """The URLs a page loads: script sources and link targets."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.scripts.append(values["src"] or "")
        if tag == "link" and values.get("href"):
            self.links.append((values.get("rel") or "", values["href"] or ""))


async def test_graphiql_is_served_with_local_assets(http: httpx2.AsyncClient) -> None:
    # When a browser opens /graphql
    response = await http.get("/graphql", headers={"accept": "text/html"})

    # Then it gets the GraphiQL page
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "GraphiQL" in page
    assets = _Assets()
    assets.feed(page)

    # whose scripts and styles all come from the app itself
    loaded = assets.scripts + [href for rel, href in assets.links if rel != "icon"]
    assert sorted(loaded) == [
        "/graphql/static/graphiql.min.css",
        "/graphql/static/graphiql.min.js",
        "/graphql/static/react-dom.production.min.js",
        "/graphql/static/react.production.min.js",
    ]
    # (the icon is an inline data URL: nothing to fetch)
    assert [href for rel, href in assets.links if rel == "icon"] == ["data:,"]
    for marker in ("http://", "https://", "//cdn", "unpkg", "jsdelivr"):
        assert marker not in page

    # and each of them answers
    for url in loaded:
        asset = await http.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 1000, url
    css = await http.get("/graphql/static/graphiql.min.css")
    assert css.headers["content-type"].startswith("text/css")


async def test_an_unknown_static_asset_is_404(http: httpx2.AsyncClient) -> None:
    response = await http.get("/graphql/static/nothing.js")

    assert response.status_code == 404


# masked errors ------------------------------------------------------------------------------


async def test_an_unexpected_error_is_masked(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a resolver that fails unexpectedly
    async def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret SQL")

    monkeypatch.setattr("app.domain.leads.queries.find_leads", boom)

    # When the leads are asked for
    response = await gql.post("{ leads { totalCount } }")

    # Then the failure is reported without its details
    assert response.status_code == 200
    assert "secret" not in response.text
    body = response.json()
    assert body["data"] is None
    assert len(body["errors"]) == 1
    assert body["errors"][0]["message"] == "Unexpected error."
    assert body["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert body["errors"][0]["path"] == ["leads"]


async def test_an_unexpected_error_in_one_field_spares_the_others(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the one-lead resolver failing unexpectedly
    async def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret SQL")

    monkeypatch.setattr("app.domain.leads.queries.find_lead", boom)

    # When a lead is asked for beside a field that works
    response = await gql.post('{ lead(ref: {number: "19"}) { number } me { username } }')

    # Then the lead is null with a masked error, and the other field answers
    assert response.status_code == 200
    assert "secret" not in response.text
    body = response.json()
    assert body["data"] == {"lead": None, "me": {"username": "MPAdministrator"}}
    assert len(body["errors"]) == 1
    assert body["errors"][0]["message"] == "Unexpected error."
    assert body["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert body["errors"][0]["path"] == ["lead"]
