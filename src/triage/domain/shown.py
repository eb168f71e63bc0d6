"""Where a decided client is sent now and the providers shown: the out-of-hours fallback
(routing policy 3, S13), the impartial list of the service sent to, and how each provider
is shown (built once per provider, reason, opening and locale)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from triage.catalog.listing import Listed, Listing, Seeker, list_providers
from triage.catalog.model import Catalog
from triage.domain.availability import FALLBACK_URGENCIES, Window, route
from triage.domain.decision import Fallback, NoteCode, ProviderNote, ProviderRef, RouteTo
from triage.domain.texts import fallback_text, provider_note
from triage.rules.model import Locale, Rule, RuleSet

REFS_SEEN = 4096  # provider parts kept (forgotten all at once beyond)


class Shown:
    """The provider side of the decisions of one rule set and one catalog."""

    def __init__(self, rules: RuleSet, catalog: Catalog, max_providers: int | None) -> None:
        self.rules, self.catalog, self.max_providers = rules, catalog, max_providers
        self._refs: dict[tuple[object, ...], ProviderRef] = {}
        self._notes: dict[tuple[str, Locale], ProviderNote] = {}

    def parts(
        self,
        winner: Rule | None,
        client: Seeker,
        seed: int,
        timing: dict[str, Any],
        explanation: str,
        loc: Locale,
        hours: bool,
    ) -> dict[str, Any]:
        """The decision's parts for where to go and whom to contact. `timing`: its time of
        contact and deadline (empty before policy 3); `hours`: apply opening hours."""
        parts: dict[str, Any] = {}
        listed = winner is not None and self.rules.listing.get(winner.service) != "none"
        window = self._window(timing) if hours and timing and listed else None
        target = winner.service if winner else None
        drop = False
        if window is not None and winner is not None:
            parts["opening_hours_used"] = True
            if winner.urgency in FALLBACK_URGENCIES:  # S13
                drop = True
                target, skipped = route(self.rules, winner.service, client, window)
                parts["route_to"] = RouteTo(
                    code=target,
                    name=self.rules.services[target].get(loc),
                    fallback=[Fallback(service=s, reason=r) for s, r in skipped],
                )
                if skipped:
                    said = fallback_text(self.rules, skipped, target, loc)
                    parts["explanation"] = f"{explanation} {said}"
        listing = (
            list_providers(
                self.catalog,
                service=target,
                kind=self.rules.listing.get(target, "open"),
                client=client,
                seed=seed,
                limit=self.max_providers,
                closed=window.closed if window is not None and window.bounded else None,
                drop_closed=drop,
            )
            if target
            else Listing((), None)
        )
        if timing and listing.note == "no_provider_in_area":
            parts["warnings"] = ["no_provider_in_area"]
        parts["providers"] = [self._ref(item, loc, window) for item in listing.providers]
        parts["provider_note"] = self._note(listing.note, loc) if listing.note else None
        if listing.more:
            parts["more_providers"] = listing.more
        return parts

    def _window(self, timing: dict[str, Any]) -> Window:
        """The time the client can wait: from the contact to the deadline (or open-ended)."""
        calendar = self.rules.calendar
        assert calendar is not None  # the checker requires one under policy 3
        due = timing["deadline"]
        return Window(
            start=datetime.fromisoformat(timing["contact_time"]),
            end=datetime.fromisoformat(due) if due else None,
            calendar=calendar,
            catalog=self.catalog,
        )

    def _note(self, code: NoteCode, loc: Locale) -> ProviderNote:
        note = self._notes.get((code, loc))
        if note is None:
            note = self._notes[code, loc] = ProviderNote(code=code, text=provider_note(code, loc))
        return note

    def _ref(self, item: Listed, loc: Locale, window: Window | None) -> ProviderRef:
        """How a decision lists a provider; built once per provider, reason, opening and
        locale (the catalog never changes under it, and a ProviderRef is immutable)."""
        p = item.provider
        opening = window.opening(p.id) if window is not None else None
        before = window.before_deadline(p.id) if window is not None else None
        key = (p.id, item.reason, item.accessibility_unknown, loc, opening, before)
        ref = self._refs.get(key)
        if ref is None:
            if len(self._refs) >= REFS_SEEN:
                self._refs.clear()
            ref = self._refs[key] = ProviderRef(
                id=p.id,
                name=p.name.get(loc),
                ownership=p.ownership,
                reason=item.reason,
                contact=p.contact.model_dump(exclude_none=True) if p.contact else {},
                opening_hours=p.opening_hours,
                languages=p.languages,
                accessible=p.accessible,
                accessibility_unknown=item.accessibility_unknown,
                open_now=None if opening is None else opening[0],
                opens_at=None if opening is None else opening[1],
                hours_known=None if opening is None else opening[0] is not None,
                open_before_deadline=before,
                located_in=p.located_in,
            )
        return ref
