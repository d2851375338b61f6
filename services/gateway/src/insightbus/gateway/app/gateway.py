"""The gateway's application object: its use cases and projectors, built once per process
at start by ``bootstrap`` and reached by the entrypoints (routes, bus handlers)."""

from __future__ import annotations

from dataclasses import dataclass

from insightbus.common.auth import AccessTokenVerifier
from insightbus.common.settings import Settings
from insightbus.gateway.app.action_items import ActionItems
from insightbus.gateway.app.analysis import AnalysisViews
from insightbus.gateway.app.analysis_projector import AnalysisProjector
from insightbus.gateway.app.auth import Accounts
from insightbus.gateway.app.content import Uploads
from insightbus.gateway.app.credentials import Credentials
from insightbus.gateway.app.idempotency import IdempotentRequests
from insightbus.gateway.app.journey import Journeys
from insightbus.gateway.app.oidc import OidcLogins
from insightbus.gateway.app.sessions import Sessions
from insightbus.gateway.app.ticket_projector import TicketJobProjector
from insightbus.gateway.app.tickets import TicketJobs


@dataclass(frozen=True)
class Gateway:
    settings: Settings
    verifier: AccessTokenVerifier
    accounts: Accounts
    credentials: Credentials
    sessions: Sessions
    uploads: Uploads
    analysis: AnalysisViews
    action_items: ActionItems
    tickets: TicketJobs
    journeys: Journeys
    analysis_projector: AnalysisProjector
    ticket_projector: TicketJobProjector
    idempotency: IdempotentRequests
    oidc: OidcLogins
