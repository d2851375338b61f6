"""Everything the gateway's routes and handlers use, built once per process at start."""

from __future__ import annotations

from dataclasses import dataclass

from insightbus.common.settings import Settings
from insightbus.gateway.action_items.service import ActionItemService
from insightbus.gateway.analysis_views.service import AnalysisViews
from insightbus.gateway.auth.service import AuthService
from insightbus.gateway.content.service import ContentService
from insightbus.gateway.credentials.service import Credentials
from insightbus.common.auth import AccessTokenVerifier
from insightbus.gateway.sessions.service import SessionService
from insightbus.gateway.tickets.service import TicketService


@dataclass(frozen=True)
class GatewayContext:
    settings: Settings
    verifier: AccessTokenVerifier
    auth: AuthService
    sessions: SessionService
    content: ContentService
    analysis: AnalysisViews
    action_items: ActionItemService
    credentials: Credentials
    tickets: TicketService
