"""A crosswalk: codes of national classifications and published directories (THL and SOTE
codings, PTV service classes and ontology terms, HSDS taxonomy terms, SNOMED, SOTE
organisation register identifiers) mapped to this project's service codes, as data.

    codes:
      - system: "urn:oid:1.2.246.537.6.202.2008"   # the code system, as the data names it
        code: "urn:oid:1.2.246.10.2085212.10.1314"
        services: [doctor_appointment]             # service codes of the rules
        ownership: public                          # optional: for an organisation's id
        note: "Kyyjärvi health station, doctor's reception"
      - system: "hsds:city"                        # a place name the data uses
        code: "Jyvaskyla"
        municipalities: ["179"]                    # official municipality codes

It is read like the rule files: YAML without anchors, a strict schema, errors naming file,
line and the closest service code ("did you mean").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field, StrictStr

from triage.catalog.municipalities import municipality_codes
from triage.errors import RuleFileError, did_you_mean
from triage.rules.loader import refuse_identity_text
from triage.rules.schema import parse_yaml, validate
from triage.safefiles import UnsafeFile, read_text
from triage.strict import Strict
from triage.yamlfile import line_of

Ownership = Literal["public", "private", "third_sector"]


class EntryIn(Strict):
    system: StrictStr = Field(min_length=1, max_length=200)
    code: StrictStr = Field(min_length=1, max_length=200)
    services: list[StrictStr] = Field(default_factory=list, max_length=50)
    ownership: Ownership | None = None
    municipalities: list[StrictStr] = Field(default_factory=list, max_length=50)
    note: StrictStr | None = None


class CrosswalkIn(Strict):
    version: Literal[1] = 1
    codes: list[EntryIn] = Field(max_length=20_000)


@dataclass(frozen=True)
class Crosswalk:
    services: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    ownership: Mapping[tuple[str, str], Ownership] = field(default_factory=dict)
    places: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)

    def services_for(self, system: object, code: object) -> tuple[str, ...]:
        return self.services.get((str(system), str(code)), ())

    def ownership_for(self, system: object, code: object) -> Ownership | None:
        return self.ownership.get((str(system), str(code)))

    def municipalities_for(self, system: object, code: object) -> tuple[str, ...]:
        return self.places.get((str(system), str(code)), ())


EMPTY = Crosswalk()


def load_crosswalk(path: Path, services: Mapping[str, object]) -> Crosswalk:
    """Read and check a crosswalk file; RuleFileError with file and line otherwise."""
    try:
        text = read_text(path)
    except UnsafeFile as exc:
        raise RuleFileError(str(exc), file=str(path)) from None
    refuse_identity_text(text, path)
    raw = parse_yaml(text, path)
    parsed: CrosswalkIn = validate(CrosswalkIn, raw, path)
    mapped: dict[tuple[str, str], tuple[str, ...]] = {}
    owned: dict[tuple[str, str], Ownership] = {}
    places: dict[tuple[str, str], tuple[str, ...]] = {}
    official = municipality_codes()
    for i, entry in enumerate(parsed.codes):
        key = (entry.system, entry.code)
        if key in mapped or key in owned or key in places:
            raise RuleFileError(
                f"codes[{i}]: {entry.system} {entry.code} is mapped twice",
                file=str(path),
                line=line_of(raw, ["codes", i]),
            )
        for j, service in enumerate(entry.services):
            if service not in services:
                raise RuleFileError(
                    f"codes[{i}].services[{j}]: unknown service {service!r}",
                    file=str(path),
                    line=line_of(raw, ["codes", i, "services"]),
                    suggestion=did_you_mean(service, services),
                )
        for j, code in enumerate(entry.municipalities):
            if code not in official:
                raise RuleFileError(
                    f"codes[{i}].municipalities[{j}]: {code!r} is not an official municipality"
                    " code",
                    file=str(path),
                    line=line_of(raw, ["codes", i, "municipalities"]),
                    suggestion=did_you_mean(code, official),
                )
        if not (entry.services or entry.ownership or entry.municipalities):
            raise RuleFileError(
                f"codes[{i}]: maps {entry.code} to nothing (give services, ownership or"
                " municipalities)",
                file=str(path),
                line=line_of(raw, ["codes", i]),
            )
        if entry.services:
            mapped[key] = tuple(entry.services)
        if entry.ownership:
            owned[key] = entry.ownership
        if entry.municipalities:
            places[key] = tuple(entry.municipalities)
    return Crosswalk(mapped, owned, places)
