"""The analysis alone (the distributed mode): ``python -m insightbus.analysis.main``, with settings
from the ``INSIGHTBUS_*`` variables."""

from insightbus.analysis.bootstrap import create_app
from insightbus.common.runtime import serve
from insightbus.common.settings import Settings

if __name__ == "__main__":
    serve(Settings(), "analysis", create_app)
