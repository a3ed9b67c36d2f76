"""Text with the NUL character is refused before anything runs.

PostgreSQL cannot store NUL (U+0000). Rather than let such text fail deep inside a statement,
every string of the request, in the document and in the variables, is checked once, and the
request is answered with an error that says where. (Invalid Unicode never gets this far: the
JSON decoder and the GraphQL lexer refuse lone surrogates.)
"""

from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    StringValueNode,
    Visitor,
    visit,
)
from strawberry.extensions import SchemaExtension

from app.domain.errors import ErrorCode
from app.graphql.per_document import PerDocument

INVALID = ErrorCode.INVALID.value
NUL_TEXT = "Text cannot contain the NUL character (U+0000)."


def nul_paths(value: Any, path: str) -> Iterator[str]:
    """The paths below `path` of the strings, and object keys, in a JSON value that hold NUL."""
    if isinstance(value, str):
        if "\x00" in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                yield path
            yield from nul_paths(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from nul_paths(item, f"{path}[{index}]")


class _NulLiterals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[StringValueNode] = []

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if "\x00" in node.value:
            self.nodes.append(node)


_found: PerDocument[list[StringValueNode]] = PerDocument()


def _nul_literals(document: DocumentNode) -> list[StringValueNode]:
    """The string literals of `document` holding NUL, looked for once per document."""
    found = _found.get(document)
    if found is None:
        literals = _NulLiterals()
        visit(document, literals)
        found = _found.put(document, literals.nodes)
    return found


class NulTextGuard(SchemaExtension):
    """Answers INVALID, with no data, to a request holding text with NUL."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.result is None and context.graphql_document is not None:
            errors = [
                GraphQLError(NUL_TEXT, nodes=[node], extensions={"code": INVALID})
                for node in _nul_literals(context.graphql_document)
            ]
            errors += [
                GraphQLError(f"{NUL_TEXT} See {path}.", extensions={"code": INVALID, "field": path})
                for name, value in (context.variables or {}).items()
                for path in nul_paths(value, f"${name}")
            ]
            if errors:
                context.result = ExecutionResult(data=None, errors=errors)
        yield
