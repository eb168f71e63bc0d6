"""Plain-language explanations of a decision, in Finnish, Swedish and English."""

from __future__ import annotations

from collections.abc import Sequence

from triage.engine.policy import RED_FLAGS, Outcome
from triage.rules.model import Locale, RuleSet

_TEMPLATES: dict[str, dict[Locale, str]] = {
    "decided": {
        "fi": "Sääntö {rule} (prioriteetti {priority}): {description} "
        "Mikään korkeamman prioriteetin sääntö ei voi soveltua.",
        "sv": "Regel {rule} (prioritet {priority}): {description} "
        "Ingen regel med högre prioritet kan gälla.",
        "en": "Rule {rule} (priority {priority}): {description} No higher-priority rule can apply.",
    },
    "blocked_one": {
        "fi": "Vielä ei voida päättää: sääntö {rules} voi vielä soveltua, mutta siihen "
        "tarvittavat tiedot puuttuvat. Kysy: {questions}",
        "sv": "Kan ännu inte avgöras: regeln {rules} kan fortfarande gälla, men uppgifter "
        "som den behöver saknas. Fråga: {questions}",
        "en": "Cannot decide yet: rule {rules} could still apply, but facts it needs are "
        "missing. Ask: {questions}",
    },
    "blocked_many": {
        "fi": "Vielä ei voida päättää: säännöt {rules} voivat vielä soveltua, mutta niihin "
        "tarvittavat tiedot puuttuvat. Kysy: {questions}",
        "sv": "Kan ännu inte avgöras: reglerna {rules} kan fortfarande gälla, men uppgifter "
        "som de behöver saknas. Fråga: {questions}",
        "en": "Cannot decide yet: rules {rules} could still apply, but facts they need are "
        "missing. Ask: {questions}",
    },
    "red_flag": {
        "fi": "Hätämerkki: {flags}. Soita 112 heti. Hätämerkki menee kaikkien muiden "
        "sääntöjen edelle.",
        "sv": "Varningstecken: {flags}. Ring 112 genast. Ett varningstecken går före alla "
        "andra regler.",
        "en": "Warning sign: {flags}. Call 112 now. A warning sign comes before every other rule.",
    },
    "red_flag_v3": {
        "fi": "Hälytysmerkki: {flags}. Soita 112 heti. Hälytysmerkki menee kaikkien muiden "
        "sääntöjen edelle, eikä se odota muita vastauksia.",
        "sv": "Varningstecken: {flags}. Ring 112 genast. Ett varningstecken går före alla "
        "andra regler och väntar inte på andra svar.",
        "en": "Red flag: {flags}. Call 112 now. A red flag comes before every other rule and "
        "waits for no other answer.",
    },
    "not_screened": {
        "fi": "Hälytysmerkkejä ei ole vielä käyty läpi: päätöstä ei tehdä ennen kuin ne on "
        "kysytty. Kysy: {questions}",
        "sv": "Varningstecknen har ännu inte gåtts igenom: inget beslut fattas innan de har "
        "frågats. Fråga: {questions}",
        "en": "The red flags have not been asked yet: nothing is decided until they are. "
        "Ask: {questions}",
    },
    "precaution": {
        "fi": "Päätös on tehty varmuuden vuoksi: seuraaviin kysymyksiin vastattiin 'ei "
        "tiedossa', joten vakavampi vaihtoehto on oletettu. {questions}",
        "sv": "Beslutet är fattat för säkerhets skull: frågorna nedan besvarades med 'vet "
        "inte', så det allvarligare alternativet har antagits. {questions}",
        "en": "Decided as a precaution: the questions below were answered 'not known', so "
        "the more serious alternative was assumed. {questions}",
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
    "not_open_before_deadline": {
        "fi": "Luettelon mukaan yksikään palveluntuottaja ei ole auki ennen määräaikaa: "
        "ohjaa asiakas päivystykseen, tai soita 112, jos tilanne ei voi odottaa.",
        "sv": "Enligt katalogen har ingen tjänsteproducent öppet före tidsgränsen: "
        "hänvisa klienten till jouren, eller ring 112 om situationen inte kan vänta.",
        "en": "By the catalog, no provider is open before the deadline: refer the client "
        "to emergency care, or call 112 if it cannot wait.",
    },
}

_FALLBACK: dict[str, dict[Locale, str]] = {
    "not_open_before_deadline": {
        "fi": "{service}: ei auki ennen määräaikaa.",
        "sv": "{service}: inte öppen före tidsgränsen.",
        "en": "{service}: not open before the deadline.",
    },
    "no_provider_in_area": {
        "fi": "{service}: ei palveluntuottajaa asiakkaan kunnassa.",
        "sv": "{service}: ingen tjänsteproducent i klientens kommun.",
        "en": "{service}: no provider in the client's municipality.",
    },
    "route_to": {
        "fi": "Ohjaa nyt: {service}.",
        "sv": "Hänvisa nu till: {service}.",
        "en": "Send the client now to: {service}.",
    },
}


def fallback_text(
    rules: RuleSet, skipped: Sequence[tuple[str, str]], route_to: str, locale: Locale
) -> str:
    """Why the client is sent elsewhere than the decided service (S13), in one line."""
    said = [
        _FALLBACK[reason][locale].format(service=rules.services[code].get(locale))
        for code, reason in skipped
    ]
    said.append(_FALLBACK["route_to"][locale].format(service=rules.services[route_to].get(locale)))
    return " ".join(said)


RED_FLAGS_QUESTION: dict[Locale, str] = {
    "fi": "Onko asiakkaalla nyt jokin hälytysmerkeistä? Käy luettelo läpi ja merkitse ne, "
    "tai merkitse 'ei hälytysmerkkejä'.",
    "sv": "Har patienten något av varningstecknen nu? Gå igenom listan och markera dem, "
    "eller markera 'inga varningstecken'.",
    "en": "Does the client have any of the red flags now? Go through the list and tick "
    "them, or tick 'no red flags'.",
}


def question(rules: RuleSet, need: str, fact: str, locale: Locale) -> str:
    """The question that asks for a fact, or for the red flags (the pseudo-fact)."""
    if fact == RED_FLAGS:
        return RED_FLAGS_QUESTION[locale]
    return rules.fact(need, fact).question.get(locale)


def provider_note(code: str, locale: Locale) -> str:
    return _PROVIDER_NOTES[code][locale]


def explanation(
    rules: RuleSet, need: str, result: Outcome, locale: Locale, red_flags: Sequence[str] = ()
) -> str:
    """What staff can read aloud: the deciding rule, or why nothing is decided yet. A
    red-flag decision names the warning signs."""
    if result.winner is not None:
        w = result.winner
        if red_flags and w.urgency == "emergency" and w in rules.common_rules:
            flags = ", ".join(rules.red_flags[f].get(locale) for f in red_flags)
            template = "red_flag_v3" if rules.policy >= 3 else "red_flag"  # v2 replays as was
            return _TEMPLATES[template][locale].format(flags=flags)
        text = _TEMPLATES["decided"][locale].format(
            description=w.description.get(locale), rule=w.id, priority=w.priority
        )
        if result.precautionary:
            asked = " ".join(question(rules, need, f, locale) for f in result.precautionary)
            text += " " + _TEMPLATES["precaution"][locale].format(questions=asked)
        return text
    if result.missing[:1] == (RED_FLAGS,):
        questions = " ".join(question(rules, need, f, locale) for f in result.missing)
        return _TEMPLATES["not_screened"][locale].format(questions=questions)
    if result.blocking:
        questions = " ".join(question(rules, need, f, locale) for f in result.missing)
        template = "blocked_one" if len(result.blocking) == 1 else "blocked_many"
        return _TEMPLATES[template][locale].format(
            rules=", ".join(f"{r.id} ({r.priority})" for r in result.blocking),
            questions=questions,
        )
    return _TEMPLATES["no_rule"][locale]
