"""Error messages in Finnish, Swedish and English, in the project's own words.

Each entry is (Finnish, Swedish, English). An error carries a message code and safe
parameters: field paths, the project's own codes, limits. Never a submitted value: an
answer or a log line must not repeat what a caller sent, which may be personal data.
"""

from __future__ import annotations

from typing import Any, Literal

Locale = Literal["fi", "sv", "en"]
LOCALES: tuple[Locale, ...] = ("fi", "sv", "en")


def choose_locale(*wanted: object) -> Locale:
    """The one locale choice: the first of `wanted` that is fi, sv or en, else Finnish.
    Callers list what the caller asked for in order of precedence (a case's own `locale`,
    then Accept-Language, for example)."""
    return next((loc for w in wanted for loc in LOCALES if loc == w), "fi")


_TYPES: dict[str, tuple[str, str, str]] = {
    "integer": ("kokonaisluku", "ett heltal", "an integer"),
    "number": ("luku", "ett tal", "a number"),
    "string": ("merkkijono", "en textsträng", "a string"),
    "boolean": ("true tai false", "true eller false", "true or false"),
    "list": ("lista", "en lista", "a list"),
    "object": ("JSON-objekti", "ett JSON-objekt", "a JSON object"),
    "fact_value": (
        "totuusarvo, luku tai merkkijono",
        "ett sanningsvärde, tal eller en sträng",
        "true, false, a number or a string",
    ),
}

