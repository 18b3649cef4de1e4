"""Labels of the pages around the dashboards, in English and French: the front door (``gloact serve``'s
landing page), the figures to take away, the index of ``gloact build-maps`` and the hints a view gives
when a selection is empty (real data first).  Merged into :data:`gloact_lib.i18n.LABELS`; read them
with :func:`gloact_lib.i18n.t`."""

from __future__ import annotations

__all__ = ["PAGE_LABELS"]

PAGE_LABELS: dict[str, dict[str, str]] = {
    # landing page (gloact serve, "/"): one card per dashboard
    "landing_title": {"en": "GLO.ACT route workbook", "fr": "Classeur des itinéraires GLO.ACT"},
    "landing_subtitle": {
        "en": "Trafficking in persons and smuggling of migrants between countries of origin, transit and "
              "destination: the routes, each country's profile, and the follow-up of the commitments made in "
              "Niamey (2018) and Casablanca (2019).",
        "fr": "Traite des personnes et trafic illicite de migrants entre pays d'origine, de transit et de "
              "destination : les itinéraires, le profil de chaque pays et le suivi des engagements pris à Niamey "
              "(2018) et à Casablanca (2019).",
    },
    "landing_routes": {
        "en": "Where people come from, which countries and hubs they pass through and where they go: key "
              "figures, a map and the trend over time.",
        "fr": "D'où viennent les personnes, par quels pays et plateformes elles passent et où elles vont : "
              "chiffres clés, carte et évolution dans le temps.",
    },
    "landing_routes_data": {
        "en": "Frontex detections of irregular border crossings (January 2009 – April 2025); IOM Missing "
              "Migrants Project (January 2014 – April 2025). Sample journeys are illustrative and labelled so.",
        "fr": "Détections de franchissements irréguliers des frontières par Frontex (janvier 2009 – avril 2025) ; "
              "projet Migrants disparus de l'OIM (janvier 2014 – avril 2025). Les trajets d'exemple sont "
              "illustratifs et signalés comme tels.",
    },
    "landing_country": {
        "en": "One country at a glance: its role on the routes, its main partners, its treaty status, national "
              "figures, commitments, and migrants dead and missing.",
        "fr": "Un pays en un coup d'œil : son rôle sur les itinéraires, ses principaux partenaires, son statut "
              "au regard des traités, ses chiffres nationaux, ses engagements, les migrants morts et disparus.",
    },
    "landing_country_data": {
        "en": "Frontex and IOM Missing Migrants Project figures for the country; UN Treaty Collection (status "
              "as of July 2014); IOM and UNODC reports (Niger, 2016–2018). Illustrative figures are labelled.",
        "fr": "Chiffres de Frontex et du projet Migrants disparus de l'OIM pour le pays ; Collection des traités "
              "des Nations Unies (statut à juillet 2014) ; rapports de l'OIM et de l'ONUDC (Niger, 2016–2018). "
              "Les chiffres illustratifs sont signalés.",
    },
    "landing_commitments": {
        "en": "The recommendations adopted in Niamey (2018) and Casablanca (2019): status by country, "
              "progress, and what changed since a meeting.",
        "fr": "Les recommandations adoptées à Niamey (2018) et à Casablanca (2019) : statut par pays, progrès "
              "et changements depuis une réunion.",
    },
    "landing_commitments_data": {
        "en": "Recommendations as published by UNODC (2018, 2019); status updates recorded by the analysts. "
              "Illustrative updates are labelled.",
        "fr": "Recommandations publiées par l'ONUDC (2018, 2019) ; mises à jour du statut enregistrées par les "
              "analystes. Les mises à jour illustratives sont signalées.",
    },
    "landing_data": {"en": "Data and sources", "fr": "Données et sources"},
    "landing_open": {"en": "Open", "fr": "Ouvrir"},
    "landing_open_in": {"en": "Open in English", "fr": "Ouvrir en français"},
    "landing_present": {"en": "Presenter mode", "fr": "Mode présentation"},
    "landing_footer": {
        "en": "GLO.ACT: Global Action against Trafficking in Persons and the Smuggling of Migrants, a joint "
              "initiative of the European Union and UNODC. This workbook works without an internet connection; "
              "small counts of persons are hidden to protect them.",
        "fr": "GLO.ACT : Action mondiale contre la traite des personnes et le trafic illicite de migrants, "
              "initiative conjointe de l'Union européenne et de l'ONUDC. Ce classeur fonctionne sans connexion "
              "à Internet ; les petits effectifs de personnes sont masqués pour les protéger.",
    },
    "status_grid": {"en": "Status by country and recommendation", "fr": "Statut par pays et par recommandation"},
    "progress_by_country": {"en": "Progress by country", "fr": "Progrès par pays"},
    "timeline": {"en": "Latest updates", "fr": "Dernières mises à jour"},
    "changes_since": {"en": "Changes since {meeting}", "fr": "Changements depuis {meeting}"},
    "no_changes": {"en": "No change recorded.", "fr": "Aucun changement enregistré."},
    "since_meeting": {"en": "Since", "fr": "Depuis"},
    "recommendation": {"en": "Recommendation", "fr": "Recommandation"},
    "date": {"en": "Date", "fr": "Date"},
    "previous": {"en": "before", "fr": "avant"},
    "evidence": {"en": "Evidence", "fr": "Preuve"},
    "overdue": {"en": "No news for over {months} months", "fr": "Sans nouvelles depuis plus de {months} mois"},
    "not_started": {"en": "not started", "fr": "non commencé"},
    "in_progress": {"en": "in progress", "fr": "en cours"},
    "achieved": {"en": "achieved", "fr": "réalisé"},
    "not_applicable": {"en": "not applicable", "fr": "sans objet"},
    "not_concerned": {"en": "not concerned", "fr": "non concerné"},
    "share_achieved": {"en": "{pct}% achieved", "fr": "{pct} % réalisé"},
    "theme_protection": {"en": "protection", "fr": "protection"},
    "theme_judicial_cooperation": {"en": "judicial cooperation", "fr": "coopération judiciaire"},
    "theme_security_cooperation": {"en": "security cooperation", "fr": "coopération sécuritaire"},
    "theme_data_and_identification": {"en": "data and identification", "fr": "données et identification"},
    "theme_institutional": {"en": "institutional", "fr": "institutionnel"},
    "caveat_status_illustrative": {
        "en": "Status updates shown are illustrative (generated), not real reporting.",
        "fr": "Les mises à jour présentées sont illustratives (générées), pas des rapports réels.",
    },
    "basemap_credit": {
        "en": "Boundaries: Natural Earth (public domain); not an endorsement of any border.",
        "fr": "Frontières : Natural Earth (domaine public) ; n'implique aucune reconnaissance de frontière.",
    },
    "hidden_month": {"en": "hidden", "fr": "masqué"},
    "treaty_source": {
        "en": "UN Treaty Collection, status of treaties as of July 2014 (via a public compilation); {unverified}: "
              "the sources could not confirm the current status.",
        "fr": "Collection des traités des Nations Unies, état des traités en juillet 2014 (via une compilation "
              "publique) ; {unverified} : les sources n'ont pas permis de confirmer le statut actuel.",
    },
    # real data first (issue 13): what to choose when a selection is empty, the real figures of a country
    "no_real_persons": {"en": "No real counts of persons; Frontex counts detections: choose {choice} (or {sample} "
                              "for the illustrative sample).",
                        "fr": "Aucun effectif réel de personnes ; Frontex compte des détections : choisissez "
                              "{choice} (ou {sample} pour l'échantillon illustratif)."},
    "no_data_choose": {"en": "No data for this selection: choose {choice}.",
                       "fr": "Aucune donnée pour cette sélection : choisissez {choice}."},
    "no_data_widen": {"en": "No data for this selection: widen the period or choose all countries.",
                      "fr": "Aucune donnée pour cette sélection : élargissez la période ou choisissez tous les pays."},
    "caveat_transit_routes": {
        "en": "Transit countries of Frontex detections are assumed: each route is given one departure country (e.g. "
              "Libya for the Central Mediterranean), whatever the actual departure; “top transit” counts the "
              "detections on the routes assigned to it.",
        "fr": "Les pays de transit des détections Frontex sont supposés : chaque route se voit attribuer un seul pays "
              "de départ (par exemple la Libye pour la Méditerranée centrale), quel que soit le départ réel ; "
              "« principal transit » compte les détections sur les routes qui lui sont attribuées."},
    "caveat_transit_country": {
        "en": "Frontex gives each route one departure country, whatever the actual departure: the transit figures "
              "of {country} count the detections on the routes assigned to it ({routes}), not persons counted there.",
        "fr": "Frontex attribue à chaque route un seul pays de départ, quel que soit le départ réel : les chiffres "
              "de transit ({country}) comptent les détections sur les routes qui lui sont attribuées ({routes}), pas "
              "des personnes comptées dans ce pays."},
    "frontex_real": {"en": "Frontex detections (real data)", "fr": "Détections Frontex (données réelles)"},
    "frontex_by_year": {"en": "Frontex detections by year: {country}",
                        "fr": "Détections Frontex par année : {country}"},
    "fx_nationals": {"en": "detections of its nationals (origin)", "fr": "détections de ses ressortissants (origine)"},
    "fx_transit": {"en": "on the routes assigned to it (transit)", "fr": "sur les routes qui lui sont attribuées "
                                                                         "(transit)"},
    "fx_destination": {"en": "detections entering it (destination)", "fr": "détections à son entrée (destination)"},
    "fx_none": {"en": "No Frontex detection concerns {country}: Frontex counts irregular crossings of the EU's "
                      "external borders, by nationality and route.",
                "fr": "Aucune détection Frontex ne concerne ce pays ({country}) : Frontex compte les franchissements "
                      "irréguliers des frontières extérieures de l'UE, par nationalité et par route."},
    "fx_routes_of_nationals": {"en": "Its nationals were detected mainly on: {routes}.",
                               "fr": "Ses ressortissants ont été détectés surtout sur : {routes}."},
    "none_recorded": {"en": "None recorded: {roles}.", "fr": "Aucun enregistrement : {roles}."},
    "figures_until": {"en": "Figures up to {date}: the last year is partial.",
                      "fr": "Chiffres jusqu'au {date} : la dernière année est partielle."},
    "source_frontex": {"en": "Frontex, detections of illegal border-crossings at the EU's external borders (monthly, "
                             "by route and nationality)",
                       "fr": "Frontex, détections de franchissements irréguliers des frontières extérieures de l'UE "
                             "(par mois, route et nationalité)"},
    "source_mmp": {"en": "IOM Missing Migrants Project", "fr": "Projet Migrants disparus de l'OIM"},
    "persons_journeys": {"en": "Journeys of persons", "fr": "Parcours de personnes"},
    "no_persons_journeys": {"en": "No journey of persons recorded for {country}.",
                            "fr": "Aucun parcours de personnes enregistré ({country})."},
    "year": {"en": "Year", "fr": "Année"},
    "mmp_dead_in": {"en": "dead and missing in the country", "fr": "morts et disparus dans le pays"},
    "mmp_incidents_in": {"en": "incidents in the country", "fr": "incidents dans le pays"},
    "mmp_dead_nationals": {"en": "dead and missing in incidents involving its nationals (anywhere)",
                           "fr": "morts et disparus lors d'incidents impliquant ses ressortissants (partout)"},
    "mmp_incidents_nationals": {"en": "incidents involving its nationals (anywhere)",
                                "fr": "incidents impliquant ses ressortissants (partout)"},
    "mmp_nationals_total": {"en": "{dead} dead and missing in {n} incidents involving its nationals, anywhere "
                                  "({first}–{last})",
                            "fr": "{dead} morts et disparus lors de {n} incidents impliquant ses ressortissants, où "
                                  "que ce soit ({first}–{last})"},
    "mmp_none": {"en": "The IOM Missing Migrants Project records no migrant dead or missing in {country} or among "
                       "its nationals.",
                 "fr": "Le projet Migrants disparus de l'OIM n'enregistre aucun migrant mort ou disparu dans ce pays "
                       "({country}) ni parmi ses ressortissants."},
    "caveat_nationalities": {"en": "An incident whose victims have several nationalities counts for each of them, "
                                   "with all its dead and missing.",
                             "fr": "Un incident dont les victimes ont plusieurs nationalités compte pour chacune, "
                                   "avec tous ses morts et disparus."},
    # the figures of a view to take away (gloact_lib/views/downloads.py)
    "downloads": {"en": "Download the figures of this view", "fr": "Télécharger les chiffres de cette vue"},
    "download_csv": {"en": "Download CSV", "fr": "Télécharger (CSV)"},
    "download_xlsx": {"en": "Download Excel", "fr": "Télécharger (Excel)"},
    "download_failed": {"en": "The file could not be written: try again in a moment.",
                        "fr": "Le fichier n'a pas pu être écrit : réessayez dans un instant."},
    "dl_sheet": {"en": "figures", "fr": "chiffres"},
    "dl_data_as_of": {"en": "Data as of", "fr": "Données au"},
    "dl_selection": {"en": "Selection", "fr": "Sélection"},
    "dl_caveats": {"en": "Caveats", "fr": "Mises en garde"},
    "dl_roles": {"en": "Countries by role", "fr": "Pays par rôle"},
    "dl_routes": {"en": "Origin–destination routes", "fr": "Itinéraires origine–destination"},
    "dl_legs": {"en": "Flows on the map", "fr": "Flux sur la carte"},
    "dl_col_section": {"en": "Table", "fr": "Tableau"},
    "dl_col_item": {"en": "Item", "fr": "Élément"},
    "dl_col_value": {"en": "Value", "fr": "Valeur"},
    "dl_col_unit": {"en": "Unit", "fr": "Unité"},
    "dl_col_note": {"en": "Note", "fr": "Note"},
    "dl_col_source": {"en": "Source", "fr": "Source"},
    # the index page of `gloact build-maps` (gloact_lib/views/build_maps.py)
    "maps_index": {"en": "Route maps", "fr": "Cartes des itinéraires"},
    "maps_about": {"en": "{n} maps. Each one opens in a browser with no network. Data as of {when}.",
                   "fr": "{n} cartes. Chacune s'ouvre dans un navigateur sans réseau. Données au {when}."},
    "maps_overviews": {"en": "Overview", "fr": "Vue d'ensemble"},
    "maps_overview": {"en": "All routes (journeys)", "fr": "Tous les itinéraires (parcours)"},
    "maps_overview_frontex": {"en": "All Frontex routes (detections)", "fr": "Toutes les routes Frontex (détections)"},
    "maps_routes": {"en": "Frontex routes (detections)", "fr": "Routes Frontex (détections)"},
    "maps_countries": {"en": "Member countries", "fr": "Pays membres"},
    # presenter mode (?present=1): the slides the dashboard does not have, and what a full slide leaves out
    "key_messages": {"en": "Key messages", "fr": "Messages clés"},
    "recommendations": {"en": "Recommendations", "fr": "Recommandations"},
    "present_keys": {"en": "→ next slide · ← previous slide · F full screen",
                     "fr": "→ diapositive suivante · ← précédente · F plein écran"},
    "present_more": {"en": "… and {n} more: all of them in the downloads and the briefing pack",
                     "fr": "… et {n} de plus : tous dans les téléchargements et le dossier de réunion"},
}
