"""The staff form, both ways: the questions of the chosen needs as form fields (from the
same rule data as GET /v1/needs), and a submitted form as a case or a contact for the
service to validate. Nothing here decides or checks ranges: the service does, and its
error names the field to mark."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from triage.rules.model import Fact, Locale, RuleSet

MAX_FIELDS = 400  # a form never has more; more is not our form
UNKNOWN = ""  # an unanswered question: the fact stays unknown


@dataclass
class Submitted:
    """A parsed form: every value kept as sent, so the page shows the answers again."""

    values: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, pairs: Sequence[tuple[str, str]]) -> Submitted:
        form = cls()
        for name, value in pairs[:MAX_FIELDS]:
            if name in ("need", "red_flag", "language"):
                form.lists.setdefault(name, []).append(value)
            else:
                form.values[name] = value
        return form

    def get(self, name: str) -> str:
        return self.values.get(name, UNKNOWN)

    def chosen(self, name: str) -> list[str]:
        return self.lists.get(name, [])


def fact_field(need: str, fact: str) -> str:
    return f"f.{need}.{fact}"


def _value(fact: Fact, raw: str) -> Any:
    """The answer as the type the fact wants; a string the service will refuse otherwise."""
    if fact.type == "bool":
        return {"true": True, "false": False}.get(raw, raw)
    if fact.type == "int":
        try:
            return int(raw)
        except ValueError:
            return raw
    if fact.type == "number":
        try:
            return float(raw.replace(",", "."))
        except ValueError:
            return raw
    return raw


def _int(raw: str) -> Any:
    try:
        return int(raw)
    except ValueError:
        return raw


def to_request(form: Submitted, rules: RuleSet, locale: Locale) -> dict[str, Any]:
    """The case (one need) or contact (several) the form describes. Red flags are asked
    once, first, and belong to the first chosen need: a flag decides the emergency."""
    client: dict[str, Any] = {
        "age": _int(form.get("age")),
        "municipality": form.get("municipality"),
    }
    if form.chosen("language"):
        client["languages"] = form.chosen("language")
    if form.get("chosen_provider"):
        client["chosen_provider"] = form.get("chosen_provider")
    if form.get("accessible") == "true":
        client["needs_accessible_premises"] = True
    needs = []
    for i, need in enumerate(form.chosen("need")):
        facts = {}
        for code, fact in rules.needs[need].facts.items() if need in rules.needs else ():
            raw = form.get(fact_field(need, code)).strip()
            if raw != UNKNOWN:
                facts[code] = _value(fact, raw)
        item: dict[str, Any] = {"need": need, "facts": facts}
        if i == 0 and form.chosen("red_flag"):
            item["red_flags"] = form.chosen("red_flag")
        needs.append(item)
    if len(needs) == 1:
        return {**needs[0], "client": client, "locale": locale}
    return {"client": client, "needs": needs, "locale": locale}


def field_of(error_field: str, request: dict[str, Any]) -> str | None:
    """The form field an error path names (`needs[1].facts.pain`, `facts.pain`,
    `client.age`, `red_flags[0]`), or None."""
    path = error_field
    need = request.get("need")
    if path.startswith("needs["):
        index, _, path = path[len("needs[") :].partition("].")
        try:
            need = request["needs"][int(index)]["need"]
        except (ValueError, IndexError, KeyError):
            return None
    if path.startswith("facts.") and need:
        return fact_field(need, path.removeprefix("facts."))
    if path.startswith("client."):
        name = path.removeprefix("client.").split("[")[0]
        return {"languages": "language", "needs_accessible_premises": "accessible"}.get(name, name)
    if path.startswith("red_flags"):
        return "red_flag"
    return None
