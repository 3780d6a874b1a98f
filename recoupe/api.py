"""REST API and web UI over one recoupe database (extra `web`): read-only, every answer from recoupe.query."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote as urlquote

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException

from recoupe.corroborate import CorroboratedQuote, SpeakerSummary
from recoupe.query import (
    MAX_LIMIT,
    ArticleDetail,
    ArticleSummary,
    Page,
    PassageRecord,
    QueryError,
    QuoteSort,
    Recoupe,
    SearchResults,
    SpeakerDetail,
    StoryDetail,
    StorySummary,
)
from recoupe.query import open as open_db
from recoupe.web.timeline import timeline_svg

WEB = Path(__file__).resolve().parent / "web"
# inline scripts never run, even if some text escaped the templates' escaping
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'"

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, le=2**31, description="Items to skip.")]
Text = Annotated[str | None, Query(max_length=200, description="Words that must all appear.")]


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)


def create_app(db: str | Path | Recoupe) -> FastAPI:
    """The FastAPI app serving the JSON API under /api and the web UI at /, over one database."""
    rq = db if isinstance(db, Recoupe) else open_db(db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if rq is not db:
            rq.close()  # the app opened it: its worker threads' cursors go with it

    app = FastAPI(
        lifespan=lifespan,
        title="recoupe",
        summary="Who said what, reported by whom, and when: corroborated quotations from news articles.",
        version="0.1.0",
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI loads its scripts from a CDN: not offline
        redoc_url=None,
    )
    app.state.db = rq
    env = Environment(
        loader=FileSystemLoader(str(WEB / "templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["u"] = lambda s: urlquote(str(s), safe="")
    env.globals["outlet_label"] = _outlet_label
    app.mount("/static", StaticFiles(directory=str(WEB / "static")), name="static")

    def page(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        body = env.get_template(template).render(**context)
        return HTMLResponse(body, status_code=status_code, headers={"Content-Security-Policy": CSP})

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.url.path == "/api"

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if wants_json(request):
            return _error(exc.status_code, str(exc.detail))
        return page("error.html", exc.status_code, status=exc.status_code, message=str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}" for e in exc.errors()
        )
        if wants_json(request):
            return _error(422, problems)
        return page("error.html", 422, status=422, message=problems)

    @app.exception_handler(QueryError)
    async def bad_query(request: Request, exc: QueryError) -> Response:
        if wants_json(request):
            return _error(400, str(exc))
        return page("error.html", 400, status=400, message=str(exc))

    def found(item: Any, what: str, key: str) -> Any:
        if item is None:
            raise HTTPException(404, f"no {what} {key!r}")
        return item

    # -- JSON API -------------------------------------------------------------------------------
    @app.get("/api/articles", response_model=Page[ArticleSummary], tags=["articles"])
    def list_articles(
        outlet: Annotated[str | None, Query(max_length=200)] = None,
        story: Annotated[str | None, Query(max_length=200)] = None,
        date_from: date | None = None,
        date_to: date | None = None,
        q: Text = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[ArticleSummary]:
        """Articles, filtered by outlet, story, publication dates and words, in publication order."""
        return rq.articles(outlet, story, _iso(date_from), _iso(date_to), q, limit, offset)

    @app.get("/api/articles/{article_id:path}", response_model=ArticleDetail, tags=["articles"],
             responses={404: {"description": "No such article"}})
    def get_article(article_id: str) -> ArticleDetail:
        """One article with its paragraphs, shared paragraphs marked and quotations cut out."""
        return found(rq.article(article_id), "article", article_id)  # type: ignore[no-any-return]

    @app.get("/api/stories", response_model=Page[StorySummary], tags=["stories"])
    def list_stories(q: Text = None, limit: Limit = 50, offset: Offset = 0) -> Page[StorySummary]:
        """Stories with their dates and how many articles and outlets, most outlets first."""
        return rq.stories(q, limit, offset)

    @app.get("/api/stories/{story_id:path}", response_model=StoryDetail, tags=["stories"],
             responses={404: {"description": "No such story"}})
    def get_story(story_id: str) -> StoryDetail:
        """A story: its articles by outlet and its quotations with the outlets carrying each."""
        return found(rq.story(story_id), "story", story_id)  # type: ignore[no-any-return]

    @app.get("/api/quotes", response_model=Page[CorroboratedQuote], tags=["quotes"])
    def list_quotes(
        speaker: Annotated[str | None, Query(max_length=200, description="Canonical name or alias.")] = None,
        outlet: Annotated[str | None, Query(max_length=200)] = None,
        story: Annotated[str | None, Query(max_length=200)] = None,
        date_from: date | None = None,
        date_to: date | None = None,
        q: Text = None,
        min_outlets: Annotated[int | None, Query(ge=1, le=10_000)] = None,
        sort: QuoteSort = "date",
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[CorroboratedQuote]:
        """Corroborated quotations with every article reporting them, filtered; pages of `limit`."""
        return rq.quotes(speaker, outlet, story, _iso(date_from), _iso(date_to), q, min_outlets, sort, limit, offset)

    @app.get("/api/quotes/{quote_id:path}", response_model=CorroboratedQuote, tags=["quotes"],
             responses={404: {"description": "No such quotation"}})
    def get_quote(quote_id: str) -> CorroboratedQuote:
        """One quotation: occurrences, outlets, first seen, wording variants with word diffs."""
        return found(rq.quote(quote_id), "quotation", quote_id)  # type: ignore[no-any-return]

    @app.get("/api/speakers", response_model=Page[SpeakerSummary], tags=["speakers"])
    def list_speakers(q: Text = None, limit: Limit = 50, offset: Offset = 0) -> Page[SpeakerSummary]:
        """Speakers, most quoted first; `q` matches names and aliases."""
        return rq.speakers(q, limit, offset)

    @app.get("/api/speakers/{name:path}", response_model=SpeakerDetail, tags=["speakers"],
             responses={404: {"description": "No such speaker"}})
    def get_speaker(name: str, limit: Limit = MAX_LIMIT, offset: Offset = 0) -> SpeakerDetail:
        """A speaker (canonical name or alias) with a page of quotations and reports per day and outlet."""
        return found(rq.speaker(name, limit, offset), "speaker", name)  # type: ignore[no-any-return]

    @app.get("/api/passages", response_model=Page[PassageRecord], tags=["passages"])
    def list_passages(
        article: Annotated[str | None, Query(max_length=200)] = None,
        story: Annotated[str | None, Query(max_length=200)] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[PassageRecord]:
        """Paragraphs shared by several articles, with where each stands."""
        return rq.passages(article, story, limit, offset)

    @app.get("/api/search", response_model=SearchResults, tags=["search"])
    def search(q: Annotated[str, Query(min_length=1, max_length=200)], limit: Limit = 20,
               offset: Offset = 0) -> SearchResults:
        """Quotations and articles containing every word of `q` (case, accents and typography ignored)."""
        return rq.search(q, limit, offset)

    # -- web UI ---------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def ui_stories(q: Text = None, offset: Offset = 0) -> HTMLResponse:
        return page("stories.html", stories=rq.stories(q, 50, offset), q=q or "")

    @app.get("/stories/{story_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def ui_story(story_id: str) -> HTMLResponse:
        return page("story.html", story=found(rq.story(story_id), "story", story_id))

    @app.get("/speakers", response_class=HTMLResponse, include_in_schema=False)
    def ui_speakers(q: Text = None, offset: Offset = 0) -> HTMLResponse:
        return page("speakers.html", speakers=rq.speakers(q, 100, offset), q=q or "")

    @app.get("/speakers/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def ui_speaker(name: str, offset: Offset = 0) -> HTMLResponse:
        detail: SpeakerDetail = found(rq.speaker(name, 200, offset), "speaker", name)
        return page("speaker.html", sp=detail, svg=timeline_svg(detail.timeline))

    @app.get("/quotes/{quote_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def ui_quote(quote_id: str) -> HTMLResponse:
        return page("quote.html", quote=found(rq.quote(quote_id), "quotation", quote_id))

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def ui_article(article_id: str) -> HTMLResponse:
        return page("article.html", article=found(rq.article(article_id), "article", article_id))

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def ui_search(q: Text = None, offset: Offset = 0) -> HTMLResponse:
        results = rq.search(q, 50, offset) if q and q.strip() else None
        return page("search.html", results=results, q=q or "")

    return app


def _outlet_label(outlet: str | None, file: str | None = None) -> str:
    """How an outlet is shown: its name, or that it is unknown (with the article's file)."""
    if outlet:
        return outlet
    return f"média inconnu ({file})" if file else "média inconnu"


def serve(db: str | Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the API and web UI with uvicorn (loopback unless told otherwise)."""
    import uvicorn

    uvicorn.run(create_app(db), host=host, port=port, log_level="info")
