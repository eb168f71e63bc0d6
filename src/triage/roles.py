"""API key roles (no database imports: the CLI reads them at start-up)."""

from typing import Literal

Role = Literal["frontline", "integration", "author", "auditor", "admin"]
ROLES: tuple[Role, ...] = ("frontline", "integration", "author", "auditor", "admin")
