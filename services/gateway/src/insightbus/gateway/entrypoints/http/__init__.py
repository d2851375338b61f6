"""The gateway's HTTP API: one router per feature, in the order they are mounted."""

from __future__ import annotations

from insightbus.gateway.entrypoints.http.action_items import router as action_items_router
from insightbus.gateway.entrypoints.http.analysis import router as analysis_router
from insightbus.gateway.entrypoints.http.auth import router as auth_router
from insightbus.gateway.entrypoints.http.content import router as content_router
from insightbus.gateway.entrypoints.http.contracts import router as contracts_router
from insightbus.gateway.entrypoints.http.credentials import router as credentials_router
from insightbus.gateway.entrypoints.http.dashboard import router as dashboard_router
from insightbus.gateway.entrypoints.http.journey import router as journey_router
from insightbus.gateway.entrypoints.http.oidc import router as oidc_router
from insightbus.gateway.entrypoints.http.sessions import router as sessions_router
from insightbus.gateway.entrypoints.http.tickets import router as tickets_router

ROUTERS = (
    auth_router,
    oidc_router,
    credentials_router,
    sessions_router,
    content_router,
    analysis_router,
    action_items_router,
    journey_router,
    tickets_router,
    contracts_router,
    dashboard_router,
)
