"""A viewer's kernel imports only what its dashboard needs (issue 14).

Each dashboard is built in a fresh Python process as its notebook builds it (``XDashboard.from_url()`` on the
workbook of ``GLOACT_DB``), and the process says which modules it loaded: the folium maps (folium, branca,
Jinja), Excel through openpyxl (and Pillow, which openpyxl imports), the GIS stack, matplotlib and Voilà's
server side (``voila.utils`` loads jupyter_server and nbconvert: about 45 MB in every kernel) are loaded only by
the paths that use them, and those paths still work: presenter mode draws its folium map, the downloads are
written (an Excel file openpyxl reads back), a preheated kernel reads its visitor's address.
"""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys

import openpyxl
import pytest

from gloact_lib._lean import LEAN_KERNEL, LEAN_KERNEL_ENV
from gloact_lib.dashboards import links

#: Never loaded by a dashboard kernel that does not draw a folium map or write an Excel file with openpyxl.
HEAVY = ("folium", "branca", "jinja2", "geopandas", "shapely", "pyproj", "openpyxl", "PIL", "matplotlib",
         "xlsxwriter", "requests", "voila", "jupyter_server", "nbconvert", "pyarrow")  # fmt: skip
#: What a folium map needs (presenter mode).
FOLIUM = {"folium", "branca", "jinja2"}

#: Run in a fresh process: build a dashboard as its notebook does, report what was loaded and what it shows.
BUILD = """
import base64, json, os, sys
from gloact_lib.dashboards import {cls}

dashboard = {cls}.from_url()
slides = [getattr(dashboard, "map", None)]
message, buffers = dashboard.downloads.answer("xlsx")  # a click on "Download Excel"
print(json.dumps({{
    "loaded": sorted({{m.split(".")[0] for m, module in sys.modules.items() if module is not None}}),
    "ours": sorted(m for m, module in sys.modules.items() if module is not None and m.startswith("gloact_lib.")),
    "status": dashboard.status, "words": dashboard.downloads.words,
    "xlsx": [message, [base64.b64encode(b).decode() for b in buffers]],
    "map": "".join(s.value for s in slides if s is not None), "lang": dashboard.lang,
    "presenting": dashboard.presenting,
}}))
"""

#: A stand-in for Voilà's ``voila/query/<kernel id>`` websocket: it tells the preheated kernel its visitor's request.
VISITOR = """
import asyncio, json, os, threading
import websockets

async def tell(ws):
    assert ws.request.path == "/voila/query/kernel-1", ws.request.path
    await ws.send(json.dumps({"QUERY_STRING": os.environ["VISIT_QUERY"]}))

async def serve(ready):
    async with websockets.serve(tell, "127.0.0.1", 0) as server:
        os.environ["VOILA_APP_PORT"] = str(server.sockets[0].getsockname()[1])
        ready.set()
        await asyncio.Future()

ready = threading.Event()
threading.Thread(target=lambda: asyncio.run(serve(ready)), daemon=True).start()
ready.wait(10)
"""


def _build(db, cls: str, query: str = "", preheat: bool = False, lean: bool = True) -> dict:
    """Build ``cls`` in a fresh process as a kernel of ``gloact serve`` does (``lean``: pandas without pyarrow)."""
    env = {**os.environ, "GLOACT_DB": str(db), "QUERY_STRING": "" if preheat else query,
           **(LEAN_KERNEL if lean else {LEAN_KERNEL_ENV: "0", "PYTHONOPTIMIZE": ""})}  # fmt: skip
    code = BUILD.format(cls=cls)
    if preheat:  # as Voilà runs a preheated kernel: the address arrives by websocket, once the dashboard is built
        env.update(VOILA_PREHEAT="True", VOILA_KERNEL_ID="kernel-1", VOILA_APP_IP="127.0.0.1", VISIT_QUERY=query)
        env.pop("VOILA_WS_BASE_URL", None)
        env.pop("VOILA_SERVER_URL", None)
        code = VISITOR + code
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _xlsx(shown: dict) -> openpyxl.Workbook:
    """The Excel file the kernel answered a click with (it was asked before the loaded modules were listed)."""
    message, buffers = shown["xlsx"]
    assert message["file"].endswith(f"-{shown['lang']}.xlsx"), message
    return openpyxl.load_workbook(io.BytesIO(base64.b64decode(buffers[0])))


