"""Publishing: rules and catalogs validated, stored and activated; versions and the fleet."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from triage.catalog.model import EMPTY_CATALOG, Catalog
from triage.engine.checked import check_rule_files, refused_by_engine
from triage.engine.durable import EngineRefused
from triage.errors import NotFoundError, TriageError
from triage.service.served import Served
from triage.store.ports import Kind, WorkerState

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


class Publishing(Served):
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
