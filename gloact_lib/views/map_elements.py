"""The route map's folium elements, rendered once: text from data never reaches a template engine.

folium/branca render each element's script through Jinja, then wrap the result in a new
``Element`` whose text is parsed as a Jinja template a second time: a place named
``{{7*7}}`` would show as ``49``, and ``{% ... %}`` could run code.  Two defences, each enough
on its own: every element here renders its script once (:func:`_render_once` adds the text as
a literal), and every value from data reaches the script as JSON whose ``<``, ``>``, ``&``,
``{``, ``}``, ``%``, ``#`` are JSON escapes (:func:`_json`): the browser reads the same text,
a template engine reads nothing.
"""

from __future__ import annotations

import json
import re

import folium
from branca.element import Element, Figure, MacroElement
from folium.map import ElementAddToElement
from jinja2 import Template

__all__ = ["FitWhenShown", "GeoLayer", "Literal", "MapBox", "take_boxes"]


class Literal(Element):
    """Text put on a folium page as it is: never parsed as a Jinja template.

    branca's ``Element(text)`` compiles ``text`` as a template; page text (Leaflet, the map's
    helpers, rendered scripts) is added with this instead, so nothing in it is ever evaluated
    and a large script is not compiled on every render.
    """

    def __init__(self, text: str):
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


# Inside JSON strings, characters that HTML or a template engine could read as markup or
# syntax are written as JSON escapes: the browser reads the same text, nothing else reads
# "<script>", "{{ ... }}" or "{# ... #}".
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "{": "\\u007b", "}": "\\u007d",
                 "%": "\\u0025", "#": "\\u0023", "\u2028": "\\u2028", "\u2029": "\\u2029"}  # fmt: skip
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_SPECIAL = re.compile("[<>&{}%#\u2028\u2029]")


def _json(data) -> str:
    """JSON safe to embed in a ``<script>`` element and inert to template engines.

    Examples
    --------
    >>> _json({"name": "{{7*7}} <b>"})
    '{"name":"\\\\u007b\\\\u007b7*7\\\\u007d\\\\u007d \\\\u003cb\\\\u003e"}'
    >>> json.loads(_json({"name": "{#12}"}))["name"]
    '{#12}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _JSON_STRING.sub(lambda m: _JSON_SPECIAL.sub(lambda c: _JSON_ESCAPES[c.group()], m.group()), text)


def _render_once(element: MacroElement, kwargs: dict) -> None:
    """What :meth:`branca.element.MacroElement.render` does, without the second template pass.

    branca wraps each rendered macro in a new ``Element(text)``, which parses the text
    as a Jinja template again when the page is rendered: any ``{{ ... }}`` that came
    from data would be evaluated.  Here the rendered text is added as a literal.
    """
    figure = element.get_root()
    if not isinstance(figure, Figure):
        raise TypeError("a map element must be inside a folium Map to be rendered")
    macros = element._template.module.__dict__
    for part in ("header", "html", "script"):
        if macros.get(part) is not None:
            getattr(figure, part).add_child(Literal(macros[part](element, kwargs)), name=element.get_name())
    for child in element._children.values():
        child.render(**kwargs)


class _RenderedOnce(MacroElement):
    """A map element whose rendered script is never read as a template a second time."""

    def render(self, **kwargs) -> None:
        _render_once(self, kwargs)


class GeoLayer(folium.map.Layer):
    """One GeoJSON layer styled by its features' ``style``, with text-only tooltips.

    Parameters
    ----------
    data : dict
        A GeoJSON FeatureCollection; each feature's properties hold ``style``
        (Leaflet path options) and optionally ``tip`` (lines of plain text).
    name : str
        Name shown in the layer control.
    show : bool, default True
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = gloactLayer({{ this.data }});
{% endmacro %}"""
    )

    def __init__(self, data: dict, name: str, show: bool = True, overlay: bool = True):
        super().__init__(name=name, overlay=overlay, control=True, show=show)
        self._name = "GeoLayer"
        self.data = _json(data)

    def render(self, **kwargs) -> None:
        if self.show:
            self.add_child(ElementAddToElement(element_name=self.get_name(),
                                               element_parent_name=self._parent.get_name()),
                           name=self.get_name() + "_add")  # fmt: skip
        _render_once(self, kwargs)


class FitWhenShown(_RenderedOnce):
    """Fit the bounds again once a map that started hidden (zero size) becomes visible.

    Leaflet cannot fit bounds in a hidden container (a dashboard tab or a presenter slide):
    it zooms out to the whole world.  When the frame gets a size, this fits the data again.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
(function (map, bounds) {
  var wasHidden = map.getSize().x === 0;
  window.addEventListener('resize', function () {
    map.invalidateSize();
    if (wasHidden && map.getSize().x > 0) { map.fitBounds(bounds, {animate: false}); }
    wasHidden = map.getSize().x === 0;
  });
})({{ this._parent.get_name() }}, {{ this.bounds }});
{% endmacro %}"""
    )

    def __init__(self, bounds: list):
        super().__init__()
        self._name = "FitWhenShown"
        self.bounds = _json(bounds)


class MapBox(_RenderedOnce):
    """A box on the map (legend, badge, note) whose markup is already escaped."""

    _template = Template(
        """{% macro script(this, kwargs) %}
gloactControl({{ this._parent.get_name() }}, {{ this.position }}, {{ this.class_name }}, {{ this.markup }});
{% endmacro %}"""
    )

    def __init__(self, markup: str, position: str = "bottomleft", class_name: str = "gloact-legend"):
        super().__init__()
        self._name = "MapBox"
        self.markup = _json(markup)
        self.position = _json(position)
        self.class_name = _json(class_name)


def take_boxes(m) -> dict[str, list[str]]:
    """Take the legend, badge, notes and off-map box off a route map: ``{class: [markup, ...]}`` (already escaped).

    The layer control is folded into its button, so that on screen too nothing covers a country for long.
    """
    boxes: dict[str, list[str]] = {}
    for name, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            child.options["collapsed"] = True
        if isinstance(child, MapBox):
            boxes.setdefault(json.loads(child.class_name), []).append(json.loads(child.markup))
            del m._children[name]
    return boxes
