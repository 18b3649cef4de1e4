// The live route map's front end (gloact_lib/views/live_map.py): an anywidget ES module.
//
// `L` (Leaflet) is defined above this text by live_map.py, from the xstatic-leaflet package: nothing is
// fetched.  The basemap is drawn once; a change of the data traits (nodes, flows, roles, legend) redraws
// the flows, the circles and the countries' colours in place, keeping the viewer's zoom.  Every text from
// the kernel reaches the page through textContent (or a DOM node given to a Leaflet tooltip), never as HTML.

const ROLES = ["origin", "transit", "destination", "domestic"];

function make(tag, className, text) {
  const el = document.createElement(tag);
  if (className) { el.className = className; }
  if (text !== undefined && text !== null) { el.textContent = String(text); }
  return el;
}

function tipBox(lines) {
  const box = make("div");
  lines.forEach((line, i) => box.appendChild(make(i === 0 ? "strong" : "div", "", line)));
  return box;
}

function fmt(n, words) {
  if (n === null || n === undefined) { return ""; }
  if (n < 0) { return words.hidden; }
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, words.sep);
}

// A quadratic curve from a to b ([lon, lat]), bent to the right of travel: route_map._arc's formula.
function arc(a, b, bend = 0.22, n = 24) {
  const [x0, y0] = a, [x1, y1] = b, dx = x1 - x0, dy = y1 - y0;
  const cx = (x0 + x1) / 2 + bend * dy, cy = (y0 + y1) / 2 - bend * dx;
  const points = [];
  for (let i = 0; i <= n; i++) {
    const s = i / n;
    points.push([(1 - s) ** 2 * y0 + 2 * (1 - s) * s * cy + s * s * y1,
                 (1 - s) ** 2 * x0 + 2 * (1 - s) * s * cx + s * s * x1]);  // [lat, lon]
  }
  return points;
}

// A triangle pointing along the curve, 80% of the way (route_map._arrowhead).
function arrowhead(points, size) {
  const k = Math.floor(points.length * 0.8), [y0, x0] = points[k - 1], [y1, x1] = points[k];
  const angle = Math.atan2(y1 - y0, x1 - x0);
  const at = (r, da) => [y1 + r * Math.sin(angle + da), x1 + r * Math.cos(angle + da)];
  return [at(size, 0), at(size * 0.55, 2.5), at(size * 0.55, -2.5)];
}

function rings(shape) {
  return shape.map((polygon) => polygon.map((flat) => {
    const ring = [];
    for (let i = 0; i < flat.length; i += 2) { ring.push([flat[i + 1], flat[i]]); }
    return ring;
  }));
}

function setCountryInAddress(iso3) {
  try {
    const url = new URL(window.location.href);
    if (iso3) { url.searchParams.set("country", iso3); } else { url.searchParams.delete("country"); }
    if (url.href !== window.location.href) { window.history.replaceState(window.history.state, "", url.href); }
  } catch (err) { /* an address that cannot be written (a sandboxed frame): the filters still follow */ }
}

