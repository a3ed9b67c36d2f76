"""What every paged list shares: Relay's edges, nodes and `PageInfo`."""

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry

from app.graphql.records import described

Node = TypeVar("Node")


@strawberry.type(description="Where a page stands in the whole list.")
class PageInfo:
    has_next_page: bool = described("Whether items follow this page.")
    has_previous_page: bool = described("Whether items come before this page.")
    start_cursor: str | None = described("The cursor of the first item of the page.")
    end_cursor: str | None = described("The cursor of the last item of the page.")


@strawberry.type(description="An item of a list, with its cursor.")
class Edge(Generic[Node]):
    cursor: str = described("Pass it as `after` to continue after this item.")
    node: Node = described("The item.")


@strawberry.type(description="A page of a list.")
class Connection(Generic[Node]):
    edges: list[Edge[Node]] = described("The items of the page with their cursors.")
    nodes: list[Node] = described("The items of the page.")
    page_info: PageInfo = described("Where the page stands in the whole list.")


def connection_fields(
    nodes: list[Node], cursor: Callable[[Node], str], has_next: bool, has_previous: bool
) -> dict[str, Any]:
    """The edges, nodes and page info of a page of `nodes`, for a `Connection`."""
    edges = [Edge(cursor=cursor(node), node=node) for node in nodes]
    return {
        "edges": edges,
        "nodes": nodes,
        "page_info": PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    }
