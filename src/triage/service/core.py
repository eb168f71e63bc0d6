"""The running service: current rules and catalog, storage, and the use cases over them.

Request handlers and CLI commands call these methods; nothing here knows about HTTP.
The current `Triage` is replaced by a single reference assignment, so a request that
started with the old rules finishes with them and no request sees a half-loaded set.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from triage.catalog.model import Catalog, load_catalog_file
from triage.config import Settings
from triage.errors import NotFoundError, StorageError
from triage.catalog.exposure import ExposureReport, exposure_report
from triage.domain.decision import Decision
from triage.rules.loader import read_rule_files
from triage.rules.model import Locale
from triage.domain.triage import Triage, check_rule_files
from triage.store.sql.audit import SqlAuditRepository, Verdict
from triage.store.sql.catalogs import SqlCatalogRepository
from triage.store.sql.db import make_engine
from triage.store.sql.keys import SqlKeyRepository
from triage.store.sql.rules import SqlRulesStore

log = logging.getLogger("triage")
RECORD_ATTEMPTS = 5  # ~1.5 s of retries before a decision is refused for want of an audit row


@dataclass(frozen=True)
class Replay:
    stored: Decision
    recomputed: Decision
    identical: bool
    differences: list[str]


class Runtime:
    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.engine = engine
        self.catalogs = SqlCatalogRepository(engine)
        self.audit = SqlAuditRepository(engine)
        self.keys = SqlKeyRepository(engine)
        self.rules_store = SqlRulesStore(engine)
        self._reload_lock = threading.Lock()
        files = read_rule_files(settings.rules_dir)
        rules = check_rule_files(files, root=settings.rules_dir)
        self.rules_store.save(rules.version, files)
        self.triage = Triage.from_rules(rules, self._current_catalog(rules.services))

    def _current_catalog(self, services: Mapping[str, object]) -> Catalog:
        catalog = self.catalogs.current()
        if catalog is None:  # first start: the configured catalog file
            catalog = load_catalog_file(self.settings.catalog_file, services)
            self.catalogs.replace(catalog)
            catalog = self.catalogs.current() or catalog
        return catalog

    # --- triage ---------------------------------------------------------------------

    def decide(self, raw: Any, *, locale: Locale | None, key_id: str | None) -> Decision:
        """Decide and record; a decision is only returned once it is in the audit log."""
        triage = self.triage  # one rule set for the whole request
        case = triage.validate(raw)
        decision = triage.decide_case(case, locale=locale)
        stored_case = case.model_dump(exclude_none=True)
        for attempt in range(RECORD_ATTEMPTS):
            try:
                self.audit.record(decision, stored_case, key_id)
                break
            except OperationalError:
                if attempt == RECORD_ATTEMPTS - 1:
                    log.error(
                        "decision %s not recorded: database unavailable", decision.decision_id
                    )
                    raise StorageError(
                        "the audit log is unavailable; no decision was given"
                    ) from None
                time.sleep(0.1 * 2**attempt)
        log.info("decision %s %s", decision.decision_id, decision.status)
        return decision

    def decision(self, decision_id: str) -> Decision:
        stored = self.audit.get(decision_id)
        if stored is None:
            raise NotFoundError(f"no decision {decision_id}")
        return stored.decision

    def feedback(
        self,
        decision_id: str,
        *,
        verdict: Verdict,
        expected_service: str | None,
        expected_urgency: str | None,
        key_id: str | None,
    ) -> int:
        if self.audit.get(decision_id) is None:
            raise NotFoundError(f"no decision {decision_id}")
        return self.audit.add_feedback(
            decision_id, verdict, expected_service, expected_urgency, key_id
        ).id

    # --- rules ------------------------------------------------------------------------

    def validate_rules(self, files: Mapping[str, str]) -> str:
        """The version the files would have; RuleFileError naming file and line otherwise."""
        return check_rule_files(files, root=Path("rules")).version

    def reload_rules(self, files: Mapping[str, str] | None = None) -> str:
        """Load (posted or on-disk) rules; on any error the current rules keep serving."""
        with self._reload_lock:
            source = dict(files) if files is not None else read_rule_files(self.settings.rules_dir)
            rules = check_rule_files(
                source, root=Path("rules") if files else self.settings.rules_dir
            )
            new = Triage.from_rules(rules, self.triage.catalog)  # compiles before the swap
            self.rules_store.save(rules.version, source)
            if files is not None:
                self._write_rules(source)
            self.triage = new
            log.info("rules %s live", rules.version)
            return rules.version

    def _write_rules(self, files: Mapping[str, str]) -> None:
        """Persist posted rules so a restart (or a new worker) serves them too."""
        root = self.settings.rules_dir
        (root / "needs").mkdir(parents=True, exist_ok=True)
        for name, body in files.items():
            target = root / name
            tmp = target.with_suffix(".yaml.tmp")
            tmp.write_text(body, encoding="utf-8")
            os.replace(tmp, target)
        for old in (root / "needs").glob("*.yaml"):
            if f"needs/{old.name}" not in files:
                old.unlink()

    # --- audit ------------------------------------------------------------------------

    def replay(self, decision_id: str) -> Replay:
        """Recompute a stored decision with its own rules, catalog, seed and locale."""
        stored = self.audit.get(decision_id)
        if stored is None:
            raise NotFoundError(f"no decision {decision_id}")
        old = stored.decision
        files = self.rules_store.get(old.rules_version)
        if files is None:
            raise NotFoundError(f"rules version {old.rules_version} is not stored")
        catalog = self.catalogs.by_version(old.catalog_version)
        if catalog is None:
            raise NotFoundError(f"catalog version {old.catalog_version} is not stored")
        triage = Triage.from_rules(check_rule_files(files), catalog)
        again = triage.decide_case(triage.validate(stored.case), locale=old.locale, seed=old.seed)
        again = again.model_copy(update={"decision_id": old.decision_id})
        a, b = old.model_dump(), again.model_dump()
        diffs = [f"{k}: stored {a[k]!r}, recomputed {b[k]!r}" for k in a if a[k] != b[k]]
        return Replay(old, again, not diffs, diffs)

    def exposure(self, start: datetime | None, end: datetime | None) -> ExposureReport:
        listings = []
        ownership: dict[str, str] = {}
        for stored in self.audit.between(start, end):
            listings.append([(p.id, p.reason) for p in stored.decision.providers])
            ownership.update({p.id: p.ownership for p in stored.decision.providers})
        return exposure_report(listings, ownership)

    def export_misrouted(self, directory: Path) -> list[Path]:
        """Each misrouted decision as a scenario whose expectation is what staff said."""
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        yaml = YAML()
        yaml.default_flow_style = False
        for fb in self.audit.feedback("misrouted"):
            stored = self.audit.get(fb.decision_id)
            if stored is None or fb.expected_service is None:
                continue
            old = stored.decision
            was = f"{old.service.code if old.service else old.status}/{old.urgency}"
            expect: dict[str, Any] = {"status": "decided", "service": fb.expected_service}
            if fb.expected_urgency:
                expect["urgency"] = fb.expected_urgency
            scenario = {
                "id": f"feedback-{fb.id}-{fb.decision_id[:8]}",
                "description": f"Staff marked decision {fb.decision_id} misrouted (was {was}).",
                "case": stored.case,
                "expect": expect,
            }
            path = directory / f"feedback-{fb.id}.yaml"
            with path.open("w", encoding="utf-8") as fh:
                yaml.dump({"scenarios": [scenario]}, fh)
            written.append(path)
        return written

    def ready(self) -> dict[str, Any]:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            database = "ok"
        except OperationalError:
            database = "unavailable"
        return {
            "status": "ready" if database == "ok" else "not_ready",
            "database": database,
            "rules_version": self.triage.rules.version,
            "catalog_version": self.triage.catalog.version,
        }


def build_runtime(settings: Settings | None = None) -> Runtime:
    settings = settings or Settings()
    return Runtime(settings, make_engine(settings.database_url))