@pytest.mark.parametrize("cls", ["RoutesDashboard", "CommitmentsDashboard"])
def test_a_dashboard_kernel_loads_no_map_or_excel_library(built_db, cls):
    """Built and drawn, its Excel file written: no folium, no openpyxl, no GIS stack, no Voilà server side."""
    shown = _build(built_db, cls)
    assert shown["status"] and "err" not in shown["status"].lower()
    assert [m for m in HEAVY if m in shown["loaded"]] == []
    others = {"RoutesDashboard": ("commitments", "country"), "CommitmentsDashboard": ("routes", "country")}[cls]
    assert [m for m in shown["ours"] if m in {f"gloact_lib.dashboards.{o}" for o in others}] == []  # its own only
    if cls == "RoutesDashboard":  # nothing to import: the imports layer is not loaded
        assert not [m for m in shown["ours"] if m.startswith("gloact_lib.imports")], shown["ours"]
    assert shown["words"]["csv"] == "Download CSV" and shown["words"]["xlsx"] == "Download Excel"
    sheet = _xlsx(shown).active  # the Excel file, written without openpyxl, opens in openpyxl
    assert sheet["A1"].font.bold and sheet.freeze_panes is not None
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_pandas_loads_pyarrow_outside_a_served_kernel(built_db):
    """Only the kernels ``gloact serve`` starts go without pyarrow (and docstrings): an analyst's kernel (whose
    imports hand batches to DuckDB as Arrow tables) keeps pandas' default, and the dashboard shows the same figures
    and writes the same file either way."""
    lean, full = _build(built_db, "RoutesDashboard", lean=True), _build(built_db, "RoutesDashboard", lean=False)
    assert "pyarrow" in full["loaded"] and "pyarrow" not in lean["loaded"]
    rows = list(_xlsx(lean).active.values)
    assert len(rows) > 3 and rows == list(_xlsx(full).active.values)
    assert lean["status"] == full["status"]


def test_country_profile_kernel_loads_folium_only_for_its_map(built_db):
    """The country profile's page map is the folium route map (with the Missing Migrants incidents, which the live
    map does not draw): folium is loaded by its first drawing, and nothing else heavy is."""
    shown = _build(built_db, "CountryDashboard", "country=MLI")
    assert "gloact-map" in shown["map"] and "gloact-arc" in shown["map"]
    assert [m for m in HEAVY if m in shown["loaded"] and m not in FOLIUM | {"requests"}] == []
    assert _xlsx(shown).active["A1"].value.startswith("Country profile")


@pytest.mark.parametrize("cls", ["RoutesDashboard", "CountryDashboard"])
def test_presenter_mode_loads_folium_and_draws_its_map(built_db, cls):
    shown = _build(built_db, cls, "present=1&lang=fr")
    assert shown["presenting"] and shown["lang"] == "fr"
    assert FOLIUM <= set(shown["loaded"])
    assert "gloact-deck-map" in shown["map"] and "gloact-arc" in shown["map"]  # the map slide, legend beside it
    assert [m for m in ("openpyxl", "PIL", "geopandas", "matplotlib", "voila") if m in shown["loaded"]] == []


def test_preheated_kernel_reads_its_visitor_without_voila(built_db):
    """Built before the visit, then set from the address the server sends (``voila/query/<kernel id>``)."""
    shown = _build(built_db, "RoutesDashboard", "lang=fr&country=NER", preheat=True)
    assert shown["lang"] == "fr" and shown["words"]["xlsx"] == "Télécharger (Excel)"
    assert _xlsx(shown).active["A1"].value.startswith("Itinéraires")
    assert [m for m in HEAVY if m in shown["loaded"]] == []


def test_visitor_websocket_is_the_one_voila_uses(monkeypatch):
    """:func:`gloact_lib.dashboards.links._wait_for_visitor` stands in for ``voila.utils.wait_for_request``: the same
    address and the same environment afterwards (checked against the installed Voilà)."""
    voila_utils = pytest.importorskip("voila.utils")
    for name, value in (("VOILA_PREHEAT", "True"), ("VOILA_KERNEL_ID", "k-42"), ("VOILA_APP_IP", "127.0.0.9"),
                        ("VOILA_APP_PORT", "8999"), ("VOILA_SERVER_URL", "/base/"), ("VOILA_WS_PROTOCOL", "wss")):
        monkeypatch.setenv(name, value)  # fmt: skip
    monkeypatch.delenv("VOILA_WS_BASE_URL", raising=False)
    asked = []

    async def request_info(url):
        asked.append(url)
        return json.dumps({"QUERY_STRING": "country=NER"})

    monkeypatch.setattr(voila_utils, "_get_request_info", request_info)
    monkeypatch.setenv("QUERY_STRING", "")
    voila_utils.wait_for_request()
    assert asked == [links._query_url()] == ["wss://127.0.0.9:8999/base/voila/query/k-42"]
    assert os.environ["QUERY_STRING"] == "country=NER"


def test_a_busy_server_does_not_lose_the_visitors_address(monkeypatch):
    """The server's websocket not there yet when the preheated kernel first knocks (refused: a busy server): the
    kernel tries again and still gets its visitor's address, instead of showing the default view."""
    import asyncio
    import socket
    import threading
    import time

    import websockets

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for name, value in (("VOILA_PREHEAT", "True"), ("VOILA_KERNEL_ID", "k-7"), ("VOILA_APP_IP", "127.0.0.1"),
                        ("VOILA_APP_PORT", str(port)), ("VOILA_SERVER_URL", "/"), ("QUERY_STRING", "")):
        monkeypatch.setenv(name, value)  # fmt: skip
    monkeypatch.delenv("VOILA_WS_BASE_URL", raising=False)

    async def answer(ws):
        await ws.send(json.dumps({"QUERY_STRING": "country=NER&unit=persons"}))

    def serve_late():
        async def main():
            async with websockets.serve(answer, "127.0.0.1", port):
                await asyncio.sleep(5)
        time.sleep(1.5)  # the first knocks are refused
        asyncio.run(main())

    server = threading.Thread(target=serve_late, daemon=True)
    server.start()
    assert links.url_parameters() == {"country": "NER", "unit": "persons"}
    server.join()
