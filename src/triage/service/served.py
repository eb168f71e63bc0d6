"""The (rules, catalog) pair this process serves, and the ports every use case works over.

The pair is one `Triage` object, replaced by a single reference assignment: a request
reads it once and uses it from start to end, so no request sees a half-switched state.
Versions live in the store; `refresh` makes this process serve the active ones, compiling
before the swap and keeping the old pair if that fails.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from triage.catalog.model import EMPTY_CATALOG, Catalog
from triage.domain.decider import Triage
from triage.engine.checked import check_rule_files
from triage.errors import NotFoundError, TriageError
from triage.rules.model import RuleSet
from triage.service.keys import VerifiedKeys
from triage.store.ports import AuditLog, CatalogStore, Fleet, Health, KeyStore, RulesStore, Versions

log = logging.getLogger("triage")


class Served:
    """The ports and the served pair; the use cases (deciding, publishing, reading) build
    on it."""

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
        release: Callable[[], None] = lambda: None,
    ) -> None:
        self._release = release  # what the adapters hold (a database's connections)
        self.audit, self.rules, self.catalogs = audit, rules, catalogs
        self.versions, self.keys, self.fleet, self.health = versions, keys, fleet, health
        self._make_triage = make_triage
        self._current: Triage | None = None
        self._switch = threading.Lock()
        self.error: str | None = None  # why the last switch to the active versions failed
        self.verified = VerifiedKeys(keys)  # API keys: verify, revoke, forget

    def close(self) -> None:
        """Write what the audit log holds, then release the adapters' resources."""
        self.audit.close()
        self._release()

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
