"""Building GraphQL objects from table rows: plain attributes, copied once."""

from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

import strawberry

from app.domain.models import Entity
from app.graphql.observation import PayloadErrorCodes

T = TypeVar("T")
Resolver = TypeVar("Resolver", bound=Callable[..., Any])
R = TypeVar("R", bound=Entity, covariant=True)


def described(description: str) -> Any:
    """A plain field with its description."""
    return strawberry.field(description=description)


def resolved(description: str) -> Callable[[Resolver], Resolver]:
    """A field computed by the decorated resolver, with its description.

    Typed, unlike `strawberry.field(description=...)`, so that resolvers keep their types.
    """
    decorator: Callable[[Resolver], Resolver] = strawberry.field(description=description)
    return decorator


def mutation(description: str) -> Callable[[Resolver], Resolver]:
    """A mutation field made by the decorated resolver, with its description; the codes of
    its payload's errors are noted for the request's log line and metrics."""
    decorator: Callable[[Resolver], Resolver] = strawberry.mutation(
        description=description, extensions=[PayloadErrorCodes()]
    )
    return decorator


def from_row(cls: type[T], row: Entity) -> T:
    """An object of the GraphQL type `cls` with the row's values for its plain fields.

    A type whose resolvers need more of the row (the ids of what it links to) keeps it in a
    private `row` field.
    """
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    values = {
        field.python_name: getattr(row, field.python_name)
        for field in definition.fields
        if field.base_resolver is None
    }
    if "row" in cls.__dataclass_fields__:  # type: ignore[attr-defined]
        values["row"] = row
    return cls(**values)


def maybe_from_row(cls: type[T], row: Entity | None) -> T | None:
    """`from_row`, or None for a missing row."""
    return None if row is None else from_row(cls, row)


class _Loader(Protocol[R]):
    def load(self, key: str) -> Awaitable[R | None]: ...


async def load_one(cls: type[T], loader: _Loader[R], key: str | None) -> T | None:
    """The GraphQL object for the row `key` names through `loader`; None when `key` is None."""
    if key is None:
        return None
    return maybe_from_row(cls, await loader.load(key))
