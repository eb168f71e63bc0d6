"""Reading: stored decisions and contacts, the served catalog's providers, readiness."""

from __future__ import annotations

from typing import Any

from triage.catalog.model import Provider
from triage.domain.contact import ContactAnswer
from triage.domain.decision import Decision
from triage.errors import InvalidCaseError, NotFoundError
from triage.service.served import Served


class Reading(Served):
    def stored_contact(self, contact_id: str) -> ContactAnswer:
        stored = self.audit.get_contact(contact_id)
        if stored is None:
            raise NotFoundError(f"no contact {contact_id}")
        return stored.answer

    def decision(self, decision_id: str) -> Decision:
        stored = self.audit.get(decision_id)
        if stored is None:
            raise NotFoundError("no decision has that id")
        return stored.decision

    def providers(
        self, *, service: str | None, municipality: str | None
    ) -> tuple[str, list[Provider]]:
        """The served catalog's version and its providers by service and area, sorted by id
        (a reference list, not the impartial order of a decision)."""
        triage = self.current
        if service is not None and service not in triage.rules.services:
            raise InvalidCaseError("service", "unknown_code", what="service")
        found = [
            p
            for p in triage.catalog.providers
            if (service is None or service in p.services)
            and (municipality is None or municipality in p.municipalities)
        ]
        return triage.catalog.version, sorted(found, key=lambda p: p.id)

    def ready(self, database_ok: bool | None = None) -> dict[str, Any]:
        """Readiness; `database_ok` given: that answer instead of a probe (none in time)."""
        ok, current = self.health.ping() if database_ok is None else database_ok, self._current
        return {
            "status": "ready" if ok and current is not None else "not_ready",
            "database": "ok" if ok else "unavailable",
            "rules_version": current.rules.version if current else "none",
            "catalog_version": current.catalog.version if current else "none",
        }
