"""The committed OpenAPI document, rendered the same way every time."""

from __future__ import annotations

import json

from app.main import create_app
from app.settings import Settings


def render_openapi() -> str:
    app = create_app(Settings(database_url="sqlite://"))
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
