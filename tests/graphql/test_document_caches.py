"""Documents that parsed and validated are kept for the next request that sends the same text,
in a cache bounded by bytes (DOCUMENT_CACHE_BYTES) that only signed-in requests fill: a
document's weight is its length times BYTES_PER_CHARACTER, and the least recently used goes
first."""

import gc
import tracemalloc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import pytest
from graphql import DocumentNode, parse

from app.graphql import documents
from app.graphql.documents import BYTES_PER_CHARACTER, DocumentCache, DocumentKey, document_cache
from app.main import create_app
from app.settings import Settings
from tests.conftest import GraphQLClient
from tests.databases import Template
from tests.graphql.test_document_limits import GRAPHIQL_INTROSPECTION
from tests.graphql.test_statement_counts import RICH_SELECTION

ME = "{ me { username } }"
LEADS = "{ leads(first: 3) { nodes { number } } }"
COUNT = "{ leads { totalCount } }"
LOGIN = (
    "mutation ($username: String!, $password: String!) "
    "{ login(username: $username, password: $password) { token } }"
)


def weight(text: str) -> int:
    return len(text) * BYTES_PER_CHARACTER


@asynccontextmanager
async def cached_app(
    settings: Settings, template: Template, capacity: int
) -> AsyncIterator[tuple[GraphQLClient, DocumentCache]]:
    """A client of an app whose documents go to an empty cache of `capacity` bytes."""
    cache = document_cache(capacity)
    cache.clear()
    app = create_app(settings.model_copy(update={"document_cache_bytes": capacity}))
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
        yield GraphQLClient(http, template.token), cache
    await app.state.database.dispose()
    cache.clear()


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts that requests parse, in order."""
    texts: list[str] = []

    def counted(text: str, **options: Any) -> DocumentNode:
        texts.append(text)
        return parse(text, **options)

    monkeypatch.setattr(documents, "parse", counted)
    return texts


async def test_each_kept_document_weighs_its_length_times_the_factor(
    settings: Settings, template: Template
) -> None:
    async with cached_app(settings, template, 10_000_001) as (gql, cache):
        # When two documents are read, the first one twice
        await gql.data(ME)
        await gql.data(ME)
        await gql.data(LEADS)

        # Then each is kept once, weighed by its length
        assert len(cache) == 2
        assert cache.bytes == (len(ME) + len(LEADS)) * BYTES_PER_CHARACTER == 17_700


async def test_a_kept_document_is_neither_parsed_nor_validated_again(
    settings: Settings, template: Template, parsed: list[str]
) -> None:
    async with cached_app(settings, template, 10_000_002) as (gql, _):
        # When the same document is read three times
        answers = [await gql.data(LEADS) for _ in range(3)]

    # Then it is parsed once, and answers the same every time
    assert parsed == [LEADS]
    assert answers[1:] == answers[:2]


async def test_the_least_recently_used_document_goes_first(
    settings: Settings, template: Template
) -> None:
    # Given a cache with room for ME, LEADS and COUNT but not for one more of LEADS's size
    capacity = weight(ME) + weight(LEADS) + weight(COUNT)
    async with cached_app(settings, template, capacity) as (gql, cache):
        await gql.data(ME)
        await gql.data(LEADS)
        await gql.data(COUNT)
        # When ME is read again, and then a new document
        await gql.data(ME)
        other = "{ leads(first: 4) { nodes { number } } }"
        await gql.data(other)

        # Then LEADS, read least recently, made room; the others are kept
        assert len(cache) == 3
        assert cache.bytes == weight(ME) + weight(COUNT) + weight(other)
        assert cache.get(DocumentKey(LEADS, settings.max_tokens)) is None
        assert cache.get(DocumentKey(ME, settings.max_tokens)) is not None


async def test_requests_without_a_token_fill_nothing(
    settings: Settings, template: Template, parsed: list[str]
) -> None:
    async with cached_app(settings, template, 10_000_003) as (gql, cache):
        # When documents are sent without a token: sign-in, the schema (open in development),
        # and one answered UNAUTHENTICATED, each twice
        for _ in range(2):
            credentials = {"username": "viewer.main", "password": "demo"}
            signed_in = await gql(LOGIN, credentials, anonymous=True)
            await gql(GRAPHIQL_INTROSPECTION, anonymous=True)
            await gql(COUNT, anonymous=True)

        # Then each is parsed every time, and the cache is as empty as before
        assert parsed == [LOGIN, GRAPHIQL_INTROSPECTION, COUNT] * 2
        assert (len(cache), cache.bytes) == (0, 0)

        # And the token signed in with fills it
        await gql(COUNT, token=signed_in["data"]["login"]["token"])
        assert cache.bytes == weight(COUNT)


async def test_invalid_and_refused_documents_are_not_kept(
    settings: Settings, template: Template
) -> None:
    async with cached_app(settings, template, 10_000_004) as (gql, cache):
        # When a document that does not validate, and one over a limit, are sent signed in
        await gql("{ leadz { id } }")
        await gql("{ " + " ".join(f"a{i}: __typename" for i in range(16)) + " }")

        # Then neither is kept
        assert (len(cache), cache.bytes) == (0, 0)


def test_a_document_heavier_than_the_cache_is_not_kept() -> None:
    # Given a cache with room for 10 characters' worth
    cache = DocumentCache(10 * BYTES_PER_CHARACTER)

    # When documents of 10 and 11 characters are kept, in turn
    cache.put(DocumentKey("{ me { a }", 2000), parse("{ me { a } }"))
    cache.put(DocumentKey("{ me { ab }", 2000), parse("{ me { ab } }"))

    # Then the first stays: the second would never fit
    assert (len(cache), cache.bytes) == (1, 10 * BYTES_PER_CHARACTER)


def test_the_token_limit_a_document_was_parsed_under_is_part_of_its_key() -> None:
    cache = DocumentCache(10_000)
    cache.put(DocumentKey(ME, 2000), parse(ME))

    assert cache.get(DocumentKey(ME, 100)) is None
    assert cache.get(DocumentKey(ME, 2000)) is not None


def held_when_kept(text: str) -> int:
    """The bytes that a request's text (a fresh copy) and its parsed document hold together,
    as the cache keeps them."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        copy = "".join(list(text))
        kept = (DocumentKey(copy, 2000), parse(copy))
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del kept
    return after - before


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(ME, id="one-line"),
        pytest.param(GRAPHIQL_INTROSPECTION, id="graphiql"),
        pytest.param(f"{{ leads(first: 100) {{ {RICH_SELECTION} }} }}", id="rich-page"),
        pytest.param("{" + " a" * 1_998 + " }", id="densest"),
    ],
)
def test_the_weight_is_at_least_what_a_document_holds(text: str) -> None:
    # When a document is parsed and kept, then its weight is no less than what it holds
    assert held_when_kept(text) <= DocumentKey(text, 2000).weight
