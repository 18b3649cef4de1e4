"""Labels of the key messages (:mod:`gloact_lib.views.key_messages`) and of the briefing packs
(:mod:`gloact_lib.views.briefing`: page titles, speaker notes, sources by their readers' names), in English
and French.  Merged into :data:`gloact_lib.i18n.LABELS`; read them with :func:`gloact_lib.i18n.t`."""

from __future__ import annotations

__all__ = ["BRIEFING_LABELS"]

BRIEFING_LABELS: dict[str, dict[str, str]] = {
    # key messages: sentences a speaker reads out, each with its figure and its source
    "km_period": {"en": " from {start} to {end}", "fr": " de {start} à {end}"},
    "km_period_vowel": {"en": " from {start} to {end}", "fr": " d'{start} à {end}"},
    "km_these_one": {"en": "this country", "fr": "ce pays"},
    "km_these_many": {"en": "these countries", "fr": "ces pays"},
    "km_its_one": {"en": "its", "fr": "ses"},
    "km_its_many": {"en": "their", "fr": "leurs"},
    "km_n_countries": {"en": "{n} countries", "fr": "{n} pays"},
    "km_total_all": {"en": "{n} {unit} were recorded{period} ({cite}).",
                     "fr": "{n} {unit} ont été enregistrées{period} ({cite})."},
    "km_total_country": {
        "en": "{names}: {n} {unit} were recorded on routes involving {these} (origin, transit or destination){period} "
              "({cite}).",
        "fr": "{names} : {n} {unit} ont été enregistrées sur les itinéraires passant par {these} (origine, transit ou "
              "destination){period} ({cite})."},
    "km_total_nationals": {"en": "{names}: {n} {unit} of {its} nationals were recorded{period} ({cite}).",
                           "fr": "{names} : {n} {unit} de {its} ressortissants ont été enregistrées{period} ({cite})."},
    "km_total_origin": {"en": "{names}: {n} {unit} coming from {these} were recorded{period} ({cite}).",
                        "fr": "{names} : {n} {unit} originaires de {these} ont été enregistrées{period} ({cite})."},
    "km_total_destination": {"en": "{names}: {n} {unit} with {these} as destination were recorded{period} ({cite}).",
                             "fr": "{names} : {n} {unit} à destination de {these} ont été enregistrées{period} "
                                   "({cite})."},
    "km_total_transit": {"en": "{names}: {n} {unit} through {these} were recorded{period} ({cite}).",
                         "fr": "{names} : {n} {unit} en transit par {these} ont été enregistrées{period} ({cite})."},
    "km_total_selection": {"en": "{n} {unit} were recorded for this selection{period} ({cite}).",
                           "fr": "{n} {unit} ont été enregistrées pour cette sélection{period} ({cite})."},
    "km_none": {"en": "No {unit} recorded for this selection.", "fr": "Aucun enregistrement ({unit}) pour cette "
                                                                       "sélection."},
    "km_largest": {"en": "The largest flow on the map is {a} → {b}: {n} {unit} ({cite}).",
                   "fr": "Le flux le plus important sur la carte : {a} → {b}, {n} {unit} ({cite})."},
    "km_largest_assumed": {
        "en": "The largest flow on the map is {a} → {b}: {n} {unit}, drawn through the departure country assumed for "
              "each Frontex route ({cite}).",
        "fr": "Le flux le plus important sur la carte : {a} → {b}, {n} {unit}, tracé par le pays de départ supposé de "
              "chaque route Frontex ({cite})."},
    "km_ends_detections": {"en": "Top nationality detected: {origin}; top destination: {destination} ({cite}).",
                           "fr": "Principale nationalité détectée : {origin} ; principale destination : {destination} "
                                 "({cite})."},
    "km_ends_persons": {"en": "Top origin: {origin}; top destination: {destination} ({cite}).",
                        "fr": "Principale origine : {origin} ; principale destination : {destination} ({cite})."},
    "km_transit": {"en": "Top transit country: {country} ({n} {unit} passing through) ({cite}).",
                   "fr": "Principal pays de transit : {country} ({n} {unit} en transit) ({cite})."},
    "km_transit_assumed": {
        "en": "Top transit country: {country} ({n} {unit}). This is assumed: Frontex gives each route one departure "
              "country, whatever the actual departure ({cite}).",
        "fr": "Principal pays de transit : {country} ({n} {unit}). C'est une hypothèse : Frontex attribue à chaque "
              "route un seul pays de départ, quel que soit le départ réel ({cite})."},
    "km_country_transit": {
        "en": "{country}: {n} {unit} on the Frontex routes assigned to it as departure country{period}. This is "
              "assumed: Frontex gives each route one departure country, whatever the actual departure ({cite}).",
        "fr": "{country} : {n} {unit} sur les routes Frontex dont c'est le pays de départ{period}. C'est une "
              "hypothèse : Frontex attribue à chaque route un seul pays de départ, quel que soit le départ réel "
              "({cite})."},
    "km_country_deaths": {
        "en": "{country}: {dead} migrants dead or missing recorded in the country in {n} incidents ({first}–{last}) "
              "({cite}).",
        "fr": "{country} : {dead} migrants morts ou disparus enregistrés dans le pays lors de {n} incidents "
              "({first}–{last}) ({cite})."},
    "km_commitments": {"en": "{meeting} commitments ({recs}, {countries}, {items} in all): {counts} ({cite}).",
                       "fr": "Engagements de {meeting} ({recs}, {countries}, {items} au total) : {counts} ({cite})."},
    "km_country_commitments": {"en": "{country}: of its {items} commitments, {counts} ({cite}).",
                               "fr": "{country} : sur ses {items} engagements, {counts} ({cite})."},
    "km_ahead": {"en": "Furthest ahead: {ahead}; furthest behind: {behind} ({cite}).",
                 "fr": "En tête : {ahead} ; en retard : {behind} ({cite})."},
    "km_recs_one": {"en": "{n} recommendation", "fr": "{n} recommandation"},
    "km_recs_many": {"en": "{n} recommendations", "fr": "{n} recommandations"},
    "km_countries_one": {"en": "{n} country", "fr": "{n} pays"},
    "km_countries_many": {"en": "{n} countries", "fr": "{n} pays"},
    "km_achieved_one": {"en": "{n} achieved", "fr": "{n} réalisé"},
    "km_achieved_many": {"en": "{n} achieved", "fr": "{n} réalisés"},
    "km_in_progress_one": {"en": "{n} in progress", "fr": "{n} en cours"},
    "km_in_progress_many": {"en": "{n} in progress", "fr": "{n} en cours"},
    "km_not_started_one": {"en": "{n} reported not started", "fr": "{n} déclaré non commencé"},
    "km_not_started_many": {"en": "{n} reported not started", "fr": "{n} déclarés non commencés"},
    "km_no_report_one": {"en": "{n} with no report yet", "fr": "{n} sans rapport à ce jour"},
    "km_no_report_many": {"en": "{n} with no report yet", "fr": "{n} sans rapport à ce jour"},
    "km_cite_sample": {"en": "illustrative sample, not real cases", "fr": "échantillon illustratif, pas de cas réels"},
    "km_cite_status_sample": {"en": "illustrative sample of status updates, not real reporting",
                              "fr": "échantillon illustratif de mises à jour, pas des rapports réels"},
    "km_cite_reports": {"en": "follow-up records", "fr": "registre de suivi"},
    # sources by their readers' names (never a file, a module or a repository)
    "src_frontex_short": {"en": "Frontex", "fr": "Frontex"},
    "src_natural_earth": {"en": "Natural Earth (public domain)", "fr": "Natural Earth (domaine public)"},
    "src_treaties": {"en": "United Nations Treaty Collection (status as of 2014)",
                     "fr": "Collection des traités des Nations Unies (état de 2014)"},
    "src_leaflet": {"en": "Maps drawn with Leaflet (open source).",
                    "fr": "Cartes dessinées avec Leaflet (logiciel libre)."},
    # briefing pack pages
    "bp_messages": {"en": "Key messages", "fr": "Messages clés"},
    "bp_national": {"en": "National figures", "fr": "Chiffres nationaux"},
    "bp_marker": {"en": "illustrative sample", "fr": "échantillon illustratif"},
    "bp_title_sample": {"en": "{title} — illustrative sample", "fr": "{title} — échantillon illustratif"},
    "bp_title_some_sample": {"en": "{title} — with illustrative sample figures",
                             "fr": "{title} — avec des chiffres de l'échantillon illustratif"},
    "bp_continued": {"en": "{title} (continued)", "fr": "{title} (suite)"},
    "bp_keys": {"en": "On screen: ← → move between pages, F full screen, N speaker notes.",
                "fr": "À l'écran : ← → pour changer de page, F pour le plein écran, N pour les notes de l'orateur."},
    "bp_notes": {"en": "Speaker notes", "fr": "Notes de l'orateur"},
    "bp_commitments_of": {"en": "Commitments: {meeting}", "fr": "Engagements : {meeting}"},
    "bp_recommendations": {"en": "The recommendations", "fr": "Les recommandations"},
    "bp_shares": {"en": "Share achieved (of the commitments that apply)",
                  "fr": "Part réalisée (des engagements applicables)"},
    "bp_persons_sample": {"en": "Persons (journeys): illustrative sample", "fr": "Personnes (parcours) : échantillon "
                                                                             "illustratif"},
    "bp_persons": {"en": "Persons (journeys)", "fr": "Personnes (parcours)"},
    "bp_detections": {"en": "Detections (Frontex)", "fr": "Détections (Frontex)"},
    "bp_no_report": {"en": "“Not started” includes the commitments with no report yet ({n}).",
                     "fr": "« Non commencé » inclut les engagements sans rapport à ce jour ({n})."},
    # speaker notes: what the page shows, how to read it, the caveat
    "bp_notes_title": {
        "en": "State the purpose: the routes through the meeting's countries, the figures behind them and where the "
              "commitments stand. The pack covers {period}. Real figures come from Frontex and the IOM Missing "
              "Migrants Project; pages with generated figures say so in their title.",
        "fr": "Présenter l'objet : les itinéraires passant par les pays de la réunion, les chiffres qui les décrivent "
              "et l'état des engagements. Le dossier couvre la période {period}. Les chiffres réels viennent de "
              "Frontex et du projet Migrants disparus de l'OIM ; les pages aux chiffres générés le disent dans leur "
              "titre."},
    "bp_notes_messages": {
        "en": "Read each sentence as written: it gives its figure and its source. Frontex counts detections, not "
              "persons: one person may be detected several times. Frontex transit countries are assumed, not "
              "observed. Say \"illustrative\" aloud for any figure from the sample.",
        "fr": "Lire chaque phrase telle quelle : elle donne son chiffre et sa source. Frontex compte des détections, "
              "pas des personnes : une même personne peut être détectée plusieurs fois. Les pays de transit Frontex "
              "sont supposés, pas observés. Dire « illustratif » à voix haute pour tout chiffre de l'échantillon."},
    "bp_notes_routes": {
        "en": "Journeys of persons between countries of origin, transit and destination: arcs are as wide as the "
              "number of persons, circles are transit hubs, rings are journeys within one country. Point out the "
              "main corridors. Detected cases are not prevalence; small counts are hidden.",
        "fr": "Parcours de personnes entre pays d'origine, de transit et de destination : l'épaisseur des flèches "
              "suit le nombre de personnes, les cercles sont les plateformes de transit, les anneaux les parcours "
              "internes. Montrer les principaux couloirs. Les cas détectés ne mesurent pas la prévalence ; les "
              "petits effectifs sont masqués."},
    "bp_notes_sample": {
        "en": "The figures on this page come from the illustrative sample: use them to show how to read the page, "
              "never quote them as facts.",
        "fr": "Les chiffres de cette page viennent de l'échantillon illustratif : s'en servir pour montrer comment "
              "lire la page, jamais les citer comme des faits."},
    "bp_notes_frontex": {
        "en": "Real data: Frontex detections of irregular crossings of the EU's external borders, drawn from the "
              "nationality through the departure country assumed for each route to the EU. Point out which routes "
              "carry the most. Detections are not persons, and the departure country is assumed.",
        "fr": "Données réelles : détections Frontex de franchissements irréguliers des frontières extérieures de "
              "l'UE, tracées de la nationalité au pays de l'UE par le pays de départ supposé de chaque route. Montrer "
              "les routes les plus empruntées. Les détections ne sont pas des personnes, et le pays de départ est "
              "supposé."},
    "bp_notes_figures": {
        "en": "Headline numbers: totals, routes, and the top origin, transit and destination countries. Persons and "
              "detections are never added together. The Frontex top transit country is assumed (one departure "
              "country per route).",
        "fr": "Les chiffres principaux : totaux, itinéraires, et principaux pays d'origine, de transit et de "
              "destination. Personnes et détections ne sont jamais additionnées. Le principal pays de transit "
              "Frontex est supposé (un pays de départ par route)."},
    "bp_notes_national": {
        "en": "Figures published by national authorities and international organisations, by country and period. "
              "Periods differ: compare figures only over the same period. The sources are under the table.",
        "fr": "Chiffres publiés par les autorités nationales et les organisations internationales, par pays et par "
              "période. Les périodes diffèrent : ne comparer que des chiffres de même période. Les sources figurent "
              "sous le tableau."},
    "bp_notes_off_map": {
        "en": "Every person and detection in the totals is accounted for: drawn on the maps, listed here because an "
              "end is unknown or stateless, or hidden by disclosure control. Use this page when asked why the arcs "
              "do not add up to the total.",
        "fr": "Chaque personne et chaque détection des totaux est comptée : sur les cartes, listée ici parce qu'une "
              "extrémité est inconnue ou apatride, ou masquée par le contrôle de divulgation. Utiliser cette page si "
              "l'on demande pourquoi les flèches ne font pas le total."},
    "bp_notes_commitments": {
        "en": "The status of each recommendation in each country, as last reported. \"Not started\" with no report "
              "means no update has been received yet. Ask each delegation to confirm or update its row; focal "
              "points do so with the Excel form.",
        "fr": "Le statut de chaque recommandation dans chaque pays, selon le dernier rapport. « Non commencé » sans "
              "rapport signifie qu'aucune mise à jour n'a encore été reçue. Demander à chaque délégation de "
              "confirmer ou de mettre à jour sa ligne ; les points focaux le font avec le formulaire Excel."},
    "bp_notes_treaties": {
        "en": "Whether each country is party to the UN Convention against Transnational Organized Crime and its "
              "protocols on trafficking in persons and smuggling of migrants, and since when. The status is that "
              "of 2014: check it before quoting it.",
        "fr": "Si chaque pays est partie à la Convention des Nations Unies contre la criminalité transnationale "
              "organisée et à ses protocoles sur la traite des personnes et le trafic illicite de migrants, et "
              "depuis quand. Le statut est celui de 2014 : le vérifier avant de le citer."},
    "bp_notes_sources": {
        "en": "Where every figure comes from, and the caveats that apply to every page. Refer questions about a "
              "figure to its source.",
        "fr": "D'où vient chaque chiffre, et les mises en garde valables pour toutes les pages. Renvoyer les "
              "questions sur un chiffre à sa source."},
}