function render({ model, el }) {
  const box = make("div", "gloact-live");
  // "fill": down to the bottom of the window (at least 420 px), wherever the map starts on the page
  const size = () => {
    const height = model.get("height") || "640px";
    if (height !== "fill") { box.style.height = height; return; }
    const top = box.getBoundingClientRect().top + window.scrollY;
    box.style.height = `${Math.max(420, Math.floor(window.innerHeight - top - 12))}px`;
  };
  size();
  box.setAttribute("role", "region");
  el.appendChild(box);
  const map = L.map(box, { zoomSnap: 0.25, attributionControl: false, zoomControl: false, worldCopyJump: false,
                           minZoom: 1, maxZoom: 9 }).setView([25, 10], 3);
  const zoom = L.control.zoom({ position: "topleft" }).addTo(map);
  L.control.scale({ imperial: false, position: "bottomright" }).addTo(map);
  window.__gloactMap = map;  // the page's live map: the browser tests look at it
  box.dataset.draws = "0";

  // --- the basemap, drawn once ----------------------------------------------------------------------------------
  const basemap = model.get("basemap"), countries = {};
  const base = L.featureGroup().addTo(map);
  basemap.iso3.forEach((iso3, i) => {
    const layer = L.polygon(rings(basemap.shapes[i]), { color: "#ffffff", weight: 0.8, fillOpacity: 1,
                                                        className: "gloact-country", bubblingMouseEvents: false });
    layer.iso3 = iso3;
    layer.bindTooltip(() => tipBox(countryTip(iso3)), { sticky: true });
    layer.on("click", () => select(iso3));
    layer.on("mouseover", () => highlight((f) => nodeIso(f.s) === iso3 || nodeIso(f.t) === iso3, null, iso3));
    layer.on("mouseout", unhighlight);
    base.addLayer(layer);
    countries[iso3] = layer;
  });
  const flowLayer = L.layerGroup().addTo(map), nodeLayer = L.layerGroup().addTo(map);

  // --- boxes on the map: the legend (collapsible), notes, the sample's badge ---------------------------------------
  function control(position, build) {
    const Box = L.Control.extend({ onAdd() {
      const div = build();
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    } });
    const c = new Box({ position });
    c.addTo(map);
    return c;
  }
  const legendBox = make("div", "gloact-box gloact-legend-live");
  let userToggled = false;
  control("bottomleft", () => legendBox);
  const noteBox = make("div", "gloact-note");
  control("topleft", () => noteBox);
  const badgeBox = make("div", "gloact-badge");
  control("topright", () => badgeBox);

  let state = null, drawn = [], fitted = false;
  const nodeIso = (i) => state.nodes.iso3[i];

  function countryTip(iso3) {
    const names = model.get("names") || {}, lines = [names[iso3] || iso3];
    if (!state) { return lines; }
    const r = state.roles, i = r.iso3.indexOf(iso3), w = state.legend.words;
    if (i >= 0) {
      ROLES.forEach((role, k) => {
        const v = r[role][i];
        if (v !== null && v !== undefined) {
          lines.push(`${state.legend.role_names[k]}${w.colon}${fmt(v, w)}${v >= 0 ? " " + w.unit : ""}`);
        }
      });
    }
    lines.push(w.click);
    return lines;
  }

  function nodeTip(i) {
    const n = state.nodes, w = state.legend.words, lines = [n.name[i]];
    lines.push(`${w.in} ${fmt(n.in[i], w)} · ${w.out} ${fmt(n.out[i], w)} ${w.unit}`);
    if (n.through[i] !== null) { lines.push(`${w.through}${w.colon}${fmt(n.through[i], w)}`); }
    if (n.domestic[i] !== null) { lines.push(`${w.domestic}${w.colon}${fmt(n.domestic[i], w)}`); }
    if (n.hidden[i]) { lines.push("+ " + w.some_hidden); }
    return lines;
  }

  function select(iso3) {
    const next = model.get("selected") === iso3 ? "" : iso3;
    model.set("selected", next);
    model.save_changes();
  }

  // --- hover: the flows it concerns stand out, the rest fade ------------------------------------------------------
  function highlight(concerns, nodeIndex, iso3) {
    if (!state) { return; }
    if (iso3 && countries[iso3]) { countries[iso3].setStyle({ weight: 2.5, color: "#222222" }); }
    if (!drawn.some(concerns)) { return; }
    drawn.forEach((f) => {
      const on = concerns(f);
      f.line.setStyle({ opacity: on ? 1 : 0.07 });
      if (f.head) { f.head.setStyle({ opacity: on ? 1 : 0.07, fillOpacity: on ? 1 : 0.07 }); }
      if (on) { f.line.bringToFront(); if (f.head) { f.head.bringToFront(); } }
    });
  }
  function unhighlight() {
    drawn.forEach((f) => {
      f.line.setStyle({ opacity: f.opacity });
      if (f.head) { f.head.setStyle({ opacity: f.opacity, fillOpacity: f.opacity }); }
    });
    paintCountries();
  }

  function paintCountries() {
    const r = state ? state.roles : { iso3: [] }, colours = state ? state.legend.colours : null;
    const selected = model.get("selected");
    Object.values(countries).forEach((layer) => {
      const i = r.iso3.indexOf(layer.iso3);
      const style = { color: "#ffffff", weight: 0.8, dashArray: null, fillColor: colours ? colours.neutral : "#efeee9",
                      fillOpacity: 1 };
      if (i >= 0) {
        style.fillColor = colours.roles[r.fill[i]];
        style.fillOpacity = 0.55;
        if (r.multi[i]) { Object.assign(style, { color: "#333333", weight: 2, dashArray: "5 3" }); }
      }
      if (layer.iso3 === selected) { Object.assign(style, { color: "#111111", weight: 3.5, dashArray: null }); }
      layer.setStyle(style);
    });
  }

  function drawLegend() {
    const g = state.legend, w = g.words;
    legendBox.replaceChildren();
    const toggle = make("button", "gloact-toggle", "");
    toggle.type = "button";
    const body = make("div", "body");
    const collapsed = () => legendBox.classList.contains("collapsed");
    const label = () => {
      toggle.textContent = collapsed() ? `${w.legend} ▸` : `${w.legend} ▾`;
      toggle.setAttribute("aria-expanded", String(!collapsed()));
      toggle.title = collapsed() ? w.legend : w.hide;
    };
    toggle.addEventListener("click", () => { userToggled = true; legendBox.classList.toggle("collapsed"); label(); });
    label();
    legendBox.append(toggle, body);
    body.append(make("h4", "", g.title), make("div", "sub", g.subtitle));
    g.roles.forEach(([name, colour]) => {
      const row = make("div", "row"), sw = make("span", "sw");
      sw.style.background = colour;
      row.append(sw, make("span", "", name));
      body.appendChild(row);
    });
    const several = make("div", "row"), sw = make("span", "sw");
    sw.style.cssText = "background:#fff;border:2px dashed #333";
    several.append(sw, make("span", "", g.several));
    body.append(several, make("div", "small", g.width_title));
    g.scale.forEach(([n, text]) => {
      const row = make("div", "row gloact-scale"), line = make("span", "line");
      line.style.height = `${width(n).toFixed(1)}px`;
      line.style.background = g.colours.arc;
      line.style.opacity = String(opacity(n));
      row.append(line, make("span", "", `${text} ${w.unit}`));
      body.appendChild(row);
    });
    const hidden = make("div", "row"), dash = make("span", "line");
    dash.style.cssText = `height:0;border-top:2px dashed ${g.colours.hidden}`;
    hidden.append(dash, make("span", "", g.hidden_title));
    body.append(hidden);
    const circle = make("div", "row"), dot = make("span", "sw");
    dot.style.cssText = "border-radius:50%;background:#fff;border:2px solid #222";
    circle.append(dot, make("span", "", g.circle_title));
    body.append(circle, make("div", "small", w.click));
    noteBox.replaceChildren(...g.notes.map((n) => make("div", "", n)));
    noteBox.style.display = g.notes.length ? "" : "none";
    badgeBox.textContent = g.badge;
    badgeBox.style.display = g.badge ? "" : "none";
    box.setAttribute("aria-label", w.map);
    [[zoom._zoomInButton, w.zoom_in], [zoom._zoomOutButton, w.zoom_out]].forEach(([button, word]) => {
      button.title = word;
      button.setAttribute("aria-label", word);
    });
  }

  const width = (n) => { const g = state.legend; return g.width[0] + g.width[1] * Math.sqrt(Math.max(n, 0) / g.top); };
  const opacity = (n) => { const g = state.legend; return g.opacity[0] + g.opacity[1] * Math.sqrt(Math.max(n, 0) / g.top); };

  // --- drawing ----------------------------------------------------------------------------------------------------
  function draw() {
    const start = performance.now();
    state = { nodes: model.get("nodes"), flows: model.get("flows"), roles: model.get("roles"),
              legend: model.get("legend") };
    if (!state.nodes || !state.nodes.iso3 || !state.legend || !state.legend.words) { state = null; return; }
    const n = state.nodes, f = state.flows, w = state.legend.words, colours = state.legend.colours;
    flowLayer.clearLayers();
    nodeLayer.clearLayers();
    drawn = [];
    const at = (i) => [n.lon[i], n.lat[i]];
    f.s.forEach((s, k) => {
      const t = f.t[k], count = f.n[k], points = arc(at(s), at(t));
      const tip = () => tipBox([`${n.name[s]} → ${n.name[t]}`, count < 0 ? w.hidden : `${fmt(count, w)} ${w.unit}`]);
      const item = { s, t, count };
      if (count < 0) {
        item.opacity = 0.35;  // a count too small to publish: there, but faint
        item.line = L.polyline(points, { color: colours.hidden, weight: 1, opacity: 0.35, dashArray: "3 5",
                                         className: "gloact-arc gloact-hidden-arc" });
      } else {
        const px = width(count), op = opacity(count);
        item.opacity = op;
        item.line = L.polyline(points, { color: colours.arc, weight: px, opacity: op, lineCap: "round",
                                         className: "gloact-arc" });
        const length = Math.hypot(n.lon[t] - n.lon[s], n.lat[t] - n.lat[s]);
        const size = Math.min(1.2, Math.max(0.25, length * 0.05)) * (0.8 + px / 14);
        item.head = L.polygon(arrowhead(points, size), { color: colours.arc, weight: 1, fillColor: colours.arc,
                                                          fillOpacity: op, opacity: op, className: "gloact-arrow" });
      }
      [item.line, item.head].filter(Boolean).forEach((layer) => {
        layer.bindTooltip(tip, { sticky: true });
        layer.on("mouseover", () => highlight((x) => x === item));
        layer.on("mouseout", unhighlight);
        flowLayer.addLayer(layer);
      });
      drawn.push(item);
    });
    const volume = n.iso3.map((_, i) => Math.max(n.in[i], n.out[i]));
    const home = n.domestic.map((d) => (d !== null && d > 0 ? d : 0));
    const top = Math.max(1, ...volume), topHome = Math.max(1, state.legend.top, ...home);
    n.iso3.forEach((iso3, i) => {
      const tip = () => tipBox(nodeTip(i));
      const hover = () => highlight((x) => x.s === i || x.t === i, i, null);
      if (n.domestic[i] !== null) {
        const d = n.domestic[i];
        const ring = L.circleMarker([n.lat[i], n.lon[i]], d < 0
          ? { radius: 9, color: colours.hidden, weight: 2, dashArray: "3 3", fillOpacity: 0, className: "gloact-domestic" }
          : { radius: 9 + 22 * Math.sqrt(d / topHome), color: colours.domestic, weight: 3, fillColor: colours.domestic,
              fillOpacity: 0.25, className: "gloact-domestic" });
        ring.bindTooltip(tip, { sticky: true });
        ring.on("mouseover", hover).on("mouseout", unhighlight).on("click", () => select(iso3));
        nodeLayer.addLayer(ring);
      }
      if (volume[i] <= 0 && n.domestic[i] !== null) { return; }
      const circle = L.circleMarker([n.lat[i], n.lon[i]], {
        radius: 3 + 13 * Math.sqrt(volume[i] / top), color: "#222222", weight: 1.2, fillColor: "#ffffff",
        fillOpacity: 0.9, className: "gloact-node" });
      circle.bindTooltip(tip, { sticky: true });
      circle.on("mouseover", hover).on("mouseout", unhighlight).on("click", () => select(iso3));
      nodeLayer.addLayer(circle);
      if (n.label[i]) {
        nodeLayer.addLayer(L.tooltip({ permanent: true, direction: "right", offset: [8, 0], className: "gloact-label",
                                       interactive: false }).setLatLng([n.lat[i], n.lon[i]])
          .setContent(make("span", "", n.label[i])));
      }
    });
    paintCountries();
    drawLegend();
    fit();
    box.dataset.draws = String(Number(box.dataset.draws) + 1);
    box.dataset.drawMs = (performance.now() - start).toFixed(1);
  }

  // Only the first drawing fits the data, once the map has a size (a hidden map cannot fit).
  function fit() {
    if (fitted || !state || map.getSize().x === 0) { return; }
    map.fitBounds(state.nodes.bounds, { animate: false });
    fitted = true;
    autoCollapse();
  }

  // The legend starts open, and folds itself away when it would cover a drawn flow or place.
  function autoCollapse() {
    if (userToggled || !state) { return; }
    const mapBox = box.getBoundingClientRect(), r = legendBox.getBoundingClientRect();
    const covers = drawn.some((f) => f.line.getLatLngs().some((p) => {
      const xy = map.latLngToContainerPoint(p), x = xy.x + mapBox.left, y = xy.y + mapBox.top;
      return x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
    }));
    if (covers && !legendBox.classList.contains("collapsed")) { legendBox.querySelector("button").click(); userToggled = false; }
  }

  let pending = false;
  const schedule = () => {
    if (pending) { return; }
    pending = true;
    Promise.resolve().then(() => { pending = false; draw(); });
  };
  ["nodes", "flows", "roles", "legend"].forEach((name) => model.on(`change:${name}`, schedule));
  model.on("change:selected", () => { setCountryInAddress(model.get("selected")); if (state) { paintCountries(); } });
  model.on("change:height", () => { size(); map.invalidateSize(); });
  const observer = new ResizeObserver(() => { size(); map.invalidateSize(); fit(); });
  observer.observe(box);
  observer.observe(document.body);  // what is above the map changed: its top moved
  window.addEventListener("resize", size);
  draw();
  return () => { observer.disconnect(); window.removeEventListener("resize", size); map.remove(); if (window.__gloactMap === map) { window.__gloactMap = null; } };
}

export default { render };
