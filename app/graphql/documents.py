"""Parsing and validation of each request's document: its limits, a cache of the documents
known to be valid, and what the production profile keeps to itself.

Replaces Strawberry's `ParserCache` and `ValidationCache`, whose caches hold a number of
entries of any size and are filled by anyone: here the cache is bounded by bytes and filled
only by signed-in requests, so that no one without a token can fill memory.

A request without a valid token learns nothing from validation. Its document is parsed every
time; if it is one operation that may run without a token (sign-in, `__typename`, and
introspection in development), that operation is validated with the fragments it spreads and
nothing else, so that another operation or an unused fragment cannot be used to probe the
schema; any other document is answered UNAUTHENTICATED without being validated.
"""

import re
from collections import OrderedDict
from collections.abc import Iterator
from functools import cache
from typing import NamedTuple

from graphql import (
    BREAK,
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    Visitor,
    parse,
    separate_operations,
    validate,
    visit,
)
from graphql.execution.values import get_variable_values
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from app.graphql.auth import is_public
from app.graphql.context import Context
from app.graphql.errors import unauthenticated
from app.graphql.limits import shape_refusal, too_many_tokens
from app.graphql.observation import selected_operation
from app.settings import Profile, Settings

# Bytes a parsed document holds per character of its text, the text included, measured with
# tracemalloc: 40 to 100 for what a frontend sends (GraphiQL's schema query 40, a rich page of
# leads 71 to 80), 240 for a one-line `{ me { username } }`, 280 for the densest document the
# token limit lets through (2,000 one-letter fields). The worst, rounded up, is used, so that
# DOCUMENT_CACHE_BYTES bounds the memory whatever is sent.
BYTES_PER_CHARACTER = 300
# Validation and the coercion of variables stop after this many errors.
MAX_ERRORS = 20
# The rules Strawberry adds to graphql-core's (see `validate_document` in strawberry.schema).
_STRAWBERRY_RULES = (MaybeNullValidationRule, OneOfInputValidationRule)

# What graphql-core's messages say of the schema beyond the client's own words, even with
# `hide_suggestions`: the expected types of arguments, variables and fields, the types that own
# a field, and one suggestion it always makes. Production answers without them.
_SCHEMA_HINTS = (
    (re.compile(r" Did you mean [^?]*\?"), ""),
    (re.compile(r" used in position expecting type '[^']*'"), " cannot be used in this position"),
    (re.compile(r" of (?:required |non-null )?type '[^']*'"), ""),
    (re.compile(r" since type '[^']*' has no subfields"), " since it has no subfields"),
    (re.compile(r" does not exist in '[^']*' enum"), " is not one of the enum's values"),
    (re.compile(r"(Argument '|on field ')[_A-Za-z][_0-9A-Za-z]*\."), r"\1"),
    (re.compile(r"(Input Object) '[^']*'"), r"\1"),
)


class DocumentKey(NamedTuple):
    """What a cached document was parsed from: its text, under the token limit of the time."""

    text: str
    max_tokens: int

    @property
    def weight(self) -> int:
        """The bytes the document is reckoned to hold."""
        return len(self.text) * BYTES_PER_CHARACTER


class DocumentCache:
    """Documents that parsed and validated without error, least recently used out first once
    their weight (`DocumentKey.weight`) would pass `capacity` bytes.

    A valid document is valid under either profile, and a request that skips validation never
    reads or fills the cache, so the text and the token limit are the whole key.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.bytes = 0
        self._documents: OrderedDict[DocumentKey, DocumentNode] = OrderedDict()

    def __len__(self) -> int:
        return len(self._documents)

    def get(self, key: DocumentKey) -> DocumentNode | None:
        """The document parsed from `key`, now the most recently used; None when not kept."""
        document = self._documents.get(key)
        if document is not None:
            self._documents.move_to_end(key)
        return document

    def put(self, key: DocumentKey, document: DocumentNode) -> None:
        """Keep `document`, evicting the least recently used until it fits; one heavier than
        the whole capacity is not kept."""
        if key in self._documents or key.weight > self.capacity:
            return
        while self.bytes + key.weight > self.capacity:
            evicted, _ = self._documents.popitem(last=False)
            self.bytes -= evicted.weight
        self._documents[key] = document
        self.bytes += key.weight

    def clear(self) -> None:
        """Forget every document."""
        self._documents.clear()
        self.bytes = 0


# The one answer, in production, to a sign-in sent without a token that does not validate.
NOT_A_SIGN_IN = (
    "This is not a sign-in this API answers: send "
    '`mutation { login(username: "...", password: "...") { token } }`.'
)


@cache
def document_cache(capacity: int) -> DocumentCache:
    """The process's cache of `capacity` bytes, shared by every request (and every app built
    with the same DOCUMENT_CACHE_BYTES), as the schema is."""
    return DocumentCache(capacity)


def without_schema_hints(error: GraphQLError) -> GraphQLError:
    """`error` with a message that names no type or suggestion the client did not write."""
    message = error.message
    for pattern, replacement in _SCHEMA_HINTS:
        message = pattern.sub(replacement, message)
    if message == error.message:
        return error
    return GraphQLError(message, error.nodes, extensions=error.extensions)


def public_part(
    document: DocumentNode, operation_name: str | None, settings: Settings
) -> DocumentNode | None:
    """What validation may look at of a document sent without a token: its one operation, if
    it may run without one, with the fragments it spreads; None when the caller must sign in.

    In production the operation may spread no fragment and hold no inline fragment: a
    fragment names a type condition of the caller's choosing, and whether it validates would
    tell the caller what the schema holds."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or not is_public(document, operation_name, settings):
        return None
    [alone] = separate_operations(document).values()
    if not settings.introspection_is_public and _holds_fragments(alone):
        return None
    return alone


