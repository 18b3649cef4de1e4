"""Labels of the live route map (:mod:`gloact_lib.views.live_map`), in English and French.  Merged into
:data:`gloact_lib.i18n.LABELS`; read them with :func:`gloact_lib.i18n.t`."""

from __future__ import annotations

__all__ = ["LIVE_LABELS"]

LIVE_LABELS: dict[str, dict[str, str]] = {
    "live_hide_legend": {"en": "Hide the legend", "fr": "Masquer la légende"},
    "live_click_hint": {"en": "Click a country to select it; click it again to clear.",
                        "fr": "Cliquez sur un pays pour le choisir ; cliquez à nouveau pour annuler."},
    "live_map_label": {"en": "Route map", "fr": "Carte des itinéraires"},
    "live_circle_size": {"en": "circle size: {unit} in or out (the larger)",
                         "fr": "taille des cercles : {unit} entrées ou sorties (le plus grand nombre)"},
    "live_play": {"en": "Play years", "fr": "Animer"},
    "live_play_tip": {"en": "Play the years one by one: the map and the key figures follow",
                      "fr": "Faire défiler les années une à une : la carte et les chiffres clés suivent"},
}
