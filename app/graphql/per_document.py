"""What is worked out once per parsed document and forgotten with it.

A cached document comes back on every request that sends it, so whatever follows from the
document alone (its NUL literals, its cost for given variables) is kept beside it. Kept by
identity: a document's own hash walks its whole tree, costlier than the work it would save.
"""

import weakref
from typing import Any, Generic, TypeVar

Value = TypeVar("Value")


class PerDocument(Generic[Value]):
    """One value per live document."""

    def __init__(self) -> None:
        self._values: dict[int, tuple[weakref.ref[Any], Value]] = {}

    def get(self, document: Any) -> Value | None:
        """The value kept for `document`, if any."""
        kept = self._values.get(id(document))
        if kept is None or kept[0]() is not document:
            return None
        return kept[1]

    def put(self, document: Any, value: Value) -> Value:
        """Keep `value` for `document` until it is gone; `value`."""
        key = id(document)
        values = self._values
        values[key] = (weakref.ref(document, lambda _gone: values.pop(key, None)), value)
        return value