def _holds_fragments(document: DocumentNode) -> bool:
    found = _Fragments()
    visit(document, found)
    return found.any


class _Fragments(Visitor):
    """Whether a document holds a fragment of any kind."""

    def __init__(self) -> None:
        super().__init__()
        self.any = False

    def enter_fragment_spread(self, *_: object) -> object:
        return self._found()

    def enter_inline_fragment(self, *_: object) -> object:
        return self._found()

    def enter_fragment_definition(self, *_: object) -> object:
        return self._found()

    def _found(self) -> object:
        self.any = True
        return BREAK


class CheckedDocuments(SchemaExtension):
    """Parses (at most MAX_TOKENS tokens) and validates each request's document, its shape
    limits checked first, with the cache; in production, without suggestions or the schema's
    types in any message, the variables coerced the same way before execution."""

    def on_operation(self) -> Iterator[None]:
        # Strawberry's `MaxTokensLimiter` does the same with a fixed number.
        execution = self.execution_context
        execution.parse_options["max_tokens"] = self._context.settings.max_tokens
        self.known_valid = False
        yield

    def on_parse(self) -> Iterator[None]:
        execution = self.execution_context
        cached = self._cache.get(self._key) if self._signed_in else None
        if cached is not None:
            execution.graphql_document = cached
            self.known_valid = True
        else:
            execution.graphql_document = self._parse()
        yield

    def on_validate(self) -> Iterator[None]:
        execution = self.execution_context
        document = execution.graphql_document
        assert document is not None
        settings = self._context.settings
        # A document from the cache passed every check when it was put there.
        refusal = None if self.known_valid else shape_refusal(document, settings)
        if refusal is not None:
            execution.pre_execution_errors = [refusal]
        elif self._signed_in:
            execution.pre_execution_errors = [] if self.known_valid else self._validate(document)
        elif (public := public_part(document, execution.operation_name, settings)) is not None:
            execution.pre_execution_errors = self._validate(public)
        else:
            # Validated by no one; AuthenticationGate answers the same at execution, but only
            # knows of the operation that would run.
            execution.pre_execution_errors = []
            execution.result = ExecutionResult(data=None, errors=[unauthenticated()])
        if self._hides_schema and not execution.pre_execution_errors and execution.result is None:
            execution.pre_execution_errors = self._variable_errors(document)
        yield

    @property
    def _context(self) -> Context:
        context: Context = self.execution_context.context
        return context

    @property
    def _signed_in(self) -> bool:
        return self._context.user is not None

    @property
    def _hides_schema(self) -> bool:
        return self._context.settings.profile is Profile.PRODUCTION

    @property
    def _cache(self) -> DocumentCache:
        return document_cache(self._context.settings.document_cache_bytes)

    @property
    def _key(self) -> DocumentKey:
        execution = self.execution_context
        assert execution.query is not None  # Strawberry refuses a request without one
        return DocumentKey(execution.query, self._context.settings.max_tokens)

    def _parse(self) -> DocumentNode:
        execution = self.execution_context
        assert execution.query is not None
        try:
            return parse(execution.query, **execution.parse_options)
        except GraphQLSyntaxError as error:
            # Raised through this hook, Strawberry answers it as the request's only error.
            refusal = too_many_tokens(error, self._context.settings)
            if refusal is None:
                raise
            raise refusal from None

    def _validate(self, document: DocumentNode) -> list[GraphQLError]:
        execution = self.execution_context
        errors = validate(
            execution.schema._schema,
            document,
            (*execution.validation_rules, *_STRAWBERRY_RULES),
            max_errors=MAX_ERRORS,
            hide_suggestions=self._hides_schema,
        )
        if not errors and self._signed_in:
            self._cache.put(self._key, document)
        return self._answered(errors)

    def _variable_errors(self, document: DocumentNode) -> list[GraphQLError]:
        """The errors of coercing the variables, as execution would find them but without
        suggestions (graphql-core's `execute` would make them)."""
        execution = self.execution_context
        operation = selected_operation(document, execution.operation_name)
        if operation is None:
            return []  # Strawberry answers an unknown operation name itself
        coerced = get_variable_values(
            execution.schema._schema,
            operation.variable_definitions or (),
            execution.variables or {},
            max_errors=MAX_ERRORS,
            hide_suggestions=True,
        )
        return self._answered(coerced) if isinstance(coerced, list) else []

    def _answered(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        if not self._hides_schema or not errors:
            return errors
        if not self._signed_in:
            # Whatever is wrong with a sign-in sent without a token, one answer: no message
            # of validation (nor of a scalar's parsing) describes the schema to a stranger.
            return [GraphQLError(NOT_A_SIGN_IN)]
        return [without_schema_hints(error) for error in errors]
