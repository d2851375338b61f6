"""The notifier alone (the distributed mode): ``python -m insightbus.notifier.main``, with settings
from the ``INSIGHTBUS_*`` variables."""

from insightbus.common.runtime import serve
from insightbus.common.settings import Settings
from insightbus.notifier.bootstrap import create_app

if __name__ == "__main__":
    serve(Settings(), "notifier", create_app)
