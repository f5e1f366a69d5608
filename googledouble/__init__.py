"""An in-process test double of the Google Sheets v4, Drive v3 and Docs v1 HTTP APIs (see README.md).

Real gspread and google-api-python-client code runs against it::

    double = GoogleDouble()
    gc = double.gspread_client()  # = gspread.Client(auth, session=double.requests_session())
    docs = double.service("docs", "v1")  # = build("docs", "v1", http=double.httplib2_http())
"""

from .double import GoogleDouble, LogEntry
from .errors import ApiError, SimulatedCrash
from .routes import IMPLEMENTED_METHOD_IDS
from .staff import CellView
from .transport import DoubleAdapter, DoubleHttp, SimulatedTimeout

__all__ = [
    "IMPLEMENTED_METHOD_IDS",
    "ApiError",
    "CellView",
    "DoubleAdapter",
    "DoubleHttp",
    "GoogleDouble",
    "LogEntry",
    "SimulatedCrash",
    "SimulatedTimeout",
]