MESSAGES: dict[str, tuple[str, str, str]] = {
    "required": ("pakollinen tieto puuttuu", "obligatorisk uppgift saknas", "is required"),
    "unknown_field": ("tuntematon kenttä", "okänt fält", "is not a known field"),
    "wrong_type": ("pitää olla {type}", "måste vara {type}", "must be {type}"),
    "out_of_range": (
        "pitää olla välillä {min}–{max}",
        "måste vara mellan {min} och {max}",
        "must be between {min} and {max}",
    ),
    "too_small": ("pitää olla vähintään {min}", "måste vara minst {min}", "must be at least {min}"),
    "too_big": ("saa olla enintään {max}", "får vara högst {max}", "must be at most {max}"),
    "bad_format": ("väärä muoto", "fel format", "has the wrong format"),
    "contact_time_format": (
        "pitää olla aika aikavyöhykkeen kanssa, esim. 2026-03-13T15:55:00+02:00",
        "måste vara en tidpunkt med tidszon, t.ex. 2026-03-13T15:55:00+02:00",
        "must be a date-time with an offset, e.g. 2026-03-13T15:55:00+02:00",
    ),
    "contact_time_window": (
        "saa olla enintään {ahead} min tulevaisuudessa ja {behind} h menneisyydessä",
        "får vara högst {ahead} min framåt och {behind} h bakåt i tiden",
        "must be at most {ahead} minutes ahead of now and {behind} hours behind",
    ),
    "not_known_refused": (
        "tähän kysymykseen ei voi vastata 'ei tiedossa': anna paras arvio",
        "frågan kan inte besvaras med 'vet inte': ange den bästa uppskattningen",
        "cannot be answered 'not_known': give the best estimate",
    ),
    "contact_time_in_need": (
        "yhteydenoton aika annetaan yhteydenotolle, ei tarpeelle",
        "kontakttiden anges för kontakten, inte för behovet",
        "belongs to the contact, not to a need",
    ),
    "too_many": ("enintään {max} kohdetta", "högst {max} poster", "at most {max} items"),
    "too_few": ("vähintään {min} kohde", "minst {min} post", "needs at least {min} item"),
    "need_repeated": (
        "sama tarve on jo kohdassa {first}: anna tarve kerran",
        "samma behov finns redan i {first}: ange behovet en gång",
        "is the same need as {first}: give each need once",
    ),
    "not_one_of": (
        "pitää olla jokin näistä: {options}",
        "måste vara ett av: {options}",
        "must be one of: {options}",
    ),
    "unknown_code": ("tuntematon {what}", "okänd {what}", "unknown {what}"),
    "unknown_code_hint": (
        "tuntematon {what} (tarkoititko {hint}?)",
        "okänd {what} (menade du {hint}?)",
        "unknown {what} (did you mean {hint}?)",
    ),
    "fact_of_other_need": (
        "tämä tieto kuuluu tarpeelle {other}, ei tarpeelle {need}",
        "uppgiften hör till behovet {other}, inte till {need}",
        "is a fact of {other}, not of {need}",
    ),
    "repeated": (
        "sama arvo on annettu kahdesti",
        "samma värde anges två gånger",
        "lists the same value twice",
    ),
    "identity_code": (
        "näyttää henkilötunnukselta: tapaus ei saa yksilöidä asiakasta",
        "ser ut som en personbeteckning: ärendet får inte identifiera klienten",
        "looks like a personal identity code; the case must not identify the client",
    ),
    "unknown_municipality": (
        "ei ole voimassa oleva kuntanumero (kolme numeroa, Tilastokeskuksen luettelo {year})",
        "är inte en giltig kommunkod (tre siffror, Statistikcentralens lista {year})",
        "is not a current municipality code (3 digits, Statistics Finland list {year})",
    ),
    "unknown_provider": (
        "tuntematon palveluntuottaja luettelossa {catalog}",
        "okänd tjänsteproducent i katalogen {catalog}",
        "is not a provider in catalog {catalog}",
    ),
    "misrouted_needs_service": (
        "väärin ohjatulle päätökselle pitää kertoa oikea palvelu",
        "ett felaktigt beslut behöver den tjänst det borde ha fått",
        "a misrouted decision needs the service it should have had",
    ),
    "correct_has_no_expected": (
        "oikeaksi merkitty päätös ei voi ehdottaa toista palvelua",
        "ett beslut markerat som rätt kan inte föreslå en annan tjänst",
        "a decision marked correct cannot name another service",
    ),
    "from_after_to": (
        "alkuhetki on loppuhetken jälkeen",
        "början ligger efter slutet",
        "is after `to`",
    ),
    "bad_time": (
        "ei ole ISO 8601 -aika väliltä 1900–9999",
        "är inte en ISO 8601-tid mellan 1900 och 9999",
        "is not an ISO 8601 time between 1900 and 9999",
    ),
    "invalid_utf8": (
        "runko ei ole UTF-8-tekstiä",
        "kroppen är inte UTF-8-text",
        "the body is not UTF-8 text",
    ),
    "invalid_json": (
        "ei ole kelvollista JSONia (rivi {line}, sarake {column})",
        "är inte giltig JSON (rad {line}, kolumn {column})",
        "is not valid JSON (line {line}, column {column})",
    ),
    "too_deep": (
        "sisäkkäisyyttä on liikaa (enintään {max} tasoa)",
        "för djup nästling (högst {max} nivåer)",
        "is nested too deeply (at most {max} levels)",
    ),
    "number_too_long": (
        "luvussa on liikaa numeroita",
        "talet har för många siffror",
        "is a number with too many digits",
    ),
    "number_not_finite": (
        "luvun pitää olla äärellinen",
        "talet måste vara ändligt",
        "must be a finite number",
    ),
    "duplicate_key": (
        "sama avain esiintyy kahdesti",
        "samma nyckel förekommer två gånger",
        "repeats a key of the same object",
    ),
    "invalid_text": (
        "sisältää virheellisen merkin",
        "innehåller ett ogiltigt tecken",
        "contains an invalid character",
    ),
    "too_large": (
        "runko on yli {limit} tavua",
        "kroppen är över {limit} byte",
        "the body is over {limit} bytes",
    ),
    "unauthorized": (
        "API-avain puuttuu tai se ei ole voimassa",
        "API-nyckel saknas eller är ogiltig",
        "an API key is required: Authorization: Bearer <key>; it must be valid and not revoked",
    ),
    "two_authorizations": (
        "pyynnössä on useampi Authorization-otsake",
        "begäran har flera Authorization-huvuden",
        "the request has more than one Authorization header",
    ),
    "forbidden": (
        "roolilla {role} ei ole oikeutta tähän",
        "rollen {role} får inte använda detta",
        "role {role} may not use this endpoint",
    ),
    "not_found": ("ei löydy", "finns inte", "not found"),
    "unavailable": (
        "tietokanta ei ole käytettävissä: mitään ei päätetty, yritä uudelleen",
        "databasen är inte tillgänglig: inget beslutades, försök igen",
        "the database is unavailable; nothing was decided, try again",
    ),
    "internal_error": ("odottamaton virhe", "oväntat fel", "unexpected error"),
}

WHAT: dict[str, tuple[str, str, str]] = {
    "need": ("tarve", "behov", "need"),
    "red_flag": ("hälytysmerkki", "varningstecken", "red flag"),
    "fact": ("tieto", "uppgift", "fact"),
    "service": ("palvelu", "tjänst", "service"),
    "urgency": ("kiireellisyys", "brådskandegrad", "urgency"),
    "role": ("rooli", "roll", "role"),
}


def in_locale(entry: tuple[str, str, str], locale: Locale) -> str:
    """The `locale` text of a (Finnish, Swedish, English) entry."""
    return entry[LOCALES.index(locale)]


def render(code: str, locale: Locale = "en", **params: Any) -> str:
    """The message for `code` in `locale`; parameters are the project's own safe values."""
    i = LOCALES.index(locale)
    template = MESSAGES.get(code, MESSAGES["internal_error"])[i]
    if "type" in params and params["type"] in _TYPES:
        params = {**params, "type": _TYPES[params["type"]][i]}
    if "what" in params and params["what"] in WHAT:
        params = {**params, "what": WHAT[params["what"]][i]}
    return template.format(**params)
