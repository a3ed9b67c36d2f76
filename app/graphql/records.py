"""Building GraphQL objects from table rows: plain attributes, copied once."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Optional, Protocol, TypeVar, cast

import strawberry

from app.domain.models import Entity
from app.graphql.context import Info
from app.graphql.observation import PayloadErrorCodes

T = TypeVar("T")
Resolver = TypeVar("Resolver", bound=Callable[..., Any])
R = TypeVar("R", bound=Entity, covariant=True)


def described(description: str) -> Any:
    """A plain field with its description."""
    return strawberry.field(description=description)


# The key of a root field's metadata saying that it reads by key: a few rows found by their
# keys, whatever the data set holds (app/graphql/planned/executor.py reads such a query in place).
BY_KEY = "leads.by_key"


def resolved(description: str, *, by_key: bool = False) -> Callable[[Resolver], Resolver]:
    """A field computed by the decorated resolver, with its description; `by_key` for a root
    field that reads only rows found by their keys.

    Typed, unlike `strawberry.field(description=...)`, so that resolvers keep their types.
    """
    decorator: Callable[[Resolver], Resolver] = strawberry.field(
        description=description, metadata={BY_KEY: True} if by_key else None
    )
    return decorator


def mutation(description: str) -> Callable[[Resolver], Resolver]:
    """A mutation field made by the decorated resolver, with its description; the codes of
    its payload's errors are noted for the request's log line and metrics."""
    decorator: Callable[[Resolver], Resolver] = strawberry.mutation(
        description=description, extensions=[PayloadErrorCodes()]
    )
    return decorator


@cache
def _plain_fields(cls: Any) -> tuple[tuple[str, ...], bool]:
    definition = cls.__strawberry_definition__
    names = tuple(field.python_name for field in definition.fields if field.base_resolver is None)
    return names, "row" in cls.__dataclass_fields__


def plain_fields(cls: type) -> tuple[str, ...]:
    """The attributes `from_row` copies into a GraphQL type's objects."""
    return _plain_fields(cast(Any, cls))[0]


def from_row(cls: type[T], row: Entity) -> T:
    """An object of the GraphQL type `cls` with the row's values for its plain fields.

    A type whose resolvers need more of the row (the ids of what it links to) keeps it in a
    private `row` field.
    """
    names, keeps_row = _plain_fields(cast(Any, cls))
    # A loaded column's value sits in the row's __dict__; reading it there skips the ORM's
    # attribute machinery. Anything else (a property such as a contact's name) is read.
    loaded = vars(row)
    values = {name: loaded[name] if name in loaded else getattr(row, name) for name in names}
    if keeps_row:
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


# The key of a field's metadata saying which records it reads; the planned executor
# (app/graphql/planned/) fetches them for a whole response up front.
LINK = "leads.link"


@dataclass(frozen=True)
class ToOne:
    """A field naming the record of `model` that the foreign key `foreign_key` of its object's
    row holds."""

    model: type[Entity]
    foreign_key: str


@dataclass(frozen=True)
class Items:
    """A field listing the rows of `model` whose `foreign_key` names its object's row, in the
    order they were added; only those whose `only[0]` is `only[1]` when `only` is given."""

    model: type[Entity]
    foreign_key: str
    only: tuple[str, Any] | None = None

    def keeps(self, row: Any) -> bool:
        """Whether the field lists this item."""
        return self.only is None or getattr(row, self.only[0]) == self.only[1]


def to_one(
    target: type[T],
    model: type[Entity],
    foreign_key: str,
    description: str,
    *,
    required: bool = False,
) -> Any:
    """A field with the `target` object for the record of `model` its row's `foreign_key`
    names; `required` when the database guarantees there is one."""
    link = ToOne(model, foreign_key)

    async def resolve(root: Any, info: Info) -> T | None:
        found = await load_one(
            target, info.context.loaders.records(model), getattr(root.row, foreign_key)
        )
        # A required reference is a foreign key that may not be null.
        assert found is not None or not required
        return found

    graphql_type: Any = target if required else Optional[target]  # noqa: UP045
    return strawberry.field(
        resolver=resolve,
        description=description,
        graphql_type=graphql_type,
        metadata={LINK: link},
    )


def items(
    target: type[T],
    model: type[Entity],
    description: str,
    *,
    only: tuple[str, Any] | None = None,
) -> Any:
    """A field listing the `target` objects for the items of `model` that belong to its
    row (by their `lead_id`), keeping those `only` selects."""
    link = Items(model, "lead_id", only)

    async def resolve(root: Any, info: Info) -> list[T]:
        rows = await info.context.loaders.items(model).load(root.row.id)
        return [from_row(target, row) for row in rows if link.keeps(row)]

    list_of: Any = list
    return strawberry.field(
        resolver=resolve,
        description=description,
        graphql_type=list_of[target],
        metadata={LINK: link},
    )
