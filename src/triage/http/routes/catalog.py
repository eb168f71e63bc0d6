"""The need/fact catalog, services and providers: what a UI needs to ask the questions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from triage.domain.texts import RED_FLAGS_QUESTION
from triage.http.deps import LocaleDep, ServiceDep, require
from triage.http.schemas import (
    DeadlineOut,
    FactOut,
    Named,
    NeedOut,
    NeedsOut,
    OptionOut,
    ProviderOut,
    ProvidersOut,
    RedFlagOut,
    ServiceOut,
    UrgencyOut,
)
from triage.messages import choose_locale
from triage.rules.model import LOCALES, Fact, Locale, Text

router = APIRouter(tags=["catalog"], dependencies=[Depends(require("catalog"))])
LocaleQuery = Annotated[Locale | None, Query(description="fi, sv or en (else Accept-Language)")]


@router.get(
    "/needs", response_model=NeedsOut, summary="Needs, their facts and questions, red flags"
)
def needs(service: ServiceDep, header_locale: LocaleDep, locale: LocaleQuery = None) -> NeedsOut:
    loc = choose_locale(locale, header_locale)
    rules = service.current.rules
    v3 = rules.policy >= 3

    def text(t: Text | None) -> str | None:
        return t.get(loc) if t is not None else None

    return NeedsOut(
        rules_version=rules.version,
        policy=rules.policy,
        locale=loc,
        needs=[
            NeedOut(
                code=n.code,
                name=n.name.get(loc),
                facts=[_fact(f, loc) for f in n.facts.values()],
                safety_net=text(n.safety_net),
            )
            for n in rules.needs.values()
        ],
        red_flags=[
            RedFlagOut(
                code=c, name=t.get(loc), instruction=text(rules.red_flag_instructions.get(c))
            )
            for c, t in rules.red_flags.items()
        ],
        red_flags_question=RED_FLAGS_QUESTION[loc] if v3 else None,
        urgencies=[
            UrgencyOut(
                code=c,
                name=t.get(loc),
                instruction=text(rules.urgency_instructions.get(c)),
                deadline=DeadlineOut(**vars(rules.deadlines[c])) if c in rules.deadlines else None,
            )
            for c, t in rules.urgencies.items()
        ],
        notices=[Named(code=c, name=t.get(loc)) for c, t in rules.notices.items()],
    )


def _fact(f: Fact, loc: Locale) -> FactOut:
    options = [
        OptionOut(
            code=v,
            label=f.option_text(v).get(loc),
            labels={lang: f.option_text(v).get(lang) for lang in LOCALES},
        )
        for v in f.values
    ]
    low, high = f.bounds
    return FactOut(
        code=f.code,
        type=f.type,
        question=None if f.deprecated else f.question.get(loc),
        safety=f.safety,
        not_known=f.accepts_not_known,
        deprecated=f.deprecated,
        values=list(f.values) or None,
        options=options or None,
        min=low,
        max=high,
        default=f.default,
        unit=f.unit,
    )


@router.get(
    "/services",
    response_model=list[ServiceOut],
    summary="Services, with localized names and their out-of-hours chains",
)
def services(
    service: ServiceDep, header_locale: LocaleDep, locale: LocaleQuery = None
) -> list[ServiceOut]:
    loc = choose_locale(locale, header_locale)
    rules = service.current.rules
    return [
        ServiceOut(
            code=c,
            name=t.get(loc),
            after_hours=list(rules.after_hours.get(c, ())),
            open_24_7=c in rules.open_24_7,
        )
        for c, t in rules.services.items()
    ]


@router.get("/providers", response_model=ProvidersOut, summary="Providers by service and area")
def providers(
    app: ServiceDep,
    header_locale: LocaleDep,
    service_code: Annotated[str | None, Query(alias="service", max_length=64)] = None,
    municipality: Annotated[str | None, Query(pattern=r"^\d{3}$")] = None,
    locale: LocaleQuery = None,
) -> ProvidersOut:
    """Catalog entries sorted by id: a reference list, not the impartial ordering of a decision."""
    loc = choose_locale(locale, header_locale)
    version, found = app.providers(service=service_code, municipality=municipality)
    return ProvidersOut(
        catalog_version=version,
        providers=[
            ProviderOut(
                id=p.id,
                name=p.name.get(loc),
                ownership=p.ownership,
                municipalities=p.municipalities,
                services=p.services,
                languages=p.languages,
                accessible=p.accessible,
                accepting_new_clients=p.accepting_new_clients,
                contact=p.contact.model_dump(exclude_none=True) if p.contact else {},
                opening_hours=p.opening_hours,
            )
            for p in found
        ],
    )
