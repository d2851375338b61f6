"""Contract tests run offline: no broker (the pacts are files in ``pacts/``), and no usage
statistics sent by the Pact core."""

from __future__ import annotations

import os

os.environ["PACT_DO_NOT_TRACK"] = "true"
