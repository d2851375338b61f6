"""The gateway alone (the distributed mode): ``python -m insightbus.gateway.main``, with settings
from the ``INSIGHTBUS_*`` variables."""

from insightbus.common.runtime import serve
from insightbus.common.settings import Settings
from insightbus.gateway.bootstrap import create_app

if __name__ == "__main__":
    serve(Settings(), "gateway", create_app)
