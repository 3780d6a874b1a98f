"""REST API: FastAPI's test client on databases built from the dev corpus; the OpenAPI schema fuzzed."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from recoupe.api import create_app

PUTIN = "L'Iran ne nous demande aucune assistance militaire"


@pytest.fixture(scope="module")
def client(gold_dev_db: Path) -> TestClient:
    return TestClient(create_app(gold_dev_db))


@pytest.fixture(scope="module")
def seeds_client(gold_seeds_db: Path) -> TestClient:
    return TestClient(create_app(gold_seeds_db))


def test_openapi_schema_lists_every_read_only_endpoint(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/api/articles", "/api/articles/{article_id}", "/api/stories", "/api/stories/{story_id}", "/api/quotes",
            "/api/quotes/{quote_id}", "/api/speakers", "/api/speakers/{name}", "/api/passages",
            "/api/search"} <= paths
    assert all(set(ops) == {"get"} for ops in schema["paths"].values())
    assert not any(p.startswith("/stories") for p in paths)  # HTML pages are not API


def test_quotes_filters_and_pagination(client: TestClient) -> None:
    everything = client.get("/api/quotes", params={"limit": 500}).json()
    assert everything["total"] == len(everything["items"]) > 50
    page = client.get("/api/quotes", params={"limit": 7, "offset": 7}).json()
    assert (page["total"], page["limit"], page["offset"]) == (everything["total"], 7, 7)
    assert [q["id"] for q in page["items"]] == [q["id"] for q in everything["items"][7:14]]
    multi = client.get("/api/quotes", params={"min_outlets": 2, "limit": 500}).json()
    assert multi["items"] and all(q["n_outlets"] >= 2 and not q["single_source"] for q in multi["items"])
    by_outlet = client.get("/api/quotes", params={"outlet": "Info Rivages", "limit": 500}).json()
    assert by_outlet["items"] and all("Info Rivages" in q["outlets"] for q in by_outlet["items"])
    story = client.get("/api/quotes", params={"story": "dev-S01", "limit": 500}).json()
    assert story["items"] and all("dev-S01" in q["story_ids"] for q in story["items"])
    dated = client.get("/api/quotes", params={"date_from": "2025-03-19", "date_to": "2025-03-19"}).json()
    assert dated["items"] and all(any(o["published"] == "2025-03-19" for o in q["occurrences"])
                                  for q in dated["items"])
    speaker = client.get("/api/speakers", params={"limit": 1}).json()["items"][0]
    by_speaker = client.get("/api/quotes", params={"speaker": speaker["name"], "limit": 500}).json()
    assert by_speaker["total"] == speaker["n_quotes"]


def test_one_of_each_and_404s(client: TestClient) -> None:
    story = client.get("/api/stories").json()["items"][0]
    detail = client.get(f"/api/stories/{story['id']}").json()
    assert len(detail["columns"]) >= 2 and detail["story"]["n_articles"] == story["n_articles"]
    quote = detail["quotes"][0]
    assert client.get(f"/api/quotes/{quote['id']}").json()["occurrences"] == quote["occurrences"]
    art = client.get("/api/articles", params={"story": story["id"]}).json()["items"][0]
    assert client.get(f"/api/articles/{art['id']}").json()["paragraphs"]
    name = client.get("/api/speakers").json()["items"][0]["name"]
    assert client.get(f"/api/speakers/{name}").json()["speaker"]["name"] == name
    assert client.get("/api/passages", params={"story": story["id"]}).status_code == 200
    for url in ["/api/stories/nope", "/api/quotes/nope", "/api/articles/nope", "/api/speakers/Personne"]:
        res = client.get(url)
        assert res.status_code == 404 and res.json()["error"]["status"] == 404


def test_errors_are_json_with_status(client: TestClient) -> None:
    for params in [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"date_from": "hier"}, {"min_outlets": 0},
                   {"sort": "random"}]:
        res = client.get("/api/quotes", params=params)
        assert res.status_code == 422 and res.headers["content-type"].startswith("application/json")
        assert res.json()["error"]["status"] == 422 and res.json()["error"]["message"]
    assert client.get("/api/search").status_code == 422
    res = client.get("/api/nothing-here")
    assert res.status_code == 404 and res.json()["error"]["status"] == 404
    assert client.post("/api/quotes").status_code == 405


def test_search_finds_the_putin_quote(seeds_client: TestClient) -> None:
    res = seeds_client.get("/api/search", params={"q": "assistance militaire"}).json()
    assert [q["text"] for q in res["quotes"]["items"]] == [PUTIN]
    assert res["quotes"]["items"][0]["n_outlets"] == 2 and res["articles"]["total"] == 2


def test_pipeline_built_dev_database(pipeline_dev_db: Path) -> None:
    """The dev corpus analysed end to end by recoupe.pipeline.run serves every list endpoint."""
    client = TestClient(create_app(pipeline_dev_db))
    for url in ["/api/articles", "/api/stories", "/api/quotes", "/api/speakers", "/api/passages"]:
        res = client.get(url, params={"limit": 500})
        assert res.status_code == 200, url
    assert client.get("/api/articles", params={"limit": 500}).json()["total"] == 24
    quotes = client.get("/api/quotes", params={"limit": 500}).json()
    assert quotes["total"] == len(quotes["items"]) > 50
    assert sum(len(q["occurrences"]) for q in quotes["items"]) >= quotes["total"]
    multi = client.get("/api/quotes", params={"min_outlets": 2, "limit": 500}).json()
    assert multi["total"] > 0 and all(len({o["article_id"] for o in q["occurrences"]}) >= 2 for q in multi["items"])
    stories = client.get("/api/stories", params={"limit": 500}).json()
    assert sum(s["n_articles"] for s in stories["items"]) == 24
    story = client.get(f"/api/stories/{stories['items'][0]['id']}").json()
    assert story["quotes"] and story["columns"]


def test_schemathesis_finds_no_server_error(pipeline_dev_db: Path) -> None:
    """Every API operation, fuzzed from its OpenAPI schema (30 cases each): no 5xx, responses match the schema."""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", create_app(pipeline_dev_db))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    calls = 0
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            nonlocal calls
            calls += 1
            case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])

        check()
    assert calls >= 10 * len(operations)
