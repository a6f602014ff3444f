"""The dasbor's routes under ``/dasbor``: the one-time link (its page, and its button's POST),
the area page, the posyandu table, the posyandu page, the downloads (the chat's PDFs, the
area's CSV), the child register's pages (a posyandu's weighings of a month, a child's page:
names, for the posyandu's kader and its desa's supervisors only, each view audited) and the
logout.

Every request is checked here, server-side: a live session (:mod:`bot.dasbor.access`), then
the scope of every area or posyandu the URL names, exactly as the chat's commands are scoped
(outside it, the same 404 as for an id that does not exist). Every response carries the
security headers (:data:`HEADERS`: a CSP without inline script, no framing); a
state-changing request (the logout) needs the session's CSRF token, the link's button the
link's token; a method a page does not serve gets the dasbor's 405 page; no handler error
reaches the browser as a traceback.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route, request_response
from starlette.types import ASGIApp, Receive, Send
from starlette.types import Scope as AsgiScope

from bot.dasbor import render
from bot.dasbor.access import (
    COOKIE,
    SESSION_TTL,
    Access,
    LinkRefused,
    Scope,
    Visitor,
    csrf_ok,
)
from bot.dasbor.children_view import (
    PrevalenceCache,
    load_child,
    load_prevalence,
    load_weighings,
)
from bot.dasbor.figures import AreaCache, AreaView, area_month, load_area
from bot.dasbor.posyandu_view import load_posyandu
from bot.documents import DocumentNotFound, month_now
from bot.forms import FORM_KINDS, render_file
from bot.logs import log_event
from bot.settings import Settings
from conversations.periods import format_period
from scoring import FIRST_REPORT_PERIOD, Period, PeriodError
from scoring.clock import Clock
from storage import Connection, Database
from storage.areas import Area, area_by_id
from storage.children import Actor
from storage.cipher import RegisterCipher
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
_Row = TypeVar("_Row")
#: What a page answers (HEAD as GET, without the body).
_READ = frozenset({"GET", "HEAD"})
_POST = frozenset({"POST"})
#: The largest id a row can have (SQLite's INTEGER, PostgreSQL's BIGINT).
_MAX_ID = 2**63 - 1
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
    #: The child register's cipher (None: the register is off; its pages say so).
    register: RegisterCipher | None = None
    #: The reports of the areas last shown (see :class:`AreaCache`).
    cache: AreaCache = field(default_factory=AreaCache)
    #: The prevalence of the areas last shown (see :class:`PrevalenceCache`).
    prevalence: PrevalenceCache = field(default_factory=PrevalenceCache)

    def __post_init__(self) -> None:
        self.env = _environment()
        self.growth = self.settings.growth()
        # Compiled now (about 30 ms) rather than by the first visitor's page.
        for name in self.env.list_templates(extensions=["html"]):
            self.env.get_template(name)

    def routes(self) -> list[Route]:
        """Every path under ``/dasbor``. A route takes every method and its guard answers one
        it does not serve with the dasbor's 405 page (never Starlette's bare one)."""
        g = self._guard
        return [
            Route("/dasbor/masuk/{token}", g(self.masuk)),
            Route("/dasbor/masuk", g(self.masuk_post, _POST)),
            Route("/dasbor/", g(self.home)),
            Route("/dasbor", g(self.home)),
            Route("/dasbor/keluar", g(self.keluar, _POST)),
            Route("/dasbor/wilayah/{area_id:int}", g(self.area)),
            Route("/dasbor/wilayah/{area_id:int}/posyandu", g(self.table)),
            Route("/dasbor/wilayah/{area_id:int}/rekap.pdf", g(self.area_pdf)),
            Route("/dasbor/wilayah/{area_id:int}/data.csv", g(self.csv)),
            Route("/dasbor/wilayah/{area_id:int}/f2.xlsx", g(self.area_xlsx)),
            Route("/dasbor/posyandu/{posyandu_id:int}", g(self.posyandu)),
            Route("/dasbor/posyandu/{posyandu_id:int}/bulanan.pdf", g(self.monthly_pdf)),
            Route("/dasbor/posyandu/{posyandu_id:int}/f1.xlsx", g(self.monthly_xlsx)),
            Route("/dasbor/posyandu/{posyandu_id:int}/penimbangan", g(self.weighings)),
            Route("/dasbor/anak/{child_id:int}", g(self.child)),
            Route("/dasbor/static/{name:str}", g(self.static)),
            # Anything else under /dasbor/: the dasbor's own page, with its headers.
            Route("/dasbor/{rest:path}", g(self.unknown, None)),
        ]

    # --- the frame of every answer ---------------------------------------------------------
    def _guard(self, handler: _Handler, allowed: frozenset[str] | None = _READ) -> ASGIApp:
        """``handler`` for the methods ``allowed`` (None: any; any other: the 405 page), with
        the security headers, and never a traceback in the browser. An ASGI app, not a
        function: Starlette routes every method to it (a function endpoint gets GET only, and
        Starlette's bare 405 for the rest)."""

        async def guarded(request: Request) -> Response:
            response: Response
            try:
                if allowed is not None and request.method not in allowed:
                    response = self.message(405, "method")
                    response.headers["Allow"] = ", ".join(sorted(allowed))
                else:
                    response = await handler(request)
            except Exception as exc:  # never a traceback in the browser
                log_event(log, "dasbor.error", logging.ERROR, error=type(exc).__name__)
                log.debug("dasbor.error", exc_info=exc)
                response = self.message(500, "error")
            response.headers.update(HEADERS)
            return response

        return _AnyMethod(guarded)

    def page(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("visitor", None)
        html = self.env.get_template(template).render(**context)
        return HTMLResponse(html, status_code=status)

    def message(
        self, status: int, key: str, visitor: Visitor | None = None, **values: object
    ) -> HTMLResponse:
        """A page that says what happened (``dasbor.<key>.title`` / ``.body`` / ``.hint``,
        with ``values`` filled in)."""
        return self.page(
            "message.html",
            status,
            visitor=visitor,
            heading=render.t(f"dasbor.{key}.title", **values),
            body=render.t(f"dasbor.{key}.body", **values),
            hint=render.t(f"dasbor.{key}.hint", **values),
        )

    async def _visitor(self, request: Request) -> Visitor | None:
        return await self.access.visitor(request.cookies.get(COOKIE))

    # --- getting in and out ----------------------------------------------------------------
    async def masuk(self, request: Request) -> Response:
        """A one-time link asked (GET or HEAD: a person, or a chat app's preview): a page with
        one button whose POST opens it; nothing is spent here."""
        token = str(request.path_params["token"])
        checked = await self.access.check_link(token)
        if isinstance(checked, LinkRefused):
            return self._refused(checked)
        return self.page("masuk.html", token=token)

    async def masuk_post(self, request: Request) -> Response:
        """The button of :meth:`masuk`: the link's token (the secret of the form) opens it,
        spends it and starts the session."""
        form = await request.form()
        token = form.get("token")
        opened = await self.access.open_link(token if isinstance(token, str) else "")
        if isinstance(opened, LinkRefused):
            return self._refused(opened)
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

    def _refused(self, why: LinkRefused) -> Response:
        return self.message(404 if why is LinkRefused.UNKNOWN else 410, f"link.{why.value}")

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
        or the page that refuses (:meth:`_named`)."""
        return await self._named(request, "area_id", area_by_id, Scope.sees_area)

    async def _posyandu(
        self, request: Request
    ) -> tuple[Visitor, Posyandu, Period | None] | Response:
        """As :meth:`_area`, for the posyandu the URL names."""
        return await self._named(request, "posyandu_id", posyandu_by_id, Scope.sees_posyandu)

    async def _named(
        self,
        request: Request,
        param: str,
        load: Callable[[Connection, int], Awaitable[_Row | None]],
        sees: Callable[[Scope, _Row], bool],
    ) -> tuple[Visitor, _Row, Period | None] | Response:
        """The visitor, the row the URL's ``param`` names (``load``) and the month asked, or the
        page that refuses: signed out (401), no such row or outside the scope (404 alike:
        nothing said of what exists outside one's own), a month that is no month or outside
        :meth:`_period`'s range (400)."""
        visitor = await self._visitor(request)
        if visitor is None:
            return self.message(401, "signed_out")
        row_id = _row_id(request, param)
        found = None
        if row_id is not None:
            async with self.db.read() as conn:
                found = await load(conn, row_id)
        if found is None or not sees(visitor.scope, found):
            return self.message(404, "not_found", visitor)
        period = self._period(request)
        return period if isinstance(period, Response) else (visitor, found, period)

    def _period(self, request: Request) -> Period | Response | None:
        """``?periode=``: None when not asked; a month from :data:`FIRST_REPORT_PERIOD` to the
        month after this one (in ``DEFAULT_TIMEZONE``); else the 400 page."""
        text = request.query_params.get("periode")
        if not text:
            return None
        try:
            period = Period.parse(text)
        except PeriodError:
            return self.message(400, "bad_month")
        latest = month_now(self.clock.now(), {ZoneInfo(self.settings.default_timezone)})
        if not FIRST_REPORT_PERIOD <= period <= latest.shift(1):
            return self.message(
                400,
                "month_out_of_range",
                first=format_period(FIRST_REPORT_PERIOD),
                last=format_period(latest.shift(1)),
            )
        return period

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
        counted = await load_prevalence(
            self.db, area, view.period, self.growth, self.clock.now(), self.prevalence
        )
        zone = ZoneInfo(self.settings.default_timezone)
        return self.page(
            "area.html",
            visitor=visitor,
            prevalence=render.prevalence_context(counted, zone),
            **render.area_context(view, period),
        )

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
        names = self.register is not None and visitor.scope.sees_names(posyandu)
        return self.page("posyandu.html", visitor=visitor, names=names, **context)

    # --- the child register (names: each view audited) ----------------------------------
    async def weighings(self, request: Request) -> Response:
        """A posyandu's weighings of a month with the children's names: its kader and its
        desa's supervisors; a supervisor above desa level who sees the posyandu gets 403
        (counts only), anyone else the 404 of an unknown posyandu."""
        found = await self._posyandu(request)
        if isinstance(found, Response):
            return found
        visitor, posyandu, period = found
        if not visitor.scope.sees_names(posyandu):
            return self.message(403, "names_above_desa", visitor)
        if self.register is None:
            return self.message(404, "register_off", visitor)
        month = period or month_now(self.clock.now(), {posyandu.tz})
        listed = await load_weighings(
            self.db,
            self.register,
            posyandu,
            month,
            self.growth,
            who=Actor(person_id=visitor.scope.person.id),
            now=self.clock.now(),
        )
        return self.page("weighings.html", visitor=visitor, **render.weighings_context(listed))

    async def child(self, request: Request) -> Response:
        """A child's page (its weighings over time; the KMS chart's slot): as
        :meth:`weighings`, but a child outside the names' scope is the 404 of an unknown
        one (no telling which children exist)."""
        visitor = await self._visitor(request)
        if visitor is None:
            return self.message(401, "signed_out")
        child_id = _row_id(request, "child_id")
        if self.register is None:
            return self.message(404, "register_off", visitor)
        view = None
        if child_id is not None:
            view = await load_child(
                self.db,
                self.register,
                child_id,
                visitor.scope.sees_names,
                self.growth,
                who=Actor(person_id=visitor.scope.person.id),
                now=self.clock.now(),
            )
        if view is None:
            return self.message(404, "not_found", visitor)
        return self.page("child.html", visitor=visitor, **render.child_context(view))

    # --- downloads ---------------------------------------------------------------------------
    async def _document(
        self, visitor: Visitor, kind: str, params: dict[str, Any], period: Period
    ) -> Response:
        now = self.clock.now()
        params["period"] = str(period)
        form = kind in FORM_KINDS
        try:
            doc = await render_file(
                self.db, kind, params, now, self.settings.scoring(), self.growth
            )
        except DocumentNotFound:
            return self.message(404, "no_document", visitor)
        return Response(
            doc.content,
            media_type=_XLSX if form else "application/pdf",
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

    async def monthly_xlsx(self, request: Request) -> Response:
        """The posyandu's F1 form of the month, as its PDF is scoped."""
        found = await self._posyandu(request)
        if isinstance(found, Response):
            return found
        visitor, posyandu, period = found
        month = period or month_now(self.clock.now(), {posyandu.tz})
        return await self._document(visitor, "f1_form", {"posyandu_id": posyandu.id}, month)

    async def area_xlsx(self, request: Request) -> Response:
        """The area's F2 recap of the month, as its PDF summary is scoped."""
        found = await self._area(request)
        if isinstance(found, Response):
            return found
        visitor, area, period = found
        month = period or await self._month_in(area)
        return await self._document(visitor, "f2_form", {"area_id": area.id}, month)

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
        """A path of no page (a page's own path asked with a method it does not serve is its
        guard's 405)."""
        return self.message(404, "not_found")

    async def static(self, request: Request) -> Response:
        """The stylesheet and the table's script: these two names only."""
        name = str(request.path_params["name"])
        media = _STATIC.get(name)
        if media is None:
            return self.message(404, "not_found")
        return FileResponse(_HERE / "static" / name, media_type=media)


class _AnyMethod:
    """A request handler as an ASGI app (see :meth:`Dasbor._guard`)."""

    def __init__(self, handler: _Handler) -> None:
        self._app = request_response(handler)

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)


def _row_id(request: Request, name: str) -> int | None:
    """The id the URL names, or None beyond the databases' integer range (no row has it)."""
    value = int(request.path_params[name])
    return value if value <= _MAX_ID else None


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)
