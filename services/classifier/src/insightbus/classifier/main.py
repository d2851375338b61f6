"""The classifier alone (the distributed mode): ``python -m insightbus.classifier.main``, with settings
from the ``INSIGHTBUS_*`` variables."""

from insightbus.classifier.bootstrap import create_app
from insightbus.common.runtime import serve
from insightbus.common.settings import Settings

if __name__ == "__main__":
    serve(Settings(), "classifier", create_app)
