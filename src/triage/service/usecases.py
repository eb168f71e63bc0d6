"""The service: every use case over the ports, in one object. Routers and CLI commands
call only this layer. Each use case lives in its own module: `served` (the versions this
process serves), `deciding`, `publishing`, `reading`."""

from __future__ import annotations

from triage.service.deciding import Deciding
from triage.service.publishing import FleetView, Publishing, VersionInfo
from triage.service.reading import Reading

__all__ = ["FleetView", "Service", "VersionInfo"]


class Service(Deciding, Publishing, Reading):
    """Deciding, publishing and reading over one served (rules, catalog) pair."""
