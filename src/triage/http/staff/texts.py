"""The staff page's own words, in Finnish, Swedish and English. Written to be read aloud
to a client; codes appear only behind "details"."""

from __future__ import annotations

from triage.messages import Locale, in_locale

_TEXTS: dict[str, tuple[str, str, str]] = {
    "title": (
        "Palveluohjaus: asiakkaan tarpeen arvio",
        "Servicehandledning: bedömning av klientens behov",
        "Service guidance: the client's need",
    ),
    "skip": ("Siirry lomakkeeseen", "Gå till formuläret", "Skip to the form"),
    "language": ("Kieli", "Språk", "Language"),
    "sign_in": ("Kirjaudu sisään", "Logga in", "Sign in"),
    "sign_in_help": (
        "Kirjaudu henkilökohtaisella avaimellasi. Avain ei jää selaimeen.",
        "Logga in med din personliga nyckel. Nyckeln sparas inte i webbläsaren.",
        "Sign in with your personal key. The key is not kept in the browser.",
    ),
    "key": ("Henkilökohtainen avain", "Personlig nyckel", "Personal key"),
    "bad_key": (
        "Avain ei kelpaa tai se on peruttu.",
        "Nyckeln är ogiltig eller återkallad.",
        "The key is not valid or was revoked.",
    ),
    "wrong_role": (
        "Tällä avaimella ei voi käyttää asiakassivua.",
        "Den här nyckeln ger inte tillgång till klientsidan.",
        "This key cannot use the staff page.",
    ),
    "sign_out": ("Kirjaudu ulos", "Logga ut", "Sign out"),
    "signed_out": ("Olet kirjautunut ulos.", "Du har loggat ut.", "You have signed out."),
    "expired": (
        "Istunto päättyi. Kirjaudu uudelleen.",
        "Sessionen har gått ut. Logga in igen.",
        "Your session ended. Please sign in again.",
    ),
    "client": ("Asiakas", "Klient", "Client"),
    "age": ("Ikä (vuotta)", "Ålder (år)", "Age (years)"),
    "municipality": ("Kotikunta", "Hemkommun", "Municipality of residence"),
    "client_languages": ("Asiakkaan kielet", "Klientens språk", "The client's languages"),
    "chosen_provider": (
        "Asiakkaan valitsema sote-keskus (jos on)",
        "Klientens valda social- och hälsocentral (om någon)",
        "The client's chosen sote-centre (if any)",
    ),
    "none_chosen": ("Ei valittu", "Inte vald", "None chosen"),
    "accessible": (
        "Asiakas tarvitsee esteettömät tilat",
        "Klienten behöver tillgängliga lokaler",
        "The client needs accessible premises",
    ),
    "red_flags": (
        "Hälytysmerkit – kysy nämä ensin",
        "Varningstecken – fråga dessa först",
        "Red flags – ask these first",
    ),
    "no_red_flags": (
        "Ei hälytysmerkkejä (kysytty)",
        "Inga varningstecken (frågat)",
        "No red flags (asked)",
    ),
    "flag_now": (
        "Hälytysmerkki: soita 112 heti. Tulos näytetään, kun lähetät lomakkeen.",
        "Varningstecken: ring 112 genast. Resultatet visas när du skickar formuläret.",
        "Red flag: call 112 now. The result is shown when you send the form.",
    ),
    "flag_dropped": (
        "Hälytysmerkki ratkaisi ilman muita vastauksia. Muita vastauksia ei käytetty, koska "
        "kenttä {field} ei kelpaa: {message}",
        "Varningstecknet avgjorde utan andra svar. Övriga svar användes inte eftersom "
        "fältet {field} inte godtas: {message}",
        "The red flag decided without the other answers. They were not used, because "
        "field {field} was refused: {message}",
    ),
    "ask_red_flags": (
        "Käy hälytysmerkit läpi lomakkeen alussa ja merkitse ne tai 'Ei hälytysmerkkejä'.",
        "Gå igenom varningstecknen i början av formuläret och markera dem eller "
        "'Inga varningstecken'.",
        "Go through the red flags at the top of the form and tick them, or 'No red flags'.",
    ),
    "precaution": (
        "Päätös on tehty varmuuden vuoksi: seuraaviin kysymyksiin vastattiin 'ei tiedossa', "
        "joten vakavampi vaihtoehto on oletettu.",
        "Beslutet är fattat för säkerhets skull: frågorna nedan besvarades med 'vet inte', "
        "så det allvarligare alternativet har antagits.",
        "Decided as a precaution: the questions below were answered 'not known', so the "
        "more serious alternative was assumed.",
    ),
    "deadline": ("Viimeistään", "Senast", "By"),
    "instruction": ("Kerro asiakkaalle heti", "Säg genast till klienten", "Tell the client now"),
    "safety_net": (
        "Jos tilanne pahenee",
        "Om tillståndet försämras",
        "If things get worse",
    ),
    "notices": ("Huomioi", "Observera", "Consider"),
    "coordinator_many_services_both_sectors": (
        "Asiakas tarvitsee vähintään kolmea palvelua sekä sosiaali- että terveyspalveluista.",
        "Klienten behöver minst tre tjänster från både social- och hälsovården.",
        "The client needs three or more services across social and health care.",
    ),
    "consent": ("Suostumus", "Samtycke", "Consent"),
    "red_flags_help": (
        "Yksikin hätämerkki ohjaa hätänumeroon 112.",
        "Ett enda varningstecken leder till nödnumret 112.",
        "Any one warning sign means calling 112.",
    ),
    "needs": (
        "Mitä asiakas tarvitsee? (yksi tai useampi)",
        "Vad behöver klienten? (ett eller flera)",
        "What does the client need? (one or more)",
    ),
    "questions": ("Kysymykset: {need}", "Frågor: {need}", "Questions: {need}"),
    "yes": ("Kyllä", "Ja", "Yes"),
    "no": ("Ei", "Nej", "No"),
    "unknown": ("Ei tiedossa", "Vet inte", "Not known"),
    "not_answered": ("Ei vastattu", "Inte besvarad", "Not answered"),
    "default_is": ("Jos ei vastata: {value}", "Om obesvarad: {value}", "If not answered: {value}"),
    "range": ("{min}–{max}", "{min}–{max}", "{min} to {max}"),
    "submit": ("Arvioi", "Bedöm", "Assess"),
    "submit_again": ("Arvioi uudelleen", "Bedöm igen", "Assess again"),
    "new_client": ("Uusi asiakas", "Ny klient", "New client"),
    "choose_need": (
        "Valitse vähintään yksi tarve.",
        "Välj minst ett behov.",
        "Choose at least one need.",
    ),
    "too_many_needs": (
        "Valitse enintään kuusi tarvetta.",
        "Välj högst sex behov.",
        "Choose at most six needs.",
    ),
    "input_error": (
        "Tarkista kenttä {field}: {message}",
        "Kontrollera fältet {field}: {message}",
        "Check the field {field}: {message}",
    ),
    "result": ("Tulos", "Resultat", "Result"),
    "service": ("Palvelu", "Tjänst", "Service"),
    "urgency": ("Kiireellisyys", "Brådska", "Urgency"),
    "do_now": ("Mitä tehdä nyt", "Vad du gör nu", "What to do now"),
    "call_112": ("Soita 112 nyt.", "Ring 112 nu.", "Call 112 now."),
    "emergency_flags": (
        "Hälytysmerkki: {flags}.",
        "Varningstecken: {flags}.",
        "Red flag: {flags}.",
    ),
    "why": ("Miksi", "Varför", "Why"),
    "why_missing": (
        "Sääntö, joka voisi vielä koskea asiakasta, tarvitsee nämä vastaukset ennen kuin palvelu voidaan valita.",
        "En regel som fortfarande kan gälla klienten behöver dessa svar innan tjänsten kan väljas.",
        "A rule that could still apply to the client needs these answers before the service can be chosen.",
    ),
    "details": ("Sääntöjen tiedot", "Reglernas detaljer", "Rule details"),
    "winning_rule": ("Ratkaissut sääntö", "Avgörande regel", "Deciding rule"),
    "fired_rules": ("Toteutuneet säännöt", "Uppfyllda regler", "Rules that were true"),
    "blocking_rules": (
        "Säännöt, jotka tarvitsevat lisätietoa",
        "Regler som behöver fler uppgifter",
        "Rules that need more answers",
    ),
    "missing": (
        "Vielä ei voida päättää. Kysy asiakkaalta:",
        "Det går ännu inte att avgöra. Fråga klienten:",
        "Not decided yet. Ask the client:",
    ),
    "providers": ("Palveluntuottajat", "Tjänsteproducenter", "Providers"),
    "impartial": (
        "Järjestys on puolueeton: ensin asiakkaan valitsema palveluntuottaja, sitten asiakkaan kieltä puhuvat, muut satunnaisessa järjestyksessä. Julkinen tai yksityinen omistus ei vaikuta järjestykseen.",
        "Ordningen är opartisk: först klientens valda producent, sedan de som talar klientens språk, övriga i slumpmässig ordning. Offentligt eller privat ägande påverkar inte ordningen.",
        "The order is impartial: the client's chosen provider first, then those speaking the client's language, the rest in random order. Public or private ownership does not affect the order.",
    ),
    "reason_chosen_by_client": ("Asiakkaan valitsema", "Klientens val", "The client's choice"),
    "reason_language_match": (
        "Puhuu asiakkaan kieltä",
        "Talar klientens språk",
        "Speaks the client's language",
    ),
    "reason_located_in_municipality": (
        "Sijaitsee asiakkaan kunnassa",
        "Finns i klientens kommun",
        "Located in the client's municipality",
    ),
    "reason_eligible": (
        "Palvelee asiakkaan kunnassa",
        "Betjänar klientens kommun",
        "Serves the client's municipality",
    ),
    "phone": ("Puhelin", "Telefon", "Phone"),
    "address": ("Osoite", "Adress", "Address"),
    "booking": ("Ajanvaraus verkossa", "Tidsbokning på nätet", "Online booking"),
    "hours": ("Aukioloajat", "Öppettider", "Opening hours"),
    "open_now": ("Auki nyt", "Öppet nu", "Open now"),
    "opens_at": ("Avautuu", "Öppnar", "Opens"),
    "closed_for_long": (
        "Suljettu, ei avaudu kahteen viikkoon",
        "Stängt, öppnar inte inom två veckor",
        "Closed, does not open within two weeks",
    ),
    "hours_unknown": (
        "Aukioloajat eivät ole tiedossa",
        "Öppettiderna är inte kända",
        "Opening hours not known",
    ),
    "route_to": ("Ohjaa nyt", "Hänvisa nu till", "Send the client now to"),
    "route_why": (
        "Päätetty palvelu ei ole auki ennen määräaikaa",
        "Den beslutade tjänsten har inte öppet före tidsgränsen",
        "The decided service is not open before the deadline",
    ),
    "accessibility_unknown": (
        "Esteettömyys ei tiedossa",
        "Tillgänglighet okänd",
        "Accessibility not known",
    ),
    "no_providers": (
        "Palveluntuottajia ei listata tälle palvelulle.",
        "Inga producenter listas för denna tjänst.",
        "No providers are listed for this service.",
    ),
    "plan": ("Suunnitelma", "Plan", "Plan"),
    "plan_steps": (
        "Vaiheet kiireellisyyden mukaan",
        "Steg efter brådska",
        "Steps, most urgent first",
    ),
    "plan_pending": ("Odottaa vastauksia", "Väntar på svar", "Waiting for answers"),
    "after_emergency": (
        "Hätätilanteen jälkeen: {needs}",
        "Efter nödsituationen: {needs}",
        "After the emergency: {needs}",
    ),
    "coordinator": (
        "Koordinointi: {service}, {urgency}.",
        "Samordning: {service}, {urgency}.",
        "Coordination: {service}, {urgency}.",
    ),
    "coordinator_has_case_manager": (
        "Asiakkaalla on jo vastuutyöntekijä, joka koordinoi.",
        "Klienten har redan en ansvarig arbetstagare som samordnar.",
        "The client already has a case manager, who coordinates.",
    ),
    "coordinator_three_or_more_services": (
        "Asiakas tarvitsee vähintään kolmea eri palvelua.",
        "Klienten behöver minst tre olika tjänster.",
        "The client needs at least three different services.",
    ),
    "coordinator_social_and_health": (
        "Asiakas tarvitsee sekä sosiaali- että terveyspalveluja.",
        "Klienten behöver både social- och hälsotjänster.",
        "The client needs both social and health services.",
    ),
    "no_coordinator": (
        "Erillistä koordinointia ei tarvita.",
        "Ingen separat samordning behövs.",
        "No separate coordination is needed.",
    ),
    "feedback": ("Oliko ohjaus oikea?", "Var hänvisningen rätt?", "Was this routing right?"),
    "correct": ("Oikein", "Rätt", "Correct"),
    "misrouted": (
        "Väärin: olisi pitänyt olla",
        "Fel: borde ha varit",
        "Wrong: it should have been",
    ),
    "expected_service": ("Oikea palvelu", "Rätt tjänst", "The right service"),
    "expected_urgency": ("Oikea kiireellisyys", "Rätt brådska", "The right urgency"),
    "send_feedback": ("Tallenna palaute", "Spara respons", "Save feedback"),
    "feedback_saved": (
        "Palaute tallennettu. Kiitos!",
        "Responsen har sparats. Tack!",
        "Feedback saved. Thank you!",
    ),
    "feedback_error": (
        "Palautetta ei tallennettu: {message}",
        "Responsen sparades inte: {message}",
        "Feedback not saved: {message}",
    ),
    "other_origin": (
        "Lomake ei tullut tältä sivulta, eikä sitä käsitelty. Avaa sivu uudelleen ja yritä "
        "uudelleen.",
        "Formuläret kom inte från den här sidan och behandlades inte. Öppna sidan på nytt "
        "och försök igen.",
        "The form did not come from this page and was not processed. Open the page again "
        "and try again.",
    ),
    "more_providers": (
        "Lisäksi {count} muuta palveluntuottajaa voi palvella asiakasta; ne eivät ole luettelossa.",
        "Ytterligare {count} andra tjänsteproducenter kan betjäna klienten; de finns inte "
        "i listan.",
        "{count} more providers can serve the client; they are not in the list.",
    ),
    "no_decision": (
        "Tunnuksella ei löydy päätöstä.",
        "Inget beslut har den identifieraren.",
        "No decision has that id.",
    ),
    "form_too_large": (
        "Lomakkeessa oli yli {limit} kenttää, eikä sitä käsitelty.",
        "Formuläret hade över {limit} fält och behandlades inte.",
        "The form had over {limit} fields and was not processed.",
    ),
    "unavailable": (
        "Palvelu ei juuri nyt vastaa. Yritä hetken kuluttua uudelleen.",
        "Tjänsten svarar inte just nu. Försök igen om en stund.",
        "The service is not answering right now. Try again in a moment.",
    ),
    "decision_ref": ("Päätöksen tunniste", "Beslutets id", "Decision id"),
}


def text(code: str, locale: Locale, **params: object) -> str:
    return in_locale(_TEXTS[code], locale).format(**params)
