"""Labels of the live route map (:mod:`gloact_lib.views.live_map`), in English and French.  Merged into
:data:`gloact_lib.i18n.LABELS`; read them with :func:`gloact_lib.i18n.t`."""

from __future__ import annotations

__all__ = ["LIVE_LABELS"]

LIVE_LABELS: dict[str, dict[str, str]] = {
    "live_hide_legend": {"en": "Hide the legend", "fr": "Masquer la légende"},
    "live_click_hint": {"en": "Click a country to select it; click it again to clear.",
                        "fr": "Cliquez sur un pays pour le choisir ; cliquez à nouveau pour annuler."},
    "live_map_label": {"en": "Route map", "fr": "Carte des itinéraires"},
    "live_preview_wait": {"en": "Loading the filters… The map can be read now; it answers clicks in a moment.",
                          "fr": "Chargement des filtres… La carte se lit déjà ; elle répondra aux clics dans un "
                                "instant."},
    "live_circle_size": {"en": "circle size: {unit} in or out (the larger)",
                         "fr": "taille des cercles : {unit} entrées ou sorties (le plus grand nombre)"},
    "live_play": {"en": "Play", "fr": "Animer"},
    "live_play_tip": {"en": "Play the years or the months one by one: the map and the key figures follow",
                      "fr": "Faire défiler les années ou les mois un à un : la carte et les chiffres clés suivent"},
    "live_step_tip_years": {"en": "Play year by year", "fr": "Animer année par année"},
    "live_step_tip_months": {"en": "Play month by month", "fr": "Animer mois par mois"},
    "live_step_years": {"en": "years", "fr": "années"},
    "live_step_months": {"en": "months", "fr": "mois"},
    "live_within": {"en": "within the region", "fr": "à l'intérieur de la région"},
    "live_grouped": {"en": "Countries grouped by UN region (M49): zoom in, or click a region, for its countries.",
                     "fr": "Pays regroupés par région de l'ONU (M49) : zoomez, ou cliquez sur une région, pour "
                           "voir ses pays."},
    "live_largest": {"en": "largest", "fr": "les plus importants"},
    "live_click_flow": {"en": "Click a flow for its monthly series.",
                        "fr": "Cliquez sur un flux pour sa série mensuelle."},
    "live_click_region": {"en": "Click to zoom in on its countries.",
                          "fr": "Cliquez pour zoomer sur ses pays."},
    "live_series_sub": {"en": "{unit} per month on this flow", "fr": "{unit} par mois sur ce flux"},
    "live_series_total": {"en": "{n} {unit} from {first} to {last}", "fr": "{n} {unit} de {first} à {last}"},
    "live_series_peak": {"en": "largest month: {month} ({n})", "fr": "mois le plus élevé : {month} ({n})"},
    "live_series_close": {"en": "Close the series", "fr": "Fermer la série"},
    "live_series_regions": {"en": "{a} → {b} (UN regions)", "fr": "{a} → {b} (régions de l'ONU)"},
}
