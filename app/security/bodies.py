"""Request bodies read with a cap, so that no front door holds more of a body in memory than
MAX_BODY_BYTES: one whose Content-Length is over the limit is refused unread, one without
(chunked) as soon as it passes the limit."""

from starlette.requests import Request


class BodyRefusedError(Exception):
    """A body not read: its message says why. `too_large` when it is over the limit (the
    message names the limit and what was found), else its Content-Length is no number."""

    def __init__(self, message: str, *, too_large: bool) -> None:
        super().__init__(message)
        self.too_large = too_large


async def read_capped(request: Request, limit: int) -> bytes:
    """The body of `request`, at most `limit` bytes, kept where Starlette's `Request.body()`
    (and so Strawberry) finds it; `BodyRefusedError` when it is larger."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise BodyRefusedError(
                "The Content-Length header is not a number of bytes.", too_large=False
            )
        if int(declared) > limit:
            raise BodyRefusedError(_too_large(f"{int(declared):,} bytes", limit), too_large=True)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyRefusedError(_too_large(f"more than {limit:,} bytes", limit), too_large=True)
        chunks.append(chunk)
    request._body = b"".join(chunks)
    return request._body


def _too_large(found: str, limit: int) -> str:
    return f"The request body holds {found}; at most {limit:,} are allowed (MAX_BODY_BYTES)."
