"""Rules versions by content hash, with their files: published, activated, replayed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from triage.store.sql.db import storage_errors
from triage.store.sql.tables import RulesVersionRow


class SqlRulesStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @storage_errors(attempts=2, retry_conflicts=True)  # two workers may save one version
    def save(self, version: str, files: Mapping[str, str]) -> None:
        with Session(self._engine) as s, s.begin():
            if s.get(RulesVersionRow, version) is None:
                s.add(
                    RulesVersionRow(
                        version=version,
                        loaded_at=datetime.now(UTC),
                        files=json.dumps(dict(files), ensure_ascii=False),
                    )
                )

    @storage_errors()
    def get(self, version: str) -> dict[str, str] | None:
        with Session(self._engine) as s:
            row = s.get(RulesVersionRow, version)
            return dict(json.loads(row.files)) if row else None

    @storage_errors()
    def versions(self) -> list[tuple[str, datetime]]:
        query = select(RulesVersionRow.version, RulesVersionRow.loaded_at)
        with Session(self._engine) as s:
            rows = s.exec(query.order_by(col(RulesVersionRow.loaded_at))).all()
        return [(v, t if t.tzinfo else t.replace(tzinfo=UTC)) for v, t in rows]
