"""The OpenAPI document of the embedded stack (every service's routes): what generated
clients (the SDK's models among them, ``clients/python``) are built from."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from insightbus.cli.embedded import create_embedded_app
from insightbus.common.settings import Settings

SNAKE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data_dir: Path = tmp_path_factory.mktemp("openapi")
    # Not started: the document depends on the routes alone.
    return create_embedded_app(Settings(data_dir=data_dir)).openapi()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, ops in document["paths"].items()
        for method, op in ops.items()
        if method in METHODS
    ]


def test_operation_ids_are_short_unique_snake_case_names(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in operations(document)]
    for op_id in ids:
        assert SNAKE.fullmatch(op_id), op_id
        assert len(op_id) <= 32 and "api_v1" not in op_id, op_id
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert {"get_session", "list_sessions", "upload_content", "upload_tickets"} <= set(ids)
    assert {"get_ticket_job", "list_ticket_jobs", "rotate_webhook_secret"} <= set(ids)


def _schema_of(response: dict[str, Any]) -> str:
    ref: str = response["content"]["application/json"]["schema"]["$ref"]
    return ref.rsplit("/", 1)[-1]


def test_every_error_response_is_the_error_envelope(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert set(schemas["ErrorBody"]["required"]) == {"error"}
    assert {"status", "success", "error", "details"} == set(schemas["ErrorBody"]["properties"])
    # FastAPI's own 422 shape ({"detail": [...]}) is not what the API answers.
    assert "HTTPValidationError" not in schemas
    for method, path, op in operations(document):
        for code, response in op["responses"].items():
            if code.startswith(("4", "5")):
                assert _schema_of(response) == "ErrorBody", (method, path, code)
        codes = set(op["responses"])
        if op.get("security"):
            assert {"401", "429"} <= codes, (method, path, codes)
        if "{" in path and op.get("security"):
            assert "404" in codes, (method, path, codes)
        if op.get("parameters") or "requestBody" in op:
            assert "422" in codes, (method, path, codes)


def test_the_uploads_document_what_they_refuse(document: dict[str, Any]) -> None:
    content = document["paths"]["/api/v1/sessions/{session_id}/content"]["post"]
    assert {"401", "404", "409", "413", "415", "422", "429"} <= set(content["responses"])
    tickets = document["paths"]["/api/tickets/upload"]["post"]
    assert {"401", "409", "413", "422", "429"} <= set(tickets["responses"])
    for op in (content, tickets):
        headers = {p["name"].lower() for p in op["parameters"] if p["in"] == "header"}
        assert "idempotency-key" in headers


def test_each_model_has_a_schema_of_its_own(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    # When two models share a class name, FastAPI names both by their modules
    # ("insightbus__...__AcceptedOut") and generated clients lose one of them.
    for name in schemas:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name), name
        assert not re.search(r"[a-z]__[a-z]+__", name), name  # a module path: a collision
    content = document["paths"]["/api/v1/sessions/{session_id}/content"]["post"]
    tickets = document["paths"]["/api/tickets/upload"]["post"]
    content_out = schemas[_schema_of(content["responses"]["202"])]["properties"]["data"]
    tickets_out = schemas[_schema_of(tickets["responses"]["202"])]["properties"]["data"]
    assert content_out != tickets_out
    assert set(schemas[content_out["$ref"].rsplit("/", 1)[-1]]["properties"]) == {
        "content_id",
        "session_id",
        "status",
    }
    assert set(schemas[tickets_out["$ref"].rsplit("/", 1)[-1]]["properties"]) == {
        "session_id",
        "status",
        "total_tickets",
        "message",
    }


def test_api_keys_are_a_security_scheme_where_they_work(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": schemes["ApiKey"]["description"],
    }
    assert schemes["AccessToken"]["scheme"] == "bearer"
    paths = document["paths"]
    for path, method in [
        ("/api/v1/sessions/{session_id}", "get"),
        ("/api/v1/sessions", "post"),
        ("/api/tickets/upload", "post"),
    ]:
        assert paths[path][method]["security"] == [{"AccessToken": []}, {"ApiKey": []}]
    # Managing credentials takes a token: an API key cannot mint more keys.
    assert paths["/api/v1/api-keys"]["post"]["security"] == [{"AccessToken": []}]
