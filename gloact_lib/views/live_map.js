// The live route map's front end (gloact_lib/views/live_map.py): an anywidget ES module.
//
// `L` (Leaflet) is defined above this text by live_map.py, from the xstatic-leaflet package: nothing is
// fetched.  The basemap is drawn once; a change of the data traits (nodes, flows, roles, legend) redraws
// the flows, the circles and the countries' colours in place, keeping the viewer's zoom.  Every text from
// the kernel reaches the page through textContent (or a DOM node given to a Leaflet tooltip), never as HTML.
//
// The page's first paint is this drawing written by the server (live_sketch.py ports countryView, regionView,
// layers and paintCountries, arc and arrowhead): a change to what is drawn here is made there too
// (tests/views/test_live_sketch.py and tests/dashboards/test_first_paint.py compare the two).

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

// A country's polygons from the basemap's rings: whole hundredths of a degree, the first point's, then each next
// point's difference from the one before (live_basemap.py's _ring).
function rings(shape) {
  return shape.map((polygon) => polygon.map((flat) => {
    const ring = [];
    let lon = 0, lat = 0;
    for (let i = 0; i < flat.length; i += 2) {
      lon += flat[i];
      lat += flat[i + 1];
      ring.push([lat / 100, lon / 100]);
    }
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


// Zoomed out (more than REGION_SPAN degrees of longitude in view), with many flows: countries are grouped into
// their UN M49 sub-regions (as flowmap.gl clusters locations by zoom), so that flows that would overlap are drawn
// once.  By degrees in view, not by zoom level: a wider screen shows more of the world at the same zoom.
const REGION_SPAN = 75;
const REGION_MIN_FLOWS = 40;

// Three round reference counts for the legend (live_map.flow_scale's rule): about the largest, a quarter, a 25th.
function niceScale(top) {
  const nice = (v) => { if (v < 1) { return 1; } const step = 10 ** Math.floor(Math.log10(v)); return Math.floor(v / step) * step; };
  return [...new Set([1, 4, 25].map((k) => nice(top / k)))];
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  Object.entries(attrs || {}).forEach(([k, v]) => el.setAttribute(k, String(v)));
  return el;
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
                           minZoom: 1, maxZoom: 9 });  // its view: the first fit, once the page has placed it
  const zoom = L.control.zoom({ position: "topleft" }).addTo(map);
  L.control.scale({ imperial: false, position: "bottomright" }).addTo(map);
  window.__gloactMap = map;  // the page's live map: the browser tests look at it
  box.dataset.draws = "0";

  // --- the basemap, drawn once ----------------------------------------------------------------------------------
  const basemap = JSON.parse(model.get("basemap")), countries = {}, regionOf = {};  // sent as text (live_basemap.py)
  const base = L.featureGroup();  // on the map once it has its view (showBase): its shapes projected once
  basemap.iso3.forEach((iso3, i) => {
    regionOf[iso3] = basemap.region ? basemap.region[i] : -1;
    const layer = L.polygon(rings(basemap.shapes[i]), { color: "#ffffff", weight: 0.8, fillOpacity: 1,
                                                        className: "gloact-country", bubblingMouseEvents: false });
    layer.iso3 = iso3;
    layer.bindTooltip(() => tipBox(countryTip(iso3)), { sticky: true });
    layer.on("click", () => select(iso3));
    layer.on("mouseover", () => highlight((f) => f.isos.has(iso3), iso3));
    layer.on("mouseout", unhighlight);
    base.addLayer(layer);
    countries[iso3] = layer;
  });
  const flowLayer = L.layerGroup().addTo(map), nodeLayer = L.layerGroup().addTo(map);

  // --- boxes on the map: the legend (collapsible), notes, the sample's badge, a flow's series ----------------------
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
  const seriesBox = make("div", "gloact-box gloact-series");
  seriesBox.style.display = "none";
  control("topright", () => seriesBox);
  const caption = make("div", "gloact-caption");
  control("bottomright", () => caption);

  let state = null, drawn = [], fitted = false, grouped = false, top = 1, fitting = false, userMoved = false;
  const span = () => { const b = map.getBounds(); return b.getEast() - b.getWest(); };
  const grouping = () => !!basemap.anchors && state.flows.s.length > REGION_MIN_FLOWS && span() > REGION_SPAN;
  // the viewer's own moves (not the first fit): from then on the map never moves by itself
  map.on("movestart zoomstart", () => { if (!fitting) { userMoved = true; } });

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

  function select(iso3) {
    const next = model.get("selected") === iso3 ? "" : iso3;
    model.set("selected", next);
    model.save_changes();
  }

  // --- what is drawn: countries and places, or (zoomed out) regions --------------------------------------------
  // A view is {nodes, flows}: a node {key, lon, lat, volume, label, tip(), click(), domestic, within}; a flow
  // {s, t (node keys), a, b ([lon, lat]), count (-1: hidden), tip(), isos (the countries it concerns), pick}.
  function countryView() {
    const n = state.nodes, f = state.flows, w = state.legend.words;
    const nodes = n.iso3.map((iso3, i) => ({
      key: i, lon: n.lon[i], lat: n.lat[i], volume: Math.max(n.in[i], n.out[i]), label: n.label[i],
      domestic: n.domestic[i], within: null, click: () => select(iso3),
      tip: () => {
        const lines = [n.name[i], `${w.in} ${fmt(n.in[i], w)} · ${w.out} ${fmt(n.out[i], w)} ${w.unit}`];
        if (n.through[i] !== null) { lines.push(`${w.through}${w.colon}${fmt(n.through[i], w)}`); }
        if (n.domestic[i] !== null) { lines.push(`${w.domestic}${w.colon}${fmt(n.domestic[i], w)}`); }
        if (n.hidden[i]) { lines.push("+ " + w.some_hidden); }
        return lines;
      },
    }));
    const flows = f.s.map((s, k) => {
      const t = f.t[k], count = f.n[k];
      return { s, t, a: [n.lon[s], n.lat[s]], b: [n.lon[t], n.lat[t]], count, isos: new Set([n.iso3[s], n.iso3[t]]),
               pick: { s: [n.id[s]], t: [n.id[t]], region: false },
               tip: () => [`${n.name[s]} → ${n.name[t]}`, count < 0 ? w.hidden : `${fmt(count, w)} ${w.unit}`, w.click_flow] };
    });
    return { nodes, flows };
  }

  function regionView() {
    const n = state.nodes, f = state.flows, w = state.legend.words, names = model.get("region_names") || [];
    const groups = new Map(), keyOf = n.iso3.map((iso3, i) => {
      const r = regionOf[iso3];
      return r !== undefined && r >= 0 ? `r${r}` : `n${i}`;
    });
    n.iso3.forEach((iso3, i) => {
      const key = keyOf[i];
      if (!groups.has(key)) {
        const r = key[0] === "r" ? Number(key.slice(1)) : null;
        groups.set(key, { key, region: r, lon: r === null ? n.lon[i] : basemap.anchors[r][0],
                          lat: r === null ? n.lat[i] : basemap.anchors[r][1], name: r === null ? n.name[i] : names[r],
                          members: [], in: 0, out: 0, within: 0, withinHidden: false, hidden: false, iso3 });
      }
      groups.get(key).members.push(i);
    });
    const pairs = new Map();
    f.s.forEach((s, k) => {
      const t = f.t[k], c = f.n[k], gs = groups.get(keyOf[s]), gt = groups.get(keyOf[t]);
      if (gs === gt) {
        if (c >= 0) { gs.within += c; } else { gs.withinHidden = true; }
        return;
      }
      const key = `${gs.key}>${gt.key}`;
      if (!pairs.has(key)) { pairs.set(key, { gs, gt, count: 0, shown: 0, hidden: false, members: [] }); }
      const p = pairs.get(key);
      p.members.push(k);
      if (c >= 0) { p.count += c; p.shown += 1; gs.out += c; gt.in += c; } else { p.hidden = true; gs.hidden = true; gt.hidden = true; }
    });
    const name = (i) => n.name[i];
    const flows = [...pairs.values()].sort((x, y) => x.count - y.count).map((p) => {
      const largest = p.members.filter((k) => f.n[k] >= 0).sort((x, y) => f.n[y] - f.n[x]).slice(0, 3);
      const ids = (ends) => [...new Set(p.members.map((k) => n.id[ends[k]]))];
      return {
        s: p.gs.key, t: p.gt.key, a: [p.gs.lon, p.gs.lat], b: [p.gt.lon, p.gt.lat], count: p.shown ? p.count : -1,
        isos: new Set(p.members.flatMap((k) => [n.iso3[f.s[k]], n.iso3[f.t[k]]])),
        pick: { s: ids(f.s), t: ids(f.t), region: p.gs.region !== null || p.gt.region !== null },
        tip: () => {
          const lines = [`${p.gs.name} → ${p.gt.name}`, p.shown ? `${fmt(p.count, w)} ${w.unit}` : w.hidden];
          if (p.hidden && p.shown) { lines.push("+ " + w.some_hidden); }
          if (p.members.length > 1 && largest.length) {
            lines.push(`${w.largest}${w.colon}`);
            largest.forEach((k) => lines.push(`${name(f.s[k])} → ${name(f.t[k])}: ${fmt(f.n[k], w)}`));
          }
          lines.push(w.click_flow);
          return lines;
        },
      };
    });
    const nodes = [...groups.values()].map((g) => ({
      key: g.key, lon: g.lon, lat: g.lat, volume: Math.max(g.in, g.out), label: g.region === null ? n.label[g.members[0]] : "",
      regionLabel: g.region !== null ? g.name : "", domestic: null,
      within: g.within > 0 ? g.within : (g.withinHidden ? -1 : null),
      click: () => {
        if (g.region === null) { select(g.iso3); return; }
        const points = g.members.map((i) => [n.lat[i], n.lon[i]]);
        map.fitBounds(L.latLngBounds(points).pad(0.3), { animate: false, maxZoom: 6 });
        if (span() > REGION_SPAN) { map.setZoom(map.getZoom() + Math.log2(span() / (REGION_SPAN * 0.9)), { animate: false }); }
      },
      tip: () => {
        const lines = [g.name, `${w.in} ${fmt(g.in, w)} · ${w.out} ${fmt(g.out, w)} ${w.unit}`];
        if (g.within > 0 || g.withinHidden) { lines.push(`${w.within}${w.colon}${g.within > 0 ? fmt(g.within, w) : w.hidden}`); }
        if (g.hidden) { lines.push("+ " + w.some_hidden); }
        if (g.region !== null) {
          const members = g.members.map((i) => n.name[i]);
          lines.push(members.slice(0, 6).join(", ") + (members.length > 6 ? ", …" : ""), w.click_region);
        }
        return lines;
      },
    }));
    return { nodes, flows };
  }

  // --- hover: the flows it concerns stand out, the rest fade ------------------------------------------------------
  function highlight(concerns, iso3) {
    if (!state) { return; }
    if (iso3 && countries[iso3]) { countries[iso3].setStyle({ weight: 2.5, color: "#222222" }); }
    if (!drawn.some(concerns)) { return; }
    drawn.forEach((f) => {
      const on = concerns(f);
      f.line.setStyle({ opacity: on ? 1 : 0.07 });
      if (f.head) { f.head.setStyle({ opacity: on ? 1 : 0.07, fillOpacity: on ? 1 : 0.07 }); }
      // on top, unless it already is (moving a path under the pointer would swallow the click that follows)
      const last = (f.head || f.line)._path;
      if (on && last && last.nextSibling) { f.line.bringToFront(); if (f.head) { f.head.bringToFront(); } }
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

  function legendRow(swatch, text) {
    const row = make("div", "row");
    row.append(swatch, make("span", "", text));
    return row;
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
      const sw = make("span", "sw");
      sw.style.background = colour;
      body.appendChild(legendRow(sw, name));
    });
    const sw = make("span", "sw");
    sw.style.cssText = "background:#fff;border:2px dashed #333";
    body.append(legendRow(sw, g.several), make("div", "small", g.width_title));
    (grouped ? niceScale(top).map((c) => [c, fmt(c, w)]) : g.scale).forEach(([c, text]) => {
      const line = make("span", "line");
      line.style.height = `${width(c).toFixed(1)}px`;
      line.style.background = g.colours.arc;
      line.style.opacity = String(opacity(c));
      const row = legendRow(line, `${text} ${w.unit}`);
      row.classList.add("gloact-scale");
      body.appendChild(row);
    });
    const dash = make("span", "line");
    dash.style.cssText = `height:0;border-top:2px dashed ${g.colours.hidden}`;
    body.append(legendRow(dash, g.hidden_title));
    const dot = make("span", "sw");
    dot.style.cssText = "border-radius:50%;background:#fff;border:2px solid #222";
    body.append(legendRow(dot, g.circle_title));
    if (grouped) {
      const ring = make("span", "sw");
      ring.style.cssText = `border-radius:50%;background:transparent;border:2px dashed ${g.colours.arc}`;
      body.append(legendRow(ring, w.within));
    }
    body.append(make("div", "small", w.click), make("div", "small", w.click_flow));
    noteBox.replaceChildren(...g.notes.map((x) => make("div", "", x)));
    noteBox.style.display = g.notes.length ? "" : "none";
    badgeBox.textContent = g.badge;
    badgeBox.style.display = g.badge ? "" : "none";
    box.setAttribute("aria-label", w.map);
    [[zoom._zoomInButton, w.zoom_in], [zoom._zoomOutButton, w.zoom_out]].forEach(([button, word]) => {
      button.title = word;
      button.setAttribute("aria-label", word);
    });
  }

  const width = (c) => { const g = state.legend; return g.width[0] + g.width[1] * Math.sqrt(Math.max(c, 0) / top); };
  const opacity = (c) => { const g = state.legend; return g.opacity[0] + g.opacity[1] * Math.sqrt(Math.max(c, 0) / top); };

  // --- a clicked flow: its monthly series, from the kernel -----------------------------------------------------------
  function pick(item) {
    model.set("picked", item.pick);
    model.save_changes();
    seriesBox.replaceChildren(make("div", "sub", "…"));
    seriesBox.style.display = "";
  }

  function drawSeries() {
    const x = model.get("series") || {};
    if (!x.months) { seriesBox.replaceChildren(); seriesBox.style.display = "none"; return; }
    const w = x.words, head = make("div", "gloact-series-head"), close = make("button", "gloact-toggle", "×");
    close.type = "button";
    close.title = w.close;
    close.setAttribute("aria-label", w.close);
    close.addEventListener("click", () => {
      seriesBox.style.display = "none";
      model.set("picked", {});
      model.save_changes();
    });
    head.append(make("h4", "", x.title), close);
    const W = 300, H = 96, pad = 2, values = x.values, n = values.length;
    const peak = Math.max(1, ...values);
    const chart = svg("svg", { width: W, height: H + 16, viewBox: `0 0 ${W} ${H + 16}`, role: "img",
                               class: "gloact-series-chart" });
    chart.appendChild(svg("title")).textContent = `${x.title}: ${x.subtitle}`;
    const step = (W - 2 * pad) / Math.max(n, 1);
    values.forEach((v, i) => {
      const h = v < 0 ? 2 : Math.max(v > 0 ? 1 : 0, (H - 4) * v / peak);
      const bar = svg("rect", { x: (pad + i * step).toFixed(2), y: (H - h).toFixed(2),
                                width: Math.max(0.6, step - (step > 3 ? 1 : 0)).toFixed(2), height: h.toFixed(2),
                                fill: v < 0 ? "#9e9e9e" : state ? state.legend.colours.arc : "#b5442c",
                                class: v < 0 ? "gloact-series-hidden" : "gloact-series-bar" });
      bar.appendChild(svg("title")).textContent = `${x.months[i]}: ${v < 0 ? w.hidden : fmt(v, w)}`;
      chart.appendChild(bar);
    });
    chart.appendChild(svg("line", { x1: 0, x2: W, y1: H + 0.5, y2: H + 0.5, stroke: "#666", "stroke-width": 1 }));
    [[x.months[0], 0, "start"], [x.months[n - 1], W, "end"]].forEach(([text, at, anchor]) => {
      if (text) { chart.appendChild(svg("text", { x: at, y: H + 13, "text-anchor": anchor, "font-size": 11 })).textContent = text; }
    });
    seriesBox.replaceChildren(head, make("div", "sub", x.subtitle), chart, make("div", "", x.total));
    if (x.peak) { seriesBox.appendChild(make("div", "small", x.peak)); }
    if (x.source) { seriesBox.appendChild(make("div", "small", x.source)); }
    seriesBox.style.display = "";
    seriesBox.dataset.months = String(n);
  }

  // --- drawing ----------------------------------------------------------------------------------------------------
  function draw() {
    const start = performance.now();
    state = { nodes: model.get("nodes"), flows: model.get("flows"), roles: model.get("roles"),
              legend: model.get("legend") };
    if (!state.nodes || !state.nodes.iso3 || !state.legend || !state.legend.words) { state = null; }
    if (!placed()) { return; }  // drawn when the page has placed the map (the observer below)
    // The first selection is fitted; a later one (the page's address, a filter, a month played) only when some of
    // it is out of view, and not once the viewer has moved the map.  Before the layers: drawn once, at the zoom seen.
    const moved = fit(true);
    showBase();
    if (!state) { announce(); return; }
    layers();
    if (moved) { autoCollapse(); }
    box.dataset.draws = String(Number(box.dataset.draws) + 1);
    box.dataset.drawMs = (performance.now() - start).toFixed(1);
    announce();
  }
  // The live map is in the page, drawn (or with nothing to draw): the page's first paint can go (live_preview.py).
  let announced = false;
  function announce() {
    if (announced) { return; }
    announced = true;
    document.dispatchEvent(new CustomEvent("gloact:live-drawn"));
  }

  function layers() {
    grouped = grouping();
    box.dataset.level = grouped ? "region" : "country";
    const view = grouped ? regionView() : countryView(), w = state.legend.words, colours = state.legend.colours;
    caption.textContent = grouped ? w.grouped : "";
    caption.style.display = grouped ? "" : "none";
    top = grouped ? Math.max(1, ...view.flows.map((f) => f.count)) : state.legend.top;
    const perDegree = 256 * 2 ** map.getZoom() / 360;  // pixels per degree of longitude at this zoom
    flowLayer.clearLayers();
    nodeLayer.clearLayers();
    drawn = [];
    labels = [];
    view.flows.forEach((item) => {
      const points = arc(item.a, item.b), count = item.count;
      if (count < 0) {
        item.opacity = 0.35;  // a count too small to publish: there, but faint
        item.line = L.polyline(points, { color: colours.hidden, weight: 1, opacity: 0.35, dashArray: "3 5",
                                         className: "gloact-arc gloact-hidden-arc" });
      } else {
        const px = width(count), op = opacity(count);
        item.opacity = op;
        item.line = L.polyline(points, { color: colours.arc, weight: px, opacity: op, lineCap: "round",
                                         className: "gloact-arc" });
        const length = Math.hypot(item.b[0] - item.a[0], item.b[1] - item.a[1]);
        // in degrees (route_map's rule), but never more than a few pixels beyond the line's width on screen
        const size = Math.min(Math.min(1.2, Math.max(0.25, length * 0.05)) * (0.8 + px / 14), (6 + px) / perDegree);
        item.head = L.polygon(arrowhead(points, size), { color: colours.arc, weight: 1, fillColor: colours.arc,
                                                          fillOpacity: op, opacity: op, className: "gloact-arrow" });
      }
      [item.line, item.head].filter(Boolean).forEach((layer) => {
        layer.bindTooltip(() => tipBox(item.tip()), { sticky: true });
        layer.on("mouseover", () => highlight((x) => x === item));
        layer.on("mouseout", unhighlight);
        layer.on("click", () => pick(item));
        flowLayer.addLayer(layer);
      });
      drawn.push(item);
    });
    const home = view.nodes.map((v) => (v.domestic !== null && v.domestic > 0 ? v.domestic : 0));
    const within = view.nodes.map((v) => (v.within !== null && v.within > 0 ? v.within : 0));
    const volume = Math.max(1, ...view.nodes.map((v) => v.volume)), topHome = Math.max(1, top, ...home, ...within);
    view.nodes.forEach((v) => {
      const tip = () => tipBox(v.tip());
      const hover = () => highlight((x) => x.s === v.key || x.t === v.key, null);
      const ring = (value, colour, className) => {
        const marker = L.circleMarker([v.lat, v.lon], value < 0
          ? { radius: 9, color: colours.hidden, weight: 2, dashArray: "3 3", fillOpacity: 0, className }
          : { radius: 9 + 22 * Math.sqrt(value / topHome), color: colour, weight: 3, fillColor: colour, fillOpacity: 0.2,
              dashArray: className === "gloact-within" ? "6 4" : null, className });
        marker.bindTooltip(tip, { sticky: true });
        marker.on("mouseover", hover).on("mouseout", unhighlight).on("click", v.click);
        nodeLayer.addLayer(marker);
      };
      if (v.domestic !== null) { ring(v.domestic, colours.domestic, "gloact-domestic"); }
      if (v.within !== null) { ring(v.within, colours.arc, "gloact-within"); }
      if (v.volume <= 0 && (v.domestic !== null || v.within !== null)) { return; }
      if (v.volume <= 0 && grouped) { return; }  // a region no drawn flow reaches
      const circle = L.circleMarker([v.lat, v.lon], {
        radius: 3 + 13 * Math.sqrt(v.volume / volume), color: "#222222", weight: 1.2, fillColor: "#ffffff",
        fillOpacity: 0.9, className: grouped ? "gloact-node gloact-region" : "gloact-node" });
      circle.bindTooltip(tip, { sticky: true });
      circle.on("mouseover", hover).on("mouseout", unhighlight).on("click", v.click);
      nodeLayer.addLayer(circle);
      const text = v.regionLabel || v.label;
      if (text && (!grouped || v.volume >= volume / 50)) {
        const label = L.tooltip({ permanent: true, direction: "auto", offset: [8, 0], className: "gloact-label",
                                  interactive: false }).setLatLng([v.lat, v.lon]).setContent(make("span", "", text));
        label.volume = v.volume;
        labels.push(label);
        nodeLayer.addLayer(label);
      }
    });
    paintCountries();
    drawLegend();
    declutter();
  }

  // Labels never cover one another: where two would, the place with less traffic keeps its circle and tooltip
  // but not its label (until a zoom makes room).
  let labels = [];
  function declutter() {
    const kept = [];
    labels.slice().sort((a, b) => b.volume - a.volume).forEach((label) => {
      const el = label.getElement();
      if (!el) { return; }
      el.style.visibility = "";
      const r = el.getBoundingClientRect();
      const clash = kept.some((k) => r.left < k.right && r.right > k.left && r.top < k.bottom && r.bottom > k.top);
      if (clash) { el.style.visibility = "hidden"; } else { kept.push(r); }
    });
  }

  // The map is in the page and has a size: before that, Leaflet can neither fit nor project anything (the first
  // drawing waits for it, and the basemap is put on the map then, so that its shapes are projected once).
  function placed() { return box.isConnected && box.clientWidth > 0 && box.clientHeight > 0; }
  function showBase() {
    if (map.hasLayer(base)) { return; }
    if (!fitted) { map.setView([25, 10], 3); }  // nothing to fit (yet): the region the workbook is about
    base.addTo(map);
    base.bringToBack();
  }
  // Fit the data: the first drawing, a change of the map's size (the page settling), a selection partly out of
  // view (``outside``), until the viewer moves or zooms the map: then it never moves by itself.  Says whether it
  // moved the map.
  function fit(outside) {
    if (userMoved || !state || !placed()) { return false; }
    const bounds = L.latLngBounds(state.nodes.bounds);
    if (fitted && map.getBounds().contains(bounds)
        && (outside || map.getBoundsZoom(bounds) === map.getZoom())) {
      return false;  // already in view (at the zoom a fit would give): nothing moves, nothing is projected again
    }
    fitting = true;
    try { map.fitBounds(state.nodes.bounds, { animate: false }); } finally { fitting = false; }
    fitted = true;
    return true;
  }
  // the map's size changed (the page settling): fit again, regroup if the degrees in view crossed the line
  function refit() {
    if (!fit(false)) { return; }
    layers();  // as after a zoom: regrouped if need be, arrowheads sized for the new zoom
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

  // Zooming across the threshold regroups what is drawn (in the page: nothing is asked of the kernel).
  map.on("zoomend", () => {
    if (fitting || !state) { return; }  // a fit is followed by its own drawing
    layers();  // regrouped if the degrees in view crossed the line; arrowheads sized for the new zoom
  });

  let pending = false;
  const schedule = () => {
    if (pending) { return; }
    pending = true;
    Promise.resolve().then(() => { pending = false; draw(); });
  };
  ["nodes", "flows", "roles", "legend"].forEach((name) => model.on(`change:${name}`, schedule));
  model.on("change:region_names", () => { if (state && grouped) { layers(); } });
  model.on("change:series", drawSeries);
  model.on("change:selected", () => { setCountryInAddress(model.get("selected")); if (state) { paintCountries(); } });
  model.on("change:height", () => { size(); map.invalidateSize(); });
  const observer = new ResizeObserver(() => {
    size();
    if (!placed()) { return; }
    if (!map.hasLayer(base)) { draw(); return; }  // placed at last: the first drawing
    const before = map.getSize();  // Leaflet's size of the map as last drawn
    map.invalidateSize({ pan: false });
    if (!map.getSize().equals(before)) { refit(); }  // the page settling: fit again (until the viewer moves it)
  });
  observer.observe(box);
  observer.observe(document.body);  // what is above the map changed: its top moved
  window.addEventListener("resize", size);
  draw();  // at once if the map is already in the page; else when the observer sees it placed
  drawSeries();
  return () => { observer.disconnect(); window.removeEventListener("resize", size); map.remove(); if (window.__gloactMap === map) { window.__gloactMap = null; } };
}

export default { render };
