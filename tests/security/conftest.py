"""The security tests drive the app over HTTP with the e2e fixtures (client, staff users)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "e2e"))

from e2e.conftest import app, as_user, client, settings, staff

__all__ = ["app", "as_user", "client", "settings", "staff"]
