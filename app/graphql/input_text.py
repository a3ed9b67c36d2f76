"""Text that no database can store is refused before anything runs.

PostgreSQL cannot hold the NUL character, and neither database a string that is not valid
Unicode (a lone surrogate, which JSON can spell as `"\\ud800"`). Rather than let such text
fail deep inside a statement, every string of the request, in the document and in the
variables, is checked once, and the request is answered with an error that says where.
"""

from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult, GraphQLError, StringValueNode, Visitor, visit
from strawberry.extensions import SchemaExtension

from app.domain.errors import ErrorCode

INVALID = ErrorCode.INVALID.value
UNSTORABLE = "Text must be valid Unicode without NUL characters (U+0000)."


def is_storable(text: str) -> bool:
    """Whether a database can store `text` as it is."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_paths(value: Any, path: str) -> Iterator[str]:
    """The paths below `path` of the strings in a JSON value that cannot be stored."""
    if isinstance(value, str):
        if not is_storable(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from unstorable_paths(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from unstorable_paths(item, f"{path}[{index}]")


class _UnstorableLiterals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[StringValueNode] = []

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if not is_storable(node.value):
            self.nodes.append(node)


class UnstorableTextGuard(SchemaExtension):
    """Answers INVALID, with no data, to a request holding text that cannot be stored."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.result is None and context.graphql_document is not None:
            literals = _UnstorableLiterals()
            visit(context.graphql_document, literals)
            errors = [
                GraphQLError(UNSTORABLE, nodes=[node], extensions={"code": INVALID})
                for node in literals.nodes
            ]
            errors += [
                GraphQLError(
                    f"{UNSTORABLE} See {path}.",
                    extensions={"code": INVALID, "field": path},
                )
                for name, value in (context.variables or {}).items()
                for path in unstorable_paths(value, f"${name}")
            ]
            if errors:
                context.result = ExecutionResult(data=None, errors=errors)
        yield
