"""Every label a viewer reads, in English and French.

Labels live in one table; :func:`t` looks one up.  ``tests/views/test_route_map.py``
fails when a label lacks its French text.
"""

from __future__ import annotations

from gloact_lib.i18n_briefing import BRIEFING_LABELS
from gloact_lib.i18n_live import LIVE_LABELS
from gloact_lib.i18n_pages import PAGE_LABELS
from gloact_lib.i18n_sources import SOURCE_LABELS

__all__ = ["LABELS", "LANGUAGES", "LANGUAGE_NAMES", "label_or", "t"]

LANGUAGES = ("en", "fr")

LABELS: dict[str, dict[str, str]] = {
    # map layers and legend
    "countries": {"en": "Countries", "fr": "Pays"},
    "flows": {"en": "Flows", "fr": "Flux"},
    "hubs": {"en": "Transit hubs", "fr": "Plateformes de transit"},
    "incidents": {"en": "Migrants dead and missing", "fr": "Migrants morts et disparus"},
    "origin": {"en": "Origin", "fr": "Origine"},
    "transit": {"en": "Transit", "fr": "Transit"},
    "destination": {"en": "Destination", "fr": "Destination"},
    "several_roles": {"en": "several roles (outlined)", "fr": "plusieurs rôles (contour)"},
    "legend": {"en": "Legend", "fr": "Légende"},
    "zoom_in": {"en": "Zoom in", "fr": "Zoom avant"},  # Leaflet's own words on every map (views/map_text.py)
    "zoom_out": {"en": "Zoom out", "fr": "Zoom arrière"},
    "leaflet_credit": {"en": "A JavaScript library for interactive maps",
                       "fr": "Une bibliothèque JavaScript de cartes interactives"},
    "arc_width": {"en": "arc width: number of {unit}", "fr": "épaisseur des flèches : nombre de {unit}"},
    "hub_size": {"en": "circle size: {unit} passing through", "fr": "taille des cercles : {unit} en transit"},
    "persons": {"en": "persons", "fr": "personnes"},
    "detections": {"en": "detections", "fr": "détections"},
    "inflow": {"en": "in", "fr": "entrées"},
    "outflow": {"en": "out", "fr": "sorties"},
    "through": {"en": "through", "fr": "en transit"},
    "hidden": {"en": "fewer than {n} (hidden)", "fr": "moins de {n} (masqué)"},
    "some_hidden": {"en": "some small flows hidden", "fr": "certains petits flux masqués"},
    "suppression_note": {  # disclosure control (gloact_lib/analysis/disclosure.py), on every view that shows counts
        "en": "Counts of persons are slightly perturbed (cell-key method) so that small numbers cannot be "
              "worked out; they may not add up exactly. Published counts below {n} are hidden. Frontex "
              "detections and Missing Migrants figures are exact.",
        "fr": "Les effectifs de personnes sont légèrement perturbés (méthode des clés de cellule) afin que les "
              "petits nombres ne puissent pas être retrouvés ; leurs sommes peuvent ne pas tomber juste. Les "
              "effectifs publiés inférieurs à {n} sont masqués. Les détections de Frontex et les chiffres du "
              "projet Migrants disparus de l'OIM sont exacts.",
    },
    "source": {"en": "Source", "fr": "Source"},
    "sources": {"en": "Sources", "fr": "Sources"},
    "caveat_detections": {
        "en": "Detections are not persons: one person may be detected several times.",
        "fr": "Les détections ne sont pas des personnes : une même personne peut être détectée plusieurs fois.",
    },
    "caveat_cases": {
        "en": "Detected cases are not prevalence.",
        "fr": "Les cas détectés ne mesurent pas la prévalence.",
    },
    "caveat_illustrative": {
        "en": "Illustrative data: generated figures, not real cases.",
        "fr": "Données illustratives : chiffres générés, pas de cas réels.",
    },
    "caveat_incidents": {
        "en": "Missing Migrants figures are minimum estimates.",
        "fr": "Les chiffres du projet Migrants disparus de l'OIM sont des estimations minimales.",
    },
    "caveat_routes": {
        "en": "Each Frontex route is drawn through one assumed departure country (e.g. Libya for the Central "
              "Mediterranean).",
        "fr": "Chaque route Frontex est tracée par un seul pays de départ supposé (par exemple la Libye pour la "
              "Méditerranée centrale).",
    },
    "illustrative_badge": {"en": "ILLUSTRATIVE DATA", "fr": "DONNÉES ILLUSTRATIVES"},
    "no_data": {"en": "No data for this selection.", "fr": "Aucune donnée pour cette sélection."},
    "unmapped": {
        "en": "Not drawn (no coordinates): {names}",
        "fr": "Non représentés (pas de coordonnées) : {names}",
    },
    "title": {"en": "Routes", "fr": "Itinéraires"},
    "largest_flows": {
        "en": "Showing the {n} largest of {total} flows.",
        "fr": "Les {n} flux les plus importants sur {total} sont représentés.",
    },
    "and_more": {"en": " and {n} more", "fr": " et {n} autres"},
    "trafficking": {"en": "trafficking in persons", "fr": "traite des personnes"},
    "smuggling": {"en": "smuggling of migrants", "fr": "trafic illicite de migrants"},
    "all_crimes": {"en": "trafficking and smuggling", "fr": "traite et trafic illicite"},
    "dead_missing": {"en": "dead and missing", "fr": "morts et disparus"},
    "incident_count": {"en": "incidents", "fr": "incidents"},
    # dashboards
    "dashboard_title": {
        "en": "Trafficking and smuggling routes",
        "fr": "Itinéraires de la traite et du trafic illicite",
    },
    "language": {"en": "Language", "fr": "Langue"},
    "filters": {"en": "Filters", "fr": "Filtres"},
    "measure": {"en": "Counting", "fr": "Comptage"},
    "data": {"en": "Data", "fr": "Données"},
    "data_all": {"en": "all", "fr": "toutes"},
    "data_real": {"en": "real only", "fr": "réelles seulement"},
    "data_illustrative": {"en": "illustrative only", "fr": "illustratives seulement"},
    "period": {"en": "Period", "fr": "Période"},
    "crime": {"en": "Crime", "fr": "Infraction"},
    "all": {"en": "all", "fr": "tous"},
    "country": {"en": "Country", "fr": "Pays"},
    "role": {"en": "Role", "fr": "Rôle"},
    "any_role": {"en": "any role", "fr": "tout rôle"},
    "sex": {"en": "Sex", "fr": "Sexe"},
    "female": {"en": "female", "fr": "femmes"},
    "male": {"en": "male", "fr": "hommes"},
    "other": {"en": "other", "fr": "autre"},
    "unknown": {"en": "unknown", "fr": "inconnu"},
    "age_group": {"en": "Age group", "fr": "Âge"},
    "child": {"en": "children", "fr": "enfants"},
    "adult": {"en": "adults", "fr": "adultes"},
    "route": {"en": "Frontex route", "fr": "Route Frontex"},
    "kpi_total": {"en": "{unit} in this selection", "fr": "{unit} dans cette sélection"},
    "kpi_routes": {"en": "origin–destination routes", "fr": "itinéraires origine–destination"},
    "kpi_top_origin": {"en": "top origin", "fr": "principale origine"},
    "kpi_top_transit": {"en": "top transit", "fr": "principal transit"},
    "kpi_top_destination": {"en": "top destination", "fr": "principale destination"},
    "top_routes": {"en": "Top routes", "fr": "Principaux itinéraires"},
    "trend": {"en": "Per month", "fr": "Par mois"},
    "from": {"en": "From", "fr": "De"},
    "to": {"en": "To", "fr": "Vers"},
    "status_ok": {"en": "Updated.", "fr": "Mis à jour."},
    "data_as_of": {"en": "Data as of {when}.", "fr": "Données au {when}."},
    "status_waiting": {"en": "Waiting for an import to finish…", "fr": "En attente de la fin d'une importation…"},
    "refresh": {"en": "Refresh", "fr": "Actualiser"},
    "status_error": {"en": "Could not update: {reason}", "fr": "Mise à jour impossible : {reason}"},
    # what a viewer reads when something fails (details go to the server log, never to the page)
    "err_busy": {"en": "The data is being updated. This view will try again in a moment.",
                 "fr": "Les données sont en cours de mise à jour. Cette vue réessaiera dans un instant."},
    "err_missing": {"en": "The workbook database is not available yet. This view will try again in a moment.",
                    "fr": "La base de données du classeur n'est pas encore disponible. Cette vue réessaiera "
                          "dans un instant."},
    "err_damaged": {"en": "The workbook database cannot be read. Please tell the analyst in charge.",
                    "fr": "La base de données du classeur est illisible. Merci de prévenir l'analyste responsable."},
    "err_unreachable": {"en": "The database server cannot be reached. This view will try again in a moment.",
                        "fr": "Le serveur de la base de données est injoignable. Cette vue réessaiera dans un "
                              "instant."},
    "err_denied": {"en": "This dashboard's account may not read the workbook. Please tell the analyst in charge.",
                   "fr": "Le compte de ce tableau de bord ne peut pas lire le classeur. Merci de prévenir "
                         "l'analyste responsable."},
    "err_other": {"en": "This view could not be updated. Please try again or tell the analyst in charge.",
                  "fr": "Cette vue n'a pas pu être mise à jour. Réessayez ou prévenez l'analyste responsable."},
    "try_again": {"en": "Try again", "fr": "Réessayer"},
    "none": {"en": "none", "fr": "aucun"},
    # country profile
    "country_title": {"en": "Country profile", "fr": "Profil de pays"},
    "role_on_routes": {"en": "Role on the routes", "fr": "Rôle sur les itinéraires"},
    "partners_out": {"en": "Main destinations from {country}", "fr": "Principales destinations depuis {country}"},
    "partners_in": {"en": "Main origins towards {country}", "fr": "Principales origines vers {country}"},
    "treaty_status": {"en": "Legal framework (UN treaty status)", "fr": "Cadre juridique (statut des traités ONU)"},
    "UNTOC": {
        "en": "UN Convention against Transnational Organized Crime",
        "fr": "Convention des Nations Unies contre la criminalité transnationale organisée",
    },
    "TIP_Protocol": {"en": "Trafficking in Persons Protocol", "fr": "Protocole relatif à la traite des personnes"},
    "SOM_Protocol": {"en": "Smuggling of Migrants Protocol", "fr": "Protocole contre le trafic illicite de migrants"},
    "party_since": {"en": "party ({action}, {date})", "fr": "partie ({action}, {date})"},
    "not_party": {"en": "not a party in the source", "fr": "non partie selon la source"},
    "unverified": {"en": "current status unverified", "fr": "statut actuel non vérifié"},
    "indicators": {"en": "National figures", "fr": "Chiffres nationaux"},
    "commitments": {"en": "Commitments", "fr": "Engagements"},
    "meetings_attended": {"en": "Meetings attended", "fr": "Réunions auxquelles le pays a participé"},
    "no_status": {"en": "no status update recorded yet", "fr": "aucune mise à jour enregistrée"},
    "deaths_nearby": {
        "en": "Migrants dead and missing recorded in {country}",
        "fr": "Migrants morts et disparus enregistrés : {country}",
    },
    "incidents_total": {
        "en": "{dead} dead and missing in {n} incidents ({first}–{last})",
        "fr": "{dead} morts et disparus lors de {n} incidents ({first}–{last})",
    },
    "translation_note": {
        "en": "Recommendations quoted as adopted (English); those marked “summary” are summaries by the workbook "
              "team, where the source gives no wording.",
        "fr": "Traduction française de l'équipe du classeur ; texte non officiel. Les recommandations marquées "
              "« résumé » sont des résumés de l'équipe du classeur, la source n'en donnant pas le texte.",
    },
    # commitments
    "commitments_title": {
        "en": "Commitments: follow-up of the recommendations",
        "fr": "Engagements : suivi des recommandations",
    },
    # briefing packs
    "briefing_participants": {"en": "Participants", "fr": "Participants"},
    "briefing_organisations": {"en": "Organisations", "fr": "Organisations"},
    "briefing_period": {"en": "Period covered", "fr": "Période couverte"},
    "briefing_prepared": {"en": "Briefing pack prepared on {date} with the GLO.ACT route workbook.",
                          "fr": "Dossier de réunion préparé le {date} avec le classeur des itinéraires GLO.ACT."},
    "briefing_keys": {"en": "Use ← → to move between views, F for full screen.",
                      "fr": "← → pour passer d'une vue à l'autre, F pour le plein écran."},
    "briefing_routes": {"en": "Routes of the meeting's countries (journeys)",
                        "fr": "Itinéraires des pays de la réunion (parcours)"},
    "briefing_frontex": {"en": "Detections at the EU's external borders (Frontex)",
                         "fr": "Détections aux frontières extérieures de l'UE (Frontex)"},
    "briefing_figures": {"en": "Key figures", "fr": "Chiffres clés"},
    "briefing_off_map": {"en": "Everyone counted: on the maps or listed",
                         "fr": "Tous comptés : sur les cartes ou listés"},
    "off_map_note": {
        "en": "Each total is split into the persons (or detections) drawn on the map, those listed here because an "
              "end is unknown or stateless, and what disclosure control hides (groups of fewer than {n}) or "
              "perturbs. Domestic journeys are drawn as rings at their country.",
        "fr": "Chaque total se répartit entre les personnes (ou détections) représentées sur la carte, celles listées "
              "ici parce qu'une extrémité est inconnue ou apatride, et ce que le contrôle de divulgation masque "
              "(groupes de moins de {n}) ou perturbe. Les parcours internes sont représentés par des anneaux sur "
              "leur pays.",
    },
    "briefing_commitments": {"en": "Commitments of the participants", "fr": "Engagements des participants"},
    "briefing_treaties": {"en": "Legal frameworks", "fr": "Cadres juridiques"},
    "briefing_sources": {"en": "Sources and caveats", "fr": "Sources et mises en garde"},
    # the focal points' Excel form (gloact commitments template)
    "form_sheet": {"en": "commitments", "fr": "engagements"},
    "form_info_sheet": {"en": "info", "fr": "mode d'emploi"},
    "form_intro": {
        "en": "Commitments form for {country}. For each recommendation whose status changed, choose the new "
              "status, give the date (a day, or the month) and the evidence, then return the file; leave the other "
              "rows as they are. Rows of another country are not accepted. Columns rec_id and iso3 must not be "
              "changed.",
        "fr": "Formulaire de suivi des engagements pour {country}. Pour chaque recommandation dont le statut a "
              "changé, choisissez le nouveau statut, indiquez la date (un jour, ou le mois) et la preuve, puis "
              "renvoyez le fichier ; laissez les autres lignes telles quelles. Les lignes d'un autre pays ne sont "
              "pas acceptées. Les colonnes « code de la recommandation » et « code du pays » ne doivent pas être "
              "modifiées.",
    },
    # its column headers: in English the columns' own names, in French words (gloact import reads both)
    "form_col_rec_id": {"en": "rec_id", "fr": "code de la recommandation"},
    "form_col_iso3": {"en": "iso3", "fr": "code du pays"},
    "form_col_recommendation": {"en": "recommendation", "fr": "recommandation"},
    "form_col_current_status": {"en": "current_status", "fr": "statut actuel"},
    "form_col_current_date": {"en": "current_date", "fr": "date du statut actuel"},
    "form_col_status": {"en": "status", "fr": "nouveau statut"},
    "form_col_date": {"en": "date", "fr": "date"},
    "form_col_evidence": {"en": "evidence", "fr": "preuve"},
    "form_col_source": {"en": "source", "fr": "source"},
    "form_help_recommendation": {"en": "The recommendation (for reading; not imported).",
                                 "fr": "La recommandation (pour lecture ; non importée)."},
    "form_help_current_status": {"en": "Status recorded in the workbook today (for reading).",
                                 "fr": "Statut enregistré aujourd'hui dans le classeur (pour lecture)."},
    "form_help_status": {"en": "New status: choose from the list.", "fr": "Nouveau statut : choisir dans la liste."},
    "form_help_date": {"en": "Date of the new status (YYYY-MM-DD), or its month (2024-06, June 2024).",
                       "fr": "Date du nouveau statut (AAAA-MM-JJ), ou son mois (2024-06, juin 2024)."},
    "form_help_evidence": {"en": "What shows it: decree, meeting, agreement signed...",
                           "fr": "Ce qui le montre : décret, réunion, accord signé..."},
    "form_help_source": {"en": "Who reports it (institution, focal point).",
                         "fr": "Qui le signale (institution, point focal)."},
    # domestic journeys and ends that are not on the map (issue 11)
    "domestic": {"en": "Domestic", "fr": "Interne"},
    "domestic_tip": {"en": "domestic: {n}", "fr": "interne : {n}"},
    "domestic_size": {"en": "ring: domestic {unit} (within the country)",
                      "fr": "anneau : {unit} à l'intérieur du pays (interne)"},
    "kpi_domestic": {"en": "domestic (within one country)", "fr": "internes (dans un même pays)"},
    "scope": {"en": "Journeys", "fr": "Parcours"},
    "scope_all": {"en": "all", "fr": "tous"},
    "scope_cross_border": {"en": "cross-border", "fr": "transfrontaliers"},
    "scope_domestic": {"en": "domestic", "fr": "internes"},
    "scope_unknown": {"en": "an end unknown", "fr": "extrémité inconnue"},
    "origin_unknown": {"en": "origin unknown", "fr": "origine inconnue"},
    "destination_unknown": {"en": "destination unknown", "fr": "destination inconnue"},
    "stateless": {"en": "stateless", "fr": "apatrides"},
    "no_place": {"en": "no place on the basemap", "fr": "absent du fond de carte"},
    "off_map_title": {"en": "Not on the map", "fr": "Hors de la carte"},
    "account_total": {"en": "Total", "fr": "Total"},
    "account_on_map": {"en": "on the map", "fr": "sur la carte"},
    "account_listed": {"en": "listed here, not drawn", "fr": "listés ici, non tracés"},
    "account_hidden": {"en": "hidden (groups of fewer than {n})", "fr": "masqués (groupes de moins de {n})"},
    "account_adjusted": {"en": "privacy adjustment (hidden groups, perturbation; may be negative)",
                         "fr": "ajustement de confidentialité (groupes masqués, perturbation ; peut être négatif)"},
    "listed_hidden": {"en": "{k} more groups of fewer than {n}", "fr": "{k} autres groupes de moins de {n}"},
    "listed_hidden_one": {"en": "{k} more group of fewer than {n}", "fr": "{k} autre groupe de moins de {n}"},
    "return_trip": {"en": "return via another country", "fr": "retour par un autre pays"},
    "off_map_persons": {"en": "Persons not on the map", "fr": "Personnes hors de la carte"},
    "off_map_detections": {"en": "Detections not on the map", "fr": "Détections hors de la carte"},
}

