"""The provider catalog: file format, validation and the in-memory Catalog.

A catalog file (YAML or JSON) lists providers with the services they offer, the
municipalities they serve, languages, accessibility and contact details. Its version is
a hash of its validated content, so the same providers give the same version whatever the
file's formatting.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, StrictBool, StrictStr
from pydantic import ValidationError as PydanticValidationError

from triage import jsonsafe
from triage.catalog.hours import Hours, HoursError, parse_hours
from triage.catalog.municipalities import MUNICIPALITY_YEAR, municipality_codes
from triage.errors import CatalogError, did_you_mean
from triage.identity import IDENTITY_MESSAGE, find_identity_code, identity_code_line
from triage.localized import Text
from triage.safefiles import UnsafeFile, read_bytes
from triage.strict import Strict, first_problem
from triage.yamlfile import YamlSyntaxError, line_of, parse, plain

Ownership = Literal["public", "private", "third_sector"]
Groups = tuple[tuple[str, ...], ...]  # provider ids by listing tier, each sorted
PROVIDER_ID = r"^[a-z0-9-]{2,64}$"


class ProviderContact(Strict):
    phone: StrictStr | None = None
    booking_url: StrictStr | None = None
    address: StrictStr | None = None


class Provider(Strict):
    """One provider. Optional fields left out mean *unknown*, never *no*."""

    id: StrictStr = Field(pattern=PROVIDER_ID)
    name: Text
    ownership: Ownership
    municipalities: list[StrictStr] = Field(min_length=1)
    services: list[StrictStr] = Field(min_length=1)
    languages: list[StrictStr] | None = None
    accessible: StrictBool | None = None
    accepting_new_clients: StrictBool = True
    contact: ProviderContact | None = None
    opening_hours: StrictStr | None = None
    located_in: StrictStr | None = None  # the municipality code of its address


class CatalogFile(Strict):
    version: Literal[1]
    providers: list[Provider]


@dataclass(frozen=True)
class Catalog:
    """A validated catalog; `version` is the hash of its canonical JSON."""

    providers: tuple[Provider, ...]
    version: str

    def __post_init__(self) -> None:
        # Indexed when built (off the request path: a file, the database, an import), so
        # the first decision after a catalog of thousands is loaded does not build them.
        self._by_id, self._offering  # noqa: B018

    def get(self, provider_id: str | None) -> Provider | None:
        return self._by_id.get(provider_id) if provider_id is not None else None

    def offering(self, service: str, municipality: str) -> tuple[Provider, ...]:
        """The providers that offer `service` to new clients living in `municipality`, in
        catalog order (an index: a listing no longer reads the whole catalog)."""
        return self._offering.get((service, municipality), ())

    def sorted_groups(
        self, service: str, municipality: str, accessible: bool, languages: tuple[str, ...]
    ) -> Groups:
        """The ids `offering` gives (without providers known to be inaccessible when
        `accessible`), sorted, split into those speaking one of `languages`, then those
        located in `municipality`, then the rest; remembered (at most 1,024 at a time), so
        a listing of a large cell does not sort it again for every decision."""
        key = (service, municipality, accessible, languages)
        found = self._groups.get(key)
        if found is None:
            offering = self.offering(service, municipality)
            kept = [p for p in offering if not (accessible and p.accessible is False)]
            wanted = set(languages)
            speaking = {p.id for p in kept if wanted & set(p.languages or ())}
            local = {p.id for p in kept if p.located_in == municipality} - speaking
            others = {p.id for p in kept} - speaking - local
            if len(self._groups) >= 1024:
                self._groups.clear()
            found = tuple(tuple(sorted(g)) for g in (speaking, local, others))
            self._groups[key] = found
        return found

    def hours(self, provider: Provider, zone: ZoneInfo) -> Hours | None:
        """A provider's opening hours, parsed (once per value and zone); None when not
        given, or not readable (a catalog stored before values were checked): unknown."""
        text = provider.opening_hours
        if text is None:
            return None
        key = (text, zone.key)
        if key not in self._hours:
            try:
                self._hours[key] = parse_hours(text, zone)
            except HoursError:
                self._hours[key] = None
        return self._hours[key]

    def hours_by_id(self, zone: ZoneInfo) -> dict[str, Hours | None]:
        """Every provider's `hours` in `zone`, by id (built once per zone)."""
        table = self._tables.get(zone.key)
        if table is None:
            table = self._tables[zone.key] = {
                i: self.hours(p, zone) for i, p in self._by_id.items()
            }
        return table

    @cached_property
    def _hours(self) -> dict[tuple[str, str], Hours | None]:
        return {}

    @cached_property
    def _tables(self) -> dict[str, dict[str, Hours | None]]:
        return {}

    @cached_property
    def _groups(self) -> dict[tuple[object, ...], Groups]:
        return {}

    @cached_property
    def _by_id(self) -> dict[str, Provider]:
        found: dict[str, Provider] = {}
        for p in self.providers:
            found.setdefault(p.id, p)  # the first, should ids repeat
        return found

    @cached_property
    def _offering(self) -> dict[tuple[str, str], tuple[Provider, ...]]:
        index: dict[tuple[str, str], list[Provider]] = {}
        for p in self.providers:
            if p.accepting_new_clients is not False:
                for key in {(s, m) for s in p.services for m in p.municipalities}:
                    index.setdefault(key, []).append(p)
        return {key: tuple(found) for key, found in index.items()}

    def to_document(self) -> dict[str, Any]:
        return {
            "version": 1,
            "providers": [p.model_dump(exclude_none=True) for p in self.providers],
        }


