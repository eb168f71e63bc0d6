"""Plain-language explanations of a decision, in Finnish, Swedish and English."""

from __future__ import annotations

from triage.engine.policy import Outcome
from triage.rules.model import Locale, RuleSet

_TEMPLATES: dict[str, dict[Locale, str]] = {
    "decided": {
        "fi": "Sääntö {rule} (prioriteetti {priority}): {description} "
        "Mikään korkeamman prioriteetin sääntö ei voi soveltua.",
        "sv": "Regel {rule} (prioritet {priority}): {description} "
        "Ingen regel med högre prioritet kan gälla.",
        "en": "Rule {rule} (priority {priority}): {description} No higher-priority rule can apply.",
    },
    "blocked": {
        "fi": "Ei voida vielä päättää: säännöt {rules} voivat vielä soveltua, mutta niiden "
        "tarvitsemat tiedot puuttuvat. Kysy: {questions}",
        "sv": "Kan ännu inte avgöras: reglerna {rules} kan fortfarande gälla, men uppgifter "
        "som de behöver saknas. Fråga: {questions}",
        "en": "Cannot decide yet: rules {rules} could still apply, but facts they need are "
        "missing. Ask: {questions}",
    },
    "no_rule": {
        "fi": "Mikään sääntö ei sovellu tähän tilanteeseen: ohjaa alueelliseen palveluneuvontaan.",
        "sv": "Ingen regel gäller i detta fall: hänvisa till den regionala servicerådgivningen.",
        "en": "No rule applies to this case: refer the client to regional service advice.",
    },
}


_PROVIDER_NOTES: dict[str, dict[Locale, str]] = {
    "ask_chosen_provider": {
        "fi": "Kysy, mille sote-keskukselle asiakas on listautunut: "
        "hoidon jatkuvuus kulkee sen kautta.",
        "sv": "Fråga vid vilken social- och hälsocentral klienten är listad: "
        "vårdkontinuiteten går via den.",
        "en": "Ask which sote-centre the client is listed at: continuity of care goes through it.",
    },
    "chosen_provider_not_offering": {
        "fi": "Asiakkaan valitsema sote-keskus ei tarjoa tätä palvelua: "
        "ota yhteys sinne ohjausta varten.",
        "sv": "Klientens valda central erbjuder inte denna tjänst: kontakta den för handledning.",
        "en": "The client's chosen sote-centre does not offer this service: "
        "contact it for guidance.",
    },
    "no_provider_in_area": {
        "fi": "Kukaan luettelon palveluntuottajista ei tarjoa tätä palvelua asiakkaan kunnassa: "
        "ohjaa alueelliseen palveluneuvontaan.",
        "sv": "Ingen tjänsteproducent i katalogen erbjuder denna tjänst i klientens kommun: "
        "hänvisa till den regionala servicerådgivningen.",
        "en": "No provider in the catalog offers this service in the client's municipality: "
        "refer the client to regional service advice.",
    },
}


def provider_note(code: str, locale: Locale) -> str:
    return _PROVIDER_NOTES[code][locale]


def explanation(rules: RuleSet, need: str, result: Outcome, locale: Locale) -> str:
    if result.winner is not None:
        w = result.winner
        return _TEMPLATES["decided"][locale].format(
            description=w.description.get(locale), rule=w.id, priority=w.priority
        )
    if result.blocking:
        questions = " ".join(rules.fact(need, f).question.get(locale) for f in result.missing)
        return _TEMPLATES["blocked"][locale].format(
            rules=", ".join(f"{r.id} ({r.priority})" for r in result.blocking),
            questions=questions,
        )
    return _TEMPLATES["no_rule"][locale]