#: The language switch shows each language in itself.
# the labels of the pages around the dashboards (front door, downloads, maps index, real-data hints)
_PAGES = (set(PAGE_LABELS) | set(BRIEFING_LABELS)) & set(LABELS) | set(PAGE_LABELS) & set(BRIEFING_LABELS)
if _PAGES:  # pragma: no cover - a label defined twice is a mistake, found at import
    raise RuntimeError(f"labels defined twice: {sorted(_PAGES)}")
LABELS.update(PAGE_LABELS)
LABELS.update(BRIEFING_LABELS)  # the key messages and the briefing packs (gloact_lib/i18n_briefing.py)
_TWICE = set(SOURCE_LABELS) & set(LABELS)
if _TWICE:  # pragma: no cover - a label defined twice is a mistake, found at import
    raise RuntimeError(f"labels defined twice: {sorted(_TWICE)}")
LABELS.update(SOURCE_LABELS)  # what the data says about itself: sources, units, routes (gloact_lib/i18n_sources.py)
if set(LIVE_LABELS) & set(LABELS):  # pragma: no cover - a label defined twice is a mistake, found at import
    raise RuntimeError(f"labels defined twice: {sorted(set(LIVE_LABELS) & set(LABELS))}")
LABELS.update(LIVE_LABELS)  # the live route map (gloact_lib/i18n_live.py)

LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


def t(key: str, lang: str = "en", **values) -> str:
    """The label ``key`` in ``lang``, with ``{placeholders}`` filled.

    Parameters
    ----------
    key : str
        A key of :data:`LABELS`.
    lang : {"en", "fr"}, default "en"
    **values
        Values for the placeholders.

    Raises
    ------
    KeyError
        For an unknown key or language.

    Examples
    --------
    >>> t("hidden", "fr", n=5)
    'moins de 5 (masqué)'
    """
    if lang not in LANGUAGES:
        raise KeyError(f"unknown language {lang!r}: expected one of {LANGUAGES}")
    text = LABELS[key][lang]
    return text.format(**values) if values else text


def label_or(key: str, lang: str, default: str) -> str:
    """The label ``key`` in ``lang``, or ``default`` when the table has no such label (a value from data).

    Examples
    --------
    >>> label_or("theme_protection", "fr", "protection"), label_or("theme_new", "fr", "new")
    ('protection', 'new')
    """
    return t(key, lang) if key in LABELS else default
