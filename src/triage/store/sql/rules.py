"""Rules snapshots by version, so that a stored decision can be replayed exactly."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from triage.store.sql.tables import RulesVersionRow


class SqlRulesStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def save(self, version: str, files: dict[str, str]) -> None:
        try:
            with Session(self._engine) as s, s.begin():
                if s.get(RulesVersionRow, version) is None:
                    s.add(
                        RulesVersionRow(
                            version=version,
                            loaded_at=datetime.now(UTC),
                            files=json.dumps(files, ensure_ascii=False),
                        )
                    )
        except IntegrityError:
            pass  # another worker saved the same version at the same moment

    def get(self, version: str) -> dict[str, str] | None:
        with Session(self._engine) as s:
            row = s.get(RulesVersionRow, version)
            return json.loads(row.files) if row else None
