"""The staff form, both ways: the questions of the chosen needs as form fields (from the
same rule data as GET /v1/needs), and a submitted form as a case or a contact for the
service to validate. Nothing here decides or checks ranges: the service does, and its
error names the field to mark."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from triage.identity import find_identity_code
from triage.rules.model import Fact, Locale, RuleSet

MAX_FIELDS = 400  # a form never has more; more is not our form
UNKNOWN = ""  # an unanswered question (not asked): the fact stays absent and is asked for
NOT_KNOWN = "not_known"  # "Ei tiedossa": asked, and nobody can tell (sent as such)
NOT_KNOWN_BOX = ".nk"  # the "Ei tiedossa" tick beside a number field
EMERGENCY_NEED = "first_contact"  # the need a red flag is recorded under when none is chosen


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


_INTEGER = re.compile(r"-?[0-9]+")  # ASCII digits only: int() also takes "1_0" and "١٠"
_DECIMAL = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")


def _value(fact: Fact, raw: str) -> Any:
    """The answer as the type the fact wants; the string as typed (which the service
    refuses, naming the field) when it is not one."""
    if raw == NOT_KNOWN:
        return NOT_KNOWN
    if fact.type == "bool":
        return {"true": True, "false": False}.get(raw, raw)
    if fact.type == "int":
        return _int(raw)
    if fact.type == "number":
        return float(raw.replace(",", ".")) if _DECIMAL.fullmatch(raw) else raw
    return raw


def _int(raw: str) -> Any:
    return int(raw) if _INTEGER.fullmatch(raw) else raw


def identity_field(form: Submitted) -> str | None:
    """The first field whose name or value looks like a henkilötunnus (the same scan as
    for cases; a name that holds one is named by position), or None."""
    return find_identity_code({**form.values, **form.lists})


def red_flags(form: Submitted) -> list[str] | None:
    """The red flags ticked; [] when "no red flags" is ticked (screened, none); None when
    neither (not screened: the engine asks). A ticked flag wins over "no red flags"."""
    if form.chosen("red_flag"):
        return form.chosen("red_flag")
    return [] if form.get("no_red_flags") == "true" else None


def chosen_needs(form: Submitted) -> list[str]:
    """The needs ticked; with a red flag and none ticked, the first-contact need (a red
    flag needs no other answer: the 112 result must not wait for a need)."""
    needs = form.chosen("need")
    return needs or ([EMERGENCY_NEED] if form.chosen("red_flag") else [])


def to_request(form: Submitted, rules: RuleSet, locale: Locale) -> dict[str, Any]:
    """The case (one need) or contact (several) the form describes. Red flags are asked
    once, first, and belong to the first chosen need: a flag decides the emergency, and
    with a flag ticked, an empty age or municipality is left out (S7a)."""
    flags = red_flags(form)
    client: dict[str, Any] = {
        "age": _int(form.get("age")),
        "municipality": form.get("municipality"),
    }
    if flags:
        client = {k: v for k, v in client.items() if v != UNKNOWN}
    if form.chosen("language"):
        client["languages"] = form.chosen("language")
    if form.get("chosen_provider"):
        client["chosen_provider"] = form.get("chosen_provider")
    if form.get("accessible") == "true":
        client["needs_accessible_premises"] = True
    needs = []
    for i, need in enumerate(chosen_needs(form)):
        facts = {}
        for code, fact in rules.needs[need].facts.items() if need in rules.needs else ():
            name = fact_field(need, code)
            raw = form.get(name).strip()
            if raw == UNKNOWN and form.get(name + NOT_KNOWN_BOX) == NOT_KNOWN:
                raw = NOT_KNOWN
            if raw != UNKNOWN:
                facts[code] = _value(fact, raw)
        item: dict[str, Any] = {"need": need, "facts": facts}
        if flags is not None:  # screening is recorded for every need of the contact
            item["red_flags"] = flags if i == 0 else []
        needs.append(item)
    if len(needs) == 1:
        return {**needs[0], "client": client, "locale": locale}
    return {"client": client, "needs": needs, "locale": locale}


def emergency_only(request: dict[str, Any]) -> dict[str, Any]:
    """The case a red flag decides when the rest of the form is refused: the first need
    with its red flags, nothing else (S7a). The page says the other answers were left out."""
    first = request["needs"][0] if "needs" in request else request
    return {"need": first["need"], "red_flags": first["red_flags"], "locale": request["locale"]}


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
