"""Who is on the other end of a request, as far as the server can tell."""

from starlette.requests import HTTPConnection


def client_address(connection: HTTPConnection) -> str:
    """The address a request comes from, as the server saw it (behind a proxy, uvicorn's
    `--proxy-headers` makes it the client's); empty when the server does not say."""
    return connection.client.host if connection.client is not None else ""
