"""Deciding: a case or a contact in, its decisions recorded in the audit log before they
are returned; feedback on a decision."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from triage.domain.case import Case
from triage.domain.contact import ContactAnswer, contact_cases
from triage.domain.deadlines import check_window
from triage.domain.decision import Decision
from triage.errors import InvalidCaseError, NotFoundError
from triage.rules.model import Locale
from triage.service.served import Served, log
from triage.store.ports import Feedback, Verdict


class Deciding(Served):
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
