"""The page's address: its query-string parameters and a country given in a link by code or name."""

from __future__ import annotations

import json
import os
import threading
import warnings
from urllib.parse import parse_qs

from gloact_lib.i18n import LANGUAGES

__all__ = ["VISITOR_CONNECT_SECONDS", "url_country", "url_parameters"]

#: How long a preheated kernel keeps trying to reach the server's websocket that names its visitor.
VISITOR_CONNECT_SECONDS = 60


def url_parameters() -> dict[str, str]:
    """Query-string parameters of the page (``?country=NER&lang=fr``), or {} outside Voilà.

    With a preheated kernel the notebook runs before any request: :func:`_wait_for_visitor` waits for the
    visitor's request first (what Voilà's ``get_query_string`` does).
    """
    if os.environ.get("VOILA_PREHEAT") == "True":
        _wait_for_visitor()
    query = os.environ.get("QUERY_STRING", "")
    return {k: v[-1] for k, v in parse_qs(query).items()}


def _query_url() -> str:
    """The Voilà server's websocket that tells a preheated kernel about its visitor's request (as Voilà builds it)."""
    protocol = os.environ.get("VOILA_WS_PROTOCOL", "ws")
    ip, port = os.environ.get("VOILA_APP_IP", "127.0.0.1"), os.environ.get("VOILA_APP_PORT", "8866")
    base = os.environ.get("VOILA_WS_BASE_URL", os.environ.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{ip}:{port}{base}voila/query/{os.environ.get('VOILA_KERNEL_ID')}"


def _wait_for_visitor() -> None:
    """Wait for the visitor of a preheated kernel and put their request's variables (``QUERY_STRING``...) into the
    environment: Voilà's ``voila.utils.wait_for_request``, without importing ``voila`` in the kernel (``voila.utils``
    loads jupyter_server, nbconvert and jsonschema: about 45 MB in every dashboard kernel, for one websocket).

    The websocket is read in a thread of its own (the kernel's own event loop is running).  The kernel connects
    while the server is still starting the other pools' kernels: a busy server may not answer the first handshake
    within seconds, and a kernel that gave up would show its visitor the default view whatever their address
    asked for (seen in CI: a deep link's selection lost).  So it tries again for up to
    :data:`VISITOR_CONNECT_SECONDS`; a server that cannot be reached by then leaves the environment as it is, with
    a warning, as Voilà does.
    """
    import asyncio
    import time

    import websockets

    found: list[str] = []

    async def receive() -> None:
        deadline = time.monotonic() + VISITOR_CONNECT_SECONDS
        while True:
            try:
                async with websockets.connect(_query_url(), open_timeout=10) as ws:
                    found.append(await ws.recv())
                return
            except (TimeoutError, OSError):  # OSError: refused, reset (the server busy or restarting)
                if time.monotonic() > deadline:
                    warnings.warn(f"Failed to connect to {_query_url()}", stacklevel=2)
                    return
                await asyncio.sleep(0.5)

    thread = threading.Thread(target=lambda: asyncio.run(receive()))
    thread.start()
    thread.join()
    for key, value in (json.loads(found[0]) if found else {}).items():
        os.environ[key] = value


def url_country(value: str) -> str:
    """A country given in a link, as its ISO alpha-3 code: a code or a name in English or French
    (``?country=Nigeria``); what is no country is returned upper-cased (and then ignored by the dashboard).

    Examples
    --------
    >>> url_country("nigeria"), url_country("Maroc"), url_country("ner"), url_country("nowhere")
    ('NGA', 'MAR', 'NER', 'NOWHERE')
    """
    from gloact_lib.data.countries import CountryError, resolve_country

    try:
        return resolve_country(value)
    except (CountryError, ValueError):
        return value.strip().upper()


def _url_lang(params: dict[str, str]) -> str:
    return params["lang"] if params.get("lang") in LANGUAGES else "en"
