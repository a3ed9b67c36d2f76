"""Offline GraphiQL explorer: the page and its pinned, locally served JS/CSS."""

from pathlib import Path

from starlette.staticfiles import StaticFiles

_ASSETS_DIR = Path(__file__).with_name("graphiql")
_STATIC_DIR = _ASSETS_DIR / "vendor"

GRAPHIQL_HTML: str = (_ASSETS_DIR / "index.html").read_text(encoding="utf-8")
"""The GraphiQL page for ``GET /graphql``; it loads its assets from ``/graphql/static/``."""


def static_files() -> StaticFiles:
    """Return a StaticFiles app serving the pinned GraphiQL assets, to mount at /graphql/static."""
    return StaticFiles(directory=_STATIC_DIR)