EMPTY_CATALOG = Catalog(providers=(), version="empty")


def _version(providers: list[Provider]) -> str:
    canonical = json.dumps(
        [p.model_dump(exclude_none=True) for p in sorted(providers, key=lambda p: p.id)],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def build_catalog(
    document: Any, services: Mapping[str, object], *, file: str | None = None, raw: Any = None
) -> Catalog:
    """Validate a catalog document against the known service codes."""
    raw = raw if raw is not None else document
    where = find_identity_code(plain(document))
    if where is not None:
        raise CatalogError(IDENTITY_MESSAGE, field=where, file=file)
    try:
        parsed = CatalogFile.model_validate(plain(document))
    except PydanticValidationError as exc:
        problem = first_problem(exc)
        loc = list(problem.loc)
        in_provider = len(loc) >= 2 and loc[0] == "providers" and isinstance(loc[1], int)
        provider_id = problem.item_id(document, "providers") or (
            f"#{int(loc[1]) + 1}" if in_provider else None
        )
        field = ".".join(str(p) for p in loc[2:]) if provider_id else ".".join(map(str, loc))
        raise CatalogError(
            problem.message,
            provider_id=provider_id,
            field=field or None,
            file=file,
            line=line_of(raw, loc),
        ) from None
    seen: dict[str, int] = {}
    for index, p in enumerate(parsed.providers):

        def fail(
            msg: str, field: str, sub: list[str | int], pid: str = p.id, i: int = index
        ) -> None:
            raise CatalogError(
                msg,
                provider_id=pid,
                field=field,
                file=file,
                line=line_of(raw, ["providers", i, *sub]),
            )

        if p.id in seen:
            fail(f"duplicate provider id (first at provider #{seen[p.id] + 1})", "id", ["id"])
        seen[p.id] = index
        for j, code in enumerate(p.services):
            if code not in services:
                hint = did_you_mean(code, services)
                fail(
                    f"unknown service {code!r}" + (f" (did you mean {hint!r}?)" if hint else ""),
                    f"services[{j}]",
                    ["services", j],
                )
        if len(set(p.services)) != len(p.services):
            fail("a service is listed twice", "services", ["services"])
        for j, m in enumerate(p.municipalities):
            if m not in municipality_codes():
                fail(
                    f"{m!r} is not a municipality code in force ({MUNICIPALITY_YEAR} list)",
                    f"municipalities[{j}]",
                    ["municipalities", j],
                )
        if p.located_in is not None and p.located_in not in municipality_codes():
            fail(
                f"{p.located_in!r} is not a municipality code in force ({MUNICIPALITY_YEAR} list)",
                "located_in",
                ["located_in"],
            )
        for j, lang in enumerate(p.languages or []):
            if not (2 <= len(lang) <= 3 and lang.isalpha() and lang.islower()):
                fail(
                    f"{lang!r} is not a language code such as fi, sv, en",
                    f"languages[{j}]",
                    ["languages", j],
                )
        if p.opening_hours is not None:
            try:
                parse_hours(p.opening_hours, UTC_ZONE)  # the syntax: the zone does not matter
            except HoursError as exc:
                fail(str(exc), "opening_hours", ["opening_hours"])
    return Catalog(providers=tuple(parsed.providers), version=_version(list(parsed.providers)))


UTC_ZONE = ZoneInfo("UTC")


def load_catalog_file(path: str | Path, services: Mapping[str, object]) -> Catalog:
    """Read and validate a catalog file (YAML or JSON); raise CatalogError naming the field."""
    path = Path(path)
    try:
        text = jsonsafe.decode(read_bytes(path))
        line = identity_code_line(text)
        if line is not None:  # anywhere, a comment included; the parsed data is checked too
            raise CatalogError(IDENTITY_MESSAGE, file=str(path), line=line)
        if text.lstrip().startswith("{"):  # JSON: no YAML size limit (a catalog of thousands)
            raw = jsonsafe.parse(text)
            return build_catalog(raw, services, file=str(path), raw=raw)
    except UnsafeFile as exc:
        raise CatalogError(str(exc), file=str(path)) from None
    except jsonsafe.JsonProblem as exc:  # the API's reader, refusing as the API refuses
        message = f"not valid JSON: {exc.render('en')}"
        raise CatalogError(message, field=exc.field, file=str(path), problem=exc) from None
    try:
        raw = parse(text)
    except YamlSyntaxError as exc:
        raise CatalogError(
            f"not valid YAML/JSON: {exc.problem}", file=str(path), line=exc.line
        ) from None
    return build_catalog(raw, services, file=str(path), raw=raw)
