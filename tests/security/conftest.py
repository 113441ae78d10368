"""The security tests: each attack that once got through as a test, over HTTP against the real app.

The request helpers of the end-to-end tests (`tests/e2e/api_helpers.py`, `page_helpers.py`)
are shared; the fixtures are the same app, client and staff as there.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "e2e"))

from e2e.conftest import app, as_user, client, settings, staff

__all__ = ["app", "as_user", "client", "settings", "staff"]
