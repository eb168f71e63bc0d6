"""The service: use cases over ports. Routers and CLI commands call only this layer.

The served (rules, catalog) pair is one `Triage` object, replaced by a single reference
assignment: a request reads it once and uses it from start to end, so no request sees a
half-switched state. Versions live in the store; `refresh` makes this process serve the
active ones, compiling before the swap and keeping the old pair if that fails.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from triage.catalog.model import EMPTY_CATALOG, Catalog, Provider
from triage.domain.case import Case
from triage.domain.contact import ContactAnswer, contact_cases
from triage.domain.deadlines import check_window
from triage.domain.decision import Decision
from triage.domain.triage import Triage
from triage.engine.analysis import check_rule_files, refused_by_engine
from triage.engine.durable import EngineRefused
from triage.errors import InvalidCaseError, NotFoundError, TriageError
from triage.rules.model import Locale, RuleSet
from triage.service.keys import VerifiedKeys
from triage.store.ports import (
    AuditLog,
    CatalogStore,
    Feedback,
    Fleet,
    Health,
    KeyStore,
    Kind,
    RulesStore,
    Verdict,
    Versions,
    WorkerState,
)

log = logging.getLogger("triage")
LIVE_SECONDS = 5.0  # a worker whose last heartbeat is older is not listed as live


@dataclass(frozen=True)
class VersionInfo:
    version: str
    stored_at: datetime
    active: bool


@dataclass(frozen=True)
class FleetView:
    rules_version: str | None
    catalog_version: str | None
    workers: list[WorkerState]

    @property
    def agree(self) -> bool:
        """Every live worker serves the active versions, and none reports an error."""
        return bool(self.workers) and all(
            w.rules_version == self.rules_version
            and w.catalog_version == self.catalog_version
            and w.error is None
            for w in self.workers
        )


class Service:
    def __init__(
        self,
        *,
        audit: AuditLog,
        rules: RulesStore,
        catalogs: CatalogStore,
        versions: Versions,
        keys: KeyStore,
        fleet: Fleet,
        health: Health,
        make_triage: Callable[[RuleSet, Catalog], Triage] = Triage.from_rules,
    ) -> None:
        self.audit, self.rules, self.catalogs = audit, rules, catalogs
        self.versions, self.keys, self.fleet, self.health = versions, keys, fleet, health
        self._make_triage = make_triage
        self._current: Triage | None = None
        self._switch = threading.Lock()
        self.error: str | None = None  # why the last switch to the active versions failed
        self.verified = VerifiedKeys(keys)  # API keys: verify, revoke, forget

    # --- the served versions ----------------------------------------------------------

    @property
    def current(self) -> Triage:
        if self._current is None:
            raise NotFoundError("no active rules and catalog: publish rules and load a catalog")
        return self._current

    def refresh(self) -> bool:
        """Serve the active versions; True if this process switched."""
        active = self.versions.active()
        with self._switch:
            old = self._current
            want_rules, want_catalog = active.get("rules"), active.get("catalog")
            if old is not None and (old.rules.version, old.catalog.version) == (
                want_rules,
                want_catalog or EMPTY_CATALOG.version,
            ):
                return False
            if want_rules is None:
                return False
            try:
                new = self._build(old, want_rules, want_catalog)
            except TriageError as exc:
                self.error = f"cannot serve rules {want_rules}: {exc}"
                log.error("%s; still serving the previous versions", self.error)
                return False
            self._current, self.error = new, None
        log.info("serving rules %s, catalog %s", new.rules.version, new.catalog.version)
        return True

    def _build(self, old: Triage | None, rules_version: str, catalog_version: str | None) -> Triage:
        """A Triage on stored versions, reusing what `old` already has of them: compiling
        a rule set takes a while. No catalog version: the empty catalog."""
        catalog: Catalog | None = EMPTY_CATALOG
        if catalog_version is not None:
            catalog = old.catalog if old and old.catalog.version == catalog_version else None
            catalog = catalog or self.catalogs.get(catalog_version)
        if catalog is None:
            raise NotFoundError(f"catalog version {catalog_version} is not stored")
        if old is not None and old.rules.version == rules_version:
            return old.with_catalog(catalog)
        return self._make_triage(self._stored_rules(rules_version), catalog)

    def triage_for(self, rules_version: str, catalog_version: str) -> Triage:
        """A Triage on stored versions, active or not (replay uses it)."""
        return self._build(self._current, rules_version, catalog_version)

    def _stored_rules(self, version: str) -> RuleSet:  # named as stored (old: 16 digits)
        files = self.rules.get(version)
        if files is None:
            raise NotFoundError(f"rules version {version} is not stored")
        return replace(check_rule_files(files, root=Path(f"rules@{version}")), version=version)

    def validate_rules(self, files: Mapping[str, str], *, root: Path = Path("rules")) -> str:
        """The version the files would have; RuleFileError naming file and line otherwise.
        The files are compiled too, so a set the engine refuses is never called valid."""
        rules = check_rule_files(files, root=root)
        try:
            self._make_triage(rules, EMPTY_CATALOG)
        except EngineRefused as exc:
            raise refused_by_engine(rules, exc) from None
        return rules.version

    def publish_rules(
        self, files: Mapping[str, str], *, root: Path = Path("rules"), activate: bool = True
    ) -> str:
        """Validate, compile, store and (by default) activate rule files; nothing is
        written anywhere but the store."""
        version = self.validate_rules(files, root=root)
        self.rules.save(version, files)
        if activate:
            self._activate("rules", version)
        return version

    def load_catalog(self, catalog: Catalog) -> bool:
        """Store and activate a validated catalog; False when it was active already."""
        self.catalogs.save(catalog)
        return self._activate("catalog", catalog.version)

    def activate(self, kind: Kind, version: str) -> bool:
        """Point every worker at a stored version (a rollback is activating an old one)."""
        if kind == "rules":
            self.validate_rules(self._files(version))  # never activate what cannot compile
        return self._activate(kind, version)

    def _activate(self, kind: Kind, version: str) -> bool:
        changed = self.versions.activate(kind, version)
        self.refresh()
        if kind == "rules" and self.error and self.versions.active().get("rules") == version:
            raise TriageError(self.error)
        return changed

    def _files(self, version: str) -> dict[str, str]:
        files = self.rules.get(version)
        if files is None:
            raise NotFoundError(f"rules version {version} is not stored")
        return files

    def rules_files(self, version: str) -> dict[str, str]:
        return self._files(version)

    def stored_versions(self, kind: Kind) -> list[VersionInfo]:
        active = self.versions.active().get(kind)
        store = self.rules if kind == "rules" else self.catalogs
        return [VersionInfo(v, at, v == active) for v, at in store.versions()]

    def fleet_view(self) -> FleetView:
        active = self.versions.active()
        return FleetView(active.get("rules"), active.get("catalog"), self.fleet.live(LIVE_SECONDS))

    # --- requests -----------------------------------------------------------------------

    def decide(self, raw: Any, *, locale: Locale | None, key_id: str | None) -> Decision:
        """Decide and record; a decision is only returned once it is in the audit log."""
        decision, case = self._decide(raw, locale)
        self.audit.record(decision, case, key_id)
        log.info("decision %s %s", decision.decision_id, decision.status)
        return decision

    async def decide_async(
        self, raw: Any, *, locale: Locale | None, key_id: str | None
    ) -> Decision:
        """`decide` on the event loop: deciding takes tens of microseconds, and the wait for
        the audit log's group commit holds no thread."""
        decision, case = self._decide(raw, locale)
        await self.audit.record_async(decision, case, key_id)
        log.info("decision %s %s", decision.decision_id, decision.status)
        return decision

    def _decide(self, raw: Any, locale: Locale | None) -> tuple[Decision, Case]:
        triage = self.current  # one (rules, catalog) pair for the whole request
        case = triage.validate(raw)
        now = datetime.now(UTC)
        if case.contact_time is not None:
            check_window(case.contact_time, now)
        return triage.decide_case(case, locale=locale, now=now), case

    def contact(self, raw: Any, *, locale: Locale | None, key_id: str | None) -> ContactAnswer:
        """Decide each need of a contact and plan them; every decision is recorded as its own
        audit row with the contact's id, and the contact too, in one transaction, before the
        answer is returned. Invalid input is refused before anything is decided."""
        triage = self.current
        contact, cases = triage.validate_contact(raw)
        now = datetime.now(UTC)
        if contact.contact_time is not None:
            check_window(contact.contact_time, now)
        answer = triage.decide_contact(cases, locale=locale, now=now)
        decided = [cases[i] for i in contact_cases(cases)]
        self.audit.record_contact(answer, contact.model_dump(exclude_none=True), decided, key_id)
        log.info(
            "contact %s: decisions %s",
            answer.contact_id,
            " ".join(f"{d.decision_id} {d.status}" for d in answer.decisions),
        )
        return answer

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

    def feedback(
        self,
        decision_id: str,
        *,
        verdict: Verdict,
        expected_service: str | None,
        expected_urgency: str | None,
        key_id: str | None,
    ) -> Feedback:
        rules = self.current.rules
        if expected_service is not None and expected_service not in rules.services:
            raise InvalidCaseError("expected_service", "unknown_code", what="service")
        if expected_urgency is not None and expected_urgency not in rules.urgencies:
            raise InvalidCaseError("expected_urgency", "unknown_code", what="urgency")
        if verdict == "misrouted" and expected_service is None:
            raise InvalidCaseError("expected_service", "misrouted_needs_service")
        if verdict == "correct" and (expected_service or expected_urgency):
            field = "expected_service" if expected_service else "expected_urgency"
            raise InvalidCaseError(field, "correct_has_no_expected")
        if self.audit.get(decision_id) is None:
            raise NotFoundError("no decision has that id")
        return self.audit.add_feedback(
            decision_id, verdict, expected_service, expected_urgency, key_id
        )

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
