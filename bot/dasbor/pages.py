"""The dasbor's routes under ``/dasbor``: the one-time link, the area page, the posyandu table,
the posyandu page, the downloads (the chat's PDFs, the area's CSV) and the logout.

Every request is checked here, server-side: a live session (:mod:`bot.dasbor.access`), then
the scope of every area or posyandu the URL names, exactly as the chat's commands are scoped.
Every response carries the security headers (:data:`HEADERS`: a CSP without inline script,
no framing); a state-changing request (the logout) needs the session's CSRF token; no handler
error reaches the browser as a traceback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Match, Route

from bot.dasbor import render
from bot.dasbor.access import COOKIE, SESSION_TTL, Access, LinkRefused, Visitor, csrf_ok
from bot.dasbor.figures import AreaCache, AreaView, area_month, load_area
from bot.dasbor.posyandu_view import load_posyandu
from bot.documents import DocumentNotFound, month_now, render_document
from bot.logs import log_event
from bot.settings import Settings
from scoring import Period, PeriodError
from scoring.clock import Clock
from storage import Database
from storage.areas import Area, area_by_id
from storage.posyandu import Posyandu, posyandu_by_id, posyandu_under

__all__ = ["HEADERS", "Dasbor"]

log = logging.getLogger("posyandu.dasbor")

_HERE = Path(__file__).parent
#: On every response: scripts, styles and images from here only (no inline script: the one
#: script is static/dasbor.js, which fetches pages from here only), forms post here only,
#: never inside a frame, no referrer (a one-time link never leaves in a header).
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
        "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "private, no-store",
}
_Handler = Callable[[Request], Awaitable[Response]]
#: What /dasbor/static/ serves, with its media type.
_STATIC = {"dasbor.css": "text/css", "dasbor.js": "text/javascript"}


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(render.GLOBALS)
    return env


@dataclass
class Dasbor:
    db: Database
    access: Access
    settings: Settings
    clock: Clock
    #: Cookies marked Secure (the service is reached over https).
    secure: bool
    #: The reports of the areas last shown (see :class:`AreaCache`).
    cache: AreaCache = field(default_factory=AreaCache)

    def __post_init__(self) -> None:
        self.env = _environment()
        # Compiled now (about 30 ms) rather than by the first visitor's page.
        for name in self.env.list_templates(extensions=["html"]):
            self.env.get_template(name)

    def routes(self) -> list[Route]:
        g = self._guard
        return [
            Route("/dasbor/masuk/{token}", g(self.masuk), methods=["GET"]),
            Route("/dasbor/", g(self.home), methods=["GET"]),
            Route("/dasbor", g(self.home), methods=["GET"]),
            Route("/dasbor/keluar", g(self.keluar), methods=["POST"]),
            Route("/dasbor/wilayah/{area_id:int}", g(self.area), methods=["GET"]),
            Route("/dasbor/wilayah/{area_id:int}/posyandu", g(self.table), methods=["GET"]),
            Route("/dasbor/wilayah/{area_id:int}/rekap.pdf", g(self.area_pdf), methods=["GET"]),
            Route("/dasbor/wilayah/{area_id:int}/data.csv", g(self.csv), methods=["GET"]),
            Route("/dasbor/posyandu/{posyandu_id:int}", g(self.posyandu), methods=["GET"]),
            Route(
                "/dasbor/posyandu/{posyandu_id:int}/bulanan.pdf",
                g(self.monthly_pdf),
                methods=["GET"],
            ),
            Route("/dasbor/static/{name:str}", g(self.static), methods=["GET"]),
            # Anything else under /dasbor/: the dasbor's own page, with its headers.
            Route("/dasbor/{rest:path}", g(self.unknown)),
        ]

    # --- the frame of every answer ---------------------------------------------------------
    def _guard(self, handler: _Handler) -> _Handler:
        async def guarded(request: Request) -> Response:
            try:
                response = await handler(request)
            except Exception as exc:  # never a traceback in the browser
                log_event(log, "dasbor.error", logging.ERROR, error=type(exc).__name__)
                log.debug("dasbor.error", exc_info=exc)
                response = self.message(500, "error")
            response.headers.update(HEADERS)
            return response

        return guarded

    def page(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("visitor", None)
        html = self.env.get_template(template).render(**context)
        return HTMLResponse(html, status_code=status)

    def message(self, status: int, key: str, visitor: Visitor | None = None) -> HTMLResponse:
        """A page that says what happened (``dasbor.<key>.title`` / ``.body`` / ``.hint``)."""
        return self.page(
            "message.html",
            status,
            visitor=visitor,
            heading=render.t(f"dasbor.{key}.title"),
            body=render.t(f"dasbor.{key}.body"),
            hint=render.t(f"dasbor.{key}.hint"),
        )

    async def _visitor(self, request: Request) -> Visitor | None:
        return await self.access.visitor(request.cookies.get(COOKIE))

    # --- getting in and out ----------------------------------------------------------------
    async def masuk(self, request: Request) -> Response:
        opened = await self.access.open_link(str(request.path_params["token"]))
        if isinstance(opened, LinkRefused):
            status = 404 if opened is LinkRefused.UNKNOWN else 410
            return self.message(status, f"link.{opened.value}")
        cookie, visitor = opened
        log_event(log, "dasbor.login", person=visitor.scope.person.id)
        response = RedirectResponse("/dasbor/", status_code=303)
        response.set_cookie(
            COOKIE,
            cookie,
            max_age=int(SESSION_TTL.total_seconds()),
            path="/dasbor",
            secure=self.secure,
            httponly=True,
            samesite="lax",
        )
        return response

    async def home(self, request: Request) -> Response:
        visitor = await self._visitor(request)
        if visitor is None:
            return self.message(401, "signed_out")
        scope = visitor.scope
        if scope.area is not None:
            return RedirectResponse(f"/dasbor/wilayah/{scope.area.id}", status_code=303)
        if scope.person.posyandu_id is not None and not scope.person.role.sees_area:
            return RedirectResponse(f"/dasbor/posyandu/{scope.person.posyandu_id}", 303)
        return self.message(403, "no_scope", visitor)

    async def keluar(self, request: Request) -> Response:
        visitor = await self._visitor(request)
        if visitor is None:
            return self.message(401, "signed_out")
        form = await request.form()
        sent = form.get("csrf")
        if not csrf_ok(visitor, sent if isinstance(sent, str) else None):
            return self.message(403, "csrf", visitor)
        await self.access.logout(visitor)
        response = self.message(200, "logged_out")
        response.delete_cookie(COOKIE, path="/dasbor", secure=self.secure, httponly=True)
        return response

    # --- what the URL names, in scope ----------------------------------------------------
    async def _area(self, request: Request) -> tuple[Visitor, Area, Period | None] | Response:
        """The visitor, the area the URL names and the month asked (``?periode=``; None: now),
        or the page that refuses: signed out, no such area, outside the scope, a bad month."""
        visitor = await self._visitor(request)
        if visitor is None:
            return self.message(401, "signed_out")
        async with self.db.read() as conn:
            area = await area_by_id(conn, int(request.path_params["area_id"]))
        if area is None:
            return self.message(404, "not_found", visitor)
        if not visitor.scope.sees_area(area):
            return self.message(403, "out_of_scope", visitor)
        period = self._period(request)
        return period if isinstance(period, Response) else (visitor, area, period)

    async def _posyandu(
        self, request: Request
    ) -> tuple[Visitor, Posyandu, Period | None] | Response:
        """As :meth:`_area`, for the posyandu the URL names."""
        visitor = await self._visitor(request)
        if visitor is None:
            return self.message(401, "signed_out")
        async with self.db.read() as conn:
            found = await posyandu_by_id(conn, int(request.path_params["posyandu_id"]))
        if found is None:
            return self.message(404, "not_found", visitor)
        if not visitor.scope.sees_posyandu(found):
            return self.message(403, "out_of_scope", visitor)
        period = self._period(request)
        return period if isinstance(period, Response) else (visitor, found, period)

    def _period(self, request: Request) -> Period | Response | None:
        text = request.query_params.get("periode")
        if not text:
            return None
        try:
            return Period.parse(text)
        except PeriodError:
            return self.message(400, "bad_month")

    async def _view(
        self, visitor: Visitor, area: Area, period: Period | None, *, whole: bool
    ) -> AreaView:
        """The area's figures (through the cache), the crumbs stopping at the visitor's area."""
        assert visitor.scope.area is not None  # only a supervisor's scope has areas to show
        return await load_area(
            self.db,
            area,
            visitor.scope.area,
            period,
            self.clock.now(),
            self.settings.scoring(),
            whole=whole,
            cache=self.cache,
        )

    # --- pages -------------------------------------------------------------------------------
    async def area(self, request: Request) -> Response:
        found = await self._area(request)
        if isinstance(found, Response):
            return found
        visitor, area, period = found
        view = await self._view(visitor, area, period, whole=True)
        return self.page("area.html", visitor=visitor, **render.area_context(view, period))

    async def table(self, request: Request) -> Response:
        found = await self._area(request)
        if isinstance(found, Response):
            return found
        visitor, area, period = found
        view = await self._view(visitor, area, period, whole=False)
        context = render.table_context(view, period, dict(request.query_params))
        return self.page("table.html", visitor=visitor, **context)

    async def posyandu(self, request: Request) -> Response:
        found = await self._posyandu(request)
        if isinstance(found, Response):
            return found
        visitor, posyandu, period = found
        view = await load_posyandu(
            self.db,
            posyandu,
            visitor.scope.area,
            period,
            self.clock.now(),
            self.settings.scoring(),
        )
        context = render.posyandu_context(view, self.settings.scoring())
        return self.page("posyandu.html", visitor=visitor, **context)

    # --- downloads ---------------------------------------------------------------------------
    async def _document(
        self, visitor: Visitor, kind: str, params: dict[str, Any], period: Period
    ) -> Response:
        now = self.clock.now()
        params["period"] = str(period)
        try:
            doc = await render_document(self.db, kind, params, now, self.settings.scoring())
        except DocumentNotFound:
            return self.message(404, "no_document", visitor)
        return Response(
            doc.content,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{_safe(doc.filename)}"'},
        )

    async def _month_in(self, area: Area) -> Period:
        """The month it is now in ``area`` (a download asked without ``?periode=``)."""
        async with self.db.read() as conn:
            members = await posyandu_under(conn, area)
        return area_month(members, self.clock.now())

    async def monthly_pdf(self, request: Request) -> Response:
        found = await self._posyandu(request)
        if isinstance(found, Response):
            return found
        visitor, posyandu, period = found
        month = period or month_now(self.clock.now(), {posyandu.tz})
        return await self._document(visitor, "monthly_report", {"posyandu_id": posyandu.id}, month)

    async def area_pdf(self, request: Request) -> Response:
        found = await self._area(request)
        if isinstance(found, Response):
            return found
        visitor, area, period = found
        month = period or await self._month_in(area)
        return await self._document(visitor, "area_summary", {"area_id": area.id}, month)

    async def csv(self, request: Request) -> Response:
        found = await self._area(request)
        if isinstance(found, Response):
            return found
        _visitor, area, period = found
        # The command's own writer (bot.commands imports the service: imported when used).
        from bot.commands.export import area_csv

        last = period or await self._month_in(area)
        text = await area_csv(self.db, area, last.shift(-11), last, self.settings)
        name = _safe(f"posyandu-{area.code}-{last}.csv")
        return Response(
            text.encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    async def unknown(self, request: Request) -> Response:
        """A path of no page: 404; a page's path asked with another method: 405."""
        allowed = {
            method
            for route in self.routes()[:-1]
            if route.matches(request.scope)[0] is Match.PARTIAL
            for method in route.methods or ()
        }
        if allowed:
            response = self.message(405, "not_found")
            response.headers["Allow"] = ", ".join(sorted(allowed))
            return response
        return self.message(404, "not_found")

    async def static(self, request: Request) -> Response:
        """The stylesheet and the table's script: these two names only."""
        name = str(request.path_params["name"])
        media = _STATIC.get(name)
        if media is None:
            return self.message(404, "not_found")
        return FileResponse(_HERE / "static" / name, media_type=media)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)
