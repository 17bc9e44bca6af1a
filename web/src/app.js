// The page of `relais serve` (bundled by web/build.mjs, embedded in the binary). Every view has a
// shareable URL (#view?params) that restores its form and reruns its query on load. Data from the
// store is inserted as text only (textContent, setAttribute of plain values), never as HTML, so names
// and texts cannot inject markup; links are only set for http(s) URLs the server gives.
import Graph from "graphology";
import Sigma from "sigma";
import forceAtlas2 from "graphology-layout-forceatlas2";

const $ = (s) => document.querySelector(s);
const VIEWS = ["search", "amplifiers", "first-sharers", "path", "flows", "rank"];
const nf = new Intl.NumberFormat("fr-FR");
const nf3 = new Intl.NumberFormat("fr-FR", { maximumSignificantDigits: 3 });
const pct = new Intl.NumberFormat("fr-FR", { style: "percent", maximumFractionDigits: 1 });

const CLASS_FR = {
  "press-national": "presse nationale", "press-regional": "presse régionale", "press-agency": "agence de presse",
  pr: "communiqués (PR)", brand: "marque", politician: "politique", institution: "institution",
  journalist: "journaliste", public: "compte", article: "article",
};
const CLASS_COLOR = {
  "press-national": "#1d3557", "press-regional": "#e63946", "press-agency": "#f4a261", pr: "#2a9d8f",
  brand: "#8d6cab", politician: "#e9c46a", institution: "#6c757d", journalist: "#457b9d", public: "#a8b3c4",
  article: "#264653",
};
const LAYER_FR = { retweet: "retweet", quote: "citation", reply: "réponse", mention: "mention", link: "lien",
  embed: "intégration", reuse: "reprise de texte" };
const LAYER_COLOR = { retweet: "#8ab6d6", quote: "#c39bd3", reply: "#b7c4cf", mention: "#f7c59f", link: "#7fc8a9",
  embed: "#f2a65a", reuse: "#e07a5f" };

let meta = { pseudonymised: true, search_index: true };
let renderer = null;
let seq = 0;  // the latest query; older answers are dropped
let baseEvidence = [];  // the view's evidence, shown again when a node's is dismissed
let nodeEvidence = null;  // the view's way to fetch a node's evidence when the list holds none of it

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}
const fmtNum = (v) => (Number.isInteger(v) ? nf.format(v) : nf3.format(v));
const className = (c) => CLASS_FR[c] || c || "—";
function fmtDuration(s) {
  if (s === null || s === undefined) return "—";
  const neg = s < 0; let a = Math.abs(s);
  let out;
  if (a < 60) out = nf.format(Math.round(a)) + " s";
  else if (a < 3600) out = nf.format(Math.round(a / 60)) + " min";
  else if (a < 86400) { const h = Math.floor(a / 3600), m = Math.round((a % 3600) / 60); out = h + " h" + (m ? " " + m + " min" : ""); }
  else out = nf.format(Math.round(a / 8640) / 10) + " j";
  return (neg ? "−" : "") + out;
}
function fmtTime(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (isNaN(d)) return iso;
  return d.toLocaleString("fr-FR", { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" }) + " UTC";
}
function safeLink(url, text) {
  if (typeof url !== "string" || !/^https?:\/\//i.test(url)) return null;
  const a = el("a", text || "original");
  a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
  return a;
}
function viewLink(view, params, text) {
  const a = el("a", text);
  a.href = "#" + view + "?" + new URLSearchParams(params).toString();
  return a;
}
function actorLabel(a) {
  if (!a) return "inconnu";
  return a.name ? a.name + " (" + a.key + ")" : a.key;
}
function setStatus(text, err) { const s = $("#status"); s.textContent = text; s.className = err ? "err" : ""; }

async function api(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && String(v).trim() !== "") q.set(k, String(v).trim());
  const res = await fetch(path + (q.toString() ? "?" + q.toString() : ""));
  let body;
  try { body = await res.json(); } catch (e) { throw new Error("réponse illisible du serveur (" + res.status + ")"); }
  if (!res.ok) throw new Error(body.error || res.statusText);
  return body;
}

// ---------- table ----------
function table(cols, rows, cls) {
  const wrap = el("div", undefined, "table-wrap");
  const t = el("table", undefined, cls);
  const hr = el("tr");
  cols.forEach((c) => hr.appendChild(el("th", c.label)));
  t.appendChild(hr);
  rows.forEach((r) => {
    const tr = el("tr");
    cols.forEach((c) => {
      const v = c.get(r);
      const td = el("td");
      if (v instanceof Node) td.appendChild(v);
      else if (typeof v === "number") { td.textContent = fmtNum(v); td.className = "num"; }
      else td.textContent = v === null || v === undefined ? "" : String(v);
      if (c.num) td.className = "num";
      tr.appendChild(td);
    });
    t.appendChild(tr);
  });
  wrap.appendChild(t);
  return wrap;
}
const actorCell = (a) => {
  if (!a) return "inconnu";
  const span = el("span");
  span.appendChild(viewLink("amplifiers", { of: a.key }, actorLabel(a)));
  return span;
};

// ---------- evidence ----------
// One .evidence element per post or article: time, actor (or pseudonym), layer, excerpt, and a link
// to the original for public actors only (the server gives no link for the others).
function evidenceItem(e) {
  const d = el("div", undefined, "evidence");
  const actor = e.actor || null;
  d.dataset.actor = actor ? actor.key : "";
  d.dataset.source = e.source_actor || "";
  const m = el("div", undefined, "meta");
  const t = el("time", fmtTime(e.time)); t.setAttribute("datetime", e.time || ""); m.appendChild(t);
  m.appendChild(el("span", actorLabel(actor), "actor"));
  if (actor && actor.actor_class) m.appendChild(el("span", className(actor.actor_class), "class"));
  m.appendChild(el("span", LAYER_FR[e.layer] || e.layer || "", "layer"));
  if (e.delay_s !== undefined && e.delay_s !== null) m.appendChild(el("span", "délai " + fmtDuration(e.delay_s)));
  const link = safeLink(e.link, "voir l'original");
  if (link) m.appendChild(link);
  if (e.extra) m.appendChild(e.extra);
  d.appendChild(m);
  if (e.title) d.appendChild(el("div", e.title, "title"));
  d.appendChild(el("p", e.text || "", "excerpt"));
  return d;
}
function showEvidence(list, base = true) {
  if (base) baseEvidence = list;
  const box = $("#evidence"); box.replaceChildren();
  box.dataset.base = base ? "1" : "0";
  $("#evidence-filter").textContent = "";
  if (!list.length) { box.appendChild(el("p", "Aucun élément de preuve dans cette réponse.", "hint")); return; }
  list.forEach((e) => box.appendChild(evidenceItem(e)));
}
const evidenceOf = (d, key) => d.dataset.actor === key || d.dataset.source === key;
function countEvidence(key) {
  let n = 0;
  document.querySelectorAll("#evidence .evidence").forEach((d) => { if (evidenceOf(d, key)) n++; });
  return n;
}
function filterEvidence(key, label) {
  let shown = 0;
  document.querySelectorAll("#evidence .evidence").forEach((d) => {
    const on = !key || evidenceOf(d, key);
    d.classList.toggle("dim", !on); if (on) shown++;
  });
  $("#evidence-filter").textContent = key ? nf.format(shown) + " élément(s) de preuve de " + (label || key) + " — cliquer le fond du graphe pour tout revoir" : "";
  return shown;
}
// The evidence of one node when the view's list holds none of it: who relays an actor (its flows,
// with their posts), or the view's own fetcher (the flows of a group in the flow matrix).
async function fetchNodeEvidence(node, attrs) {
  const mySeq = seq;
  try {
    let r;
    if (nodeEvidence) r = await nodeEvidence(node, attrs);
    else if (attrs.actor) {
      const a = await api("/api/amplifiers", { of: node, top: 10 });
      r = { list: a.results.flatMap((x) => x.examples.map((e) => ({ ...e, actor: e.actor || x, source_actor: a.actor.key }))),
        text: "Relais de " + actorLabel(a.actor) + " : " + nf.format(a.total_amplifiers) + " acteur(s)" };
    }
    if (!r || mySeq !== seq || $("#node-info").dataset.selected !== node) return;
    showEvidence(r.list, false);
    $("#evidence-filter").textContent = r.text + " — cliquer le fond du graphe pour revenir à la réponse";
  } catch (e) {
    if (mySeq === seq) $("#evidence-filter").textContent = "Éléments de preuve indisponibles : " + e.message;
  }
}

// ---------- graph (sigma + graphology + ForceAtlas2) ----------
function drawGraph(nodes, edges) {
  if (renderer) { renderer.kill(); renderer = null; }
  const box = $("#graph"); box.replaceChildren();
  const g = new Graph({ type: "directed", multi: false });
  const maxW = Math.max(1, ...nodes.map((n) => n.weight || 1));
  nodes.forEach((n, i) => {
    if (g.hasNode(n.key)) return;
    const angle = (2 * Math.PI * i) / Math.max(1, nodes.length);
    g.addNode(n.key, {
      label: n.label || n.key, x: Math.cos(angle) + (i % 7) * 0.01, y: Math.sin(angle) + (i % 5) * 0.01,
      size: 4 + 14 * Math.sqrt((n.weight || 1) / maxW), color: CLASS_COLOR[n.cls] || "#a8b3c4",
      cls: n.cls || "", actor: n.actor !== false,
    });
  });
  const maxE = Math.max(1, ...edges.map((e) => e.weight || 1));
  edges.forEach((e) => {
    if (!g.hasNode(e.source) || !g.hasNode(e.target) || e.source === e.target || g.hasEdge(e.source, e.target)) return;
    g.addEdge(e.source, e.target, { size: 1 + 5 * ((e.weight || 1) / maxE), color: LAYER_COLOR[e.layer] || "#c9ced8", layer: e.layer || "" });
  });
  box.dataset.nodes = String(g.order);
  box.dataset.edges = String(g.size);
  if (g.order > 1) {
    const settings = forceAtlas2.inferSettings(g);
    forceAtlas2.assign(g, { iterations: 150, settings: { ...settings, edgeWeightInfluence: 0.5 } });
  }
  try {
    renderer = new Sigma(g, box, { renderEdgeLabels: false, defaultEdgeType: "arrow", labelRenderedSizeThreshold: 6 });
  } catch (err) {
    box.appendChild(el("p", "Graphe indisponible dans ce navigateur (WebGL) : " + err.message, "hint"));
    renderer = null;
  }
  const info = $("#node-info"); info.replaceChildren();
  if (renderer) {
    const hover = $("#node-hover");
    renderer.on("enterNode", ({ node }) => {
      const n = countEvidence(node);
      hover.textContent = g.getNodeAttribute(node, "label") + " — " + className(g.getNodeAttribute(node, "cls")) + " — " +
        (n ? nf.format(n) + " élément(s) de preuve ci-dessous" : "cliquer pour voir ses éléments de preuve");
    });
    renderer.on("leaveNode", () => { hover.textContent = ""; });
    renderer.on("clickNode", ({ node }) => selectNode(g, node));
    renderer.on("clickStage", () => {
      info.replaceChildren(); delete info.dataset.selected;
      if ($("#evidence").dataset.base === "0") showEvidence(baseEvidence);
      filterEvidence(null);
    });
  }
  // The legend: classes present, layers present.
  const legend = $("#legend"); legend.replaceChildren();
  const classes = new Set(); g.forEachNode((_, a) => classes.add(a.cls));
  classes.forEach((c) => { const s = el("span"); const i = el("i"); i.style.background = CLASS_COLOR[c] || "#a8b3c4"; s.appendChild(i); s.appendChild(document.createTextNode(className(c))); legend.appendChild(s); });
  const layers = new Set(); g.forEachEdge((_, a) => a.layer && layers.add(a.layer));
  layers.forEach((l) => { const s = el("span"); const i = el("i"); i.style.background = LAYER_COLOR[l] || "#c9ced8"; s.appendChild(i); s.appendChild(document.createTextNode("→ " + (LAYER_FR[l] || l))); legend.appendChild(s); });
  window.__relaisGraph = g;  // for the browser tests (they click a node where sigma draws it)
  window.__relaisRenderer = renderer;
}
function selectNode(g, node) {
  const info = $("#node-info"); info.replaceChildren();
  const a = g.getNodeAttributes(node);
  info.appendChild(el("strong", a.label));
  info.appendChild(document.createTextNode(" — " + className(a.cls) + " · "));
  if (a.actor) info.appendChild(viewLink("amplifiers", { of: node }, "qui le relaie ?"));
  info.dataset.selected = node;
  if ($("#evidence").dataset.base === "0") showEvidence(baseEvidence);
  if (!filterEvidence(node, a.label)) fetchNodeEvidence(node, a);
}

// ---------- timeline ----------
async function drawTimeline(params, mySeq) {
  const box = $("#timeline"); box.replaceChildren();
  if (!params) { box.appendChild(el("p", "Pas de chronologie pour cette vue.", "hint")); return; }
  let t;
  try { t = await api("/api/timeline", params); } catch (e) { box.appendChild(el("p", "Chronologie indisponible : " + e.message, "hint")); return; }
  if (mySeq !== seq) return;
  const title = t.actor ? actorLabel(t.actor) : t.url ? t.url : className(t.actor_class);
  box.appendChild(el("p", "Éléments par " + (t.bin_s >= 86400 ? "jour" : "heure") + " — " + title, "hint"));
  if (!t.bins.length) { box.appendChild(el("p", "Aucun élément dans la période.", "hint")); return; }
  const ns = "http://www.w3.org/2000/svg";
  const W = 600, H = 180, P = 24;
  const from = Date.parse(t.from), to = Date.parse(t.to), span = Math.max(1, to - from);
  const max = Math.max(...t.bins.map((b) => b.n));
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  const bw = Math.max(1, ((W - 2 * P) * t.bin_s * 1000) / span);
  const at = t.at ? Date.parse(t.at) : null;
  t.bins.forEach((b) => {
    const x = P + ((W - 2 * P) * (Date.parse(b.t) - from)) / span;
    const h = ((H - 2 * P) * b.n) / max;
    const r = document.createElementNS(ns, "rect");
    r.setAttribute("x", x.toFixed(1)); r.setAttribute("y", (H - P - h).toFixed(1));
    r.setAttribute("width", Math.max(1, bw - 0.5).toFixed(1)); r.setAttribute("height", h.toFixed(1));
    r.setAttribute("class", at !== null && Date.parse(b.t) >= at ? "bar after" : "bar");
    const tip = document.createElementNS(ns, "title"); tip.textContent = fmtTime(b.t) + " : " + nf.format(b.n); r.appendChild(tip);
    svg.appendChild(r);
  });
  const label = (x, y, s, anchor) => { const e = document.createElementNS(ns, "text"); e.setAttribute("x", x); e.setAttribute("y", y); if (anchor) e.setAttribute("text-anchor", anchor); e.textContent = s; svg.appendChild(e); };
  label(P, H - 6, new Date(from).toLocaleDateString("fr-FR", { timeZone: "UTC" }));
  label(W - P, H - 6, new Date(to).toLocaleDateString("fr-FR", { timeZone: "UTC" }), "end");
  label(P, 12, "max " + nf.format(max));
  if (at !== null) {
    const x = P + ((W - 2 * P) * (at - from)) / span;
    const l = document.createElementNS(ns, "line");
    l.setAttribute("x1", x); l.setAttribute("x2", x); l.setAttribute("y1", P / 2); l.setAttribute("y2", H - P); l.setAttribute("class", "event");
    svg.appendChild(l);
    label(x - 4, P, "avant : " + nf.format(t.before), "end");
    label(x + 4, P, "après : " + nf.format(t.after));
  }
  box.appendChild(svg);
}

// ---------- views ----------
function topLayer(layers) {
  let best = "", n = -1;
  for (const [k, v] of Object.entries(layers || {})) if (v > n) { best = k; n = v; }
  return best;
}
const window3 = (p) => (p.at ? { at: p.at, before: p.before, after: p.after } : {});

const RUN = {
  async search(p, mySeq) {
    const r = await api("/api/search", { q: p.q, limit: 50 });
    if (mySeq !== seq) return;
    $("#table").replaceChildren(el("p", nf.format(r.total) + " élément(s) trouvé(s) ; les " + nf.format(r.results.length) + " plus pertinents ci-dessous.", "hint"));
    const nodes = [], edges = [];
    r.results.forEach((x) => {
      if (x.actor) nodes.push({ key: x.actor.key, label: actorLabel(x.actor), cls: x.actor.actor_class, weight: 1 });
      if (x.article_url) {
        nodes.push({ key: x.article_url, label: x.article_url, cls: "article", actor: false });
        if (x.actor && x.actor.key !== x.article_url) edges.push({ source: x.actor.key, target: x.article_url, layer: "link" });
      }
    });
    drawGraph(nodes, edges);
    showEvidence(r.results.map((x) => {
      const extra = el("span");
      if (x.article_url) extra.appendChild(viewLink("first-sharers", { url: x.article_url }, "premiers à partager"));
      if (x.actor) { extra.appendChild(document.createTextNode(" · ")); extra.appendChild(viewLink("amplifiers", { of: x.actor.key }, "qui relaie")); }
      return { ...x, layer: x.kind, extra, source_actor: x.article_url || "" };
    }));
    const first = r.results.find((x) => x.actor);
    return first ? { of: first.actor.key } : null;
  },
  async amplifiers(p, mySeq) {
    const r = await api("/api/amplifiers", { of: p.of, layers: p.layers, top: p.top });
    if (mySeq !== seq) return;
    const c = r.actor;
    $("#table").replaceChildren(
      el("p", actorLabel(c) + " — " + className(c.actor_class) + " : " + nf.format(r.total_amplifiers) + " acteurs le relaient.", "hint"),
      table([
        { label: "acteur", get: (x) => actorCell(x) }, { label: "catégorie", get: (x) => className(x.actor_class) },
        { label: "région", get: (x) => x.region }, { label: "flux", get: (x) => x.count },
        { label: "premier relais", get: (x) => fmtTime(x.first) }, { label: "délai médian", get: (x) => fmtDuration(x.median_latency_s), num: true },
        { label: "couches", get: (x) => Object.entries(x.layers).map(([k, v]) => (LAYER_FR[k] || k) + " " + nf.format(v)).join(", ") },
      ], r.results));
    const nodes = [{ key: c.key, label: actorLabel(c), cls: c.actor_class, weight: Math.max(1, ...r.results.map((x) => x.count)) }];
    const edges = [];
    r.results.forEach((x) => { nodes.push({ key: x.key, label: actorLabel(x), cls: x.actor_class, weight: x.count }); edges.push({ source: c.key, target: x.key, weight: x.count, layer: topLayer(x.layers) }); });
    drawGraph(nodes, edges);
    showEvidence(r.results.flatMap((x) => x.examples.map((e) => ({ ...e, actor: e.actor || x, source_actor: c.key }))));
    return { of: c.key, ...window3(p) };
  },
  async "first-sharers"(p, mySeq) {
    const r = await api("/api/first-sharers", { url: p.url, top: p.top });
    if (mySeq !== seq) return;
    const head = el("p", nf.format(r.total_shares) + " partage(s) sur les réseaux de " + r.url + (r.article ? ", article publié le " + fmtTime(r.article.time) + (r.article.outlet ? " par " + actorLabel(r.article.outlet) : "") : "") + ".", "hint");
    $("#table").replaceChildren(head, table([
      { label: "acteur", get: (x) => actorCell(x.actor) }, { label: "catégorie", get: (x) => className(x.actor && x.actor.actor_class) },
      { label: "date", get: (x) => fmtTime(x.time) }, { label: "délai après l'article", get: (x) => fmtDuration(x.delay_s), num: true },
      { label: "type", get: (x) => x.kind },
    ], r.results));
    const nodes = [{ key: r.url, label: r.article && r.article.outlet ? actorLabel(r.article.outlet) + " — article" : r.url, cls: "article", actor: false, weight: r.results.length || 1 }];
    const edges = [];
    r.results.forEach((x) => { if (!x.actor) return; nodes.push({ key: x.actor.key, label: actorLabel(x.actor), cls: x.actor.actor_class, weight: 1 }); edges.push({ source: r.url, target: x.actor.key, layer: "link" }); });
    drawGraph(nodes, edges);
    showEvidence(r.results.map((x) => ({ ...x, layer: "link", source_actor: r.url })));
    return { url: r.url };
  },
  async path(p, mySeq) {
    const r = await api("/api/path", { from: p.from, to: p.to, layers: p.layers });
    if (mySeq !== seq) return;
    $("#table").replaceChildren(
      el("p", r.found ? "Chaîne de " + actorLabel(r.from) + " à " + actorLabel(r.to) + " : " + r.hops.length + " étape(s), force " + nf3.format(r.strength || 0) + "." : "Aucune chaîne de " + actorLabel(r.from) + " à " + actorLabel(r.to) + ".", "hint"),
      table([
        { label: "de", get: (h) => actorCell(h.source) }, { label: "vers", get: (h) => actorCell(h.target) },
        { label: "flux", get: (h) => h.count }, { label: "part des flux sortants", get: (h) => pct.format(h.share_of_source), num: true },
      ], r.hops));
    const nodes = [{ key: r.from.key, label: actorLabel(r.from), cls: r.from.actor_class }, { key: r.to.key, label: actorLabel(r.to), cls: r.to.actor_class }];
    const edges = [];
    r.hops.forEach((h) => { nodes.push({ key: h.source.key, label: actorLabel(h.source), cls: h.source.actor_class }, { key: h.target.key, label: actorLabel(h.target), cls: h.target.actor_class }); edges.push({ source: h.source.key, target: h.target.key, weight: h.count, layer: h.evidence[0] ? h.evidence[0].layer : "" }); });
    drawGraph(nodes, edges);
    showEvidence(r.hops.flatMap((h) => h.evidence.map((e) => ({ ...e, source_actor: h.source.key }))));
    return { of: r.from.key };
  },
  async flows(p, mySeq) {
    if ((p.before || p.after) && !p.at) throw new Error("« Avant » et « Après » demandent la date de l'événement.");
    const offset = Number(p.offset || 0);
    const r = await api("/api/flows", { by: p.by || "class", at: p.at, before: p.before, after: p.after, layers: p.layers, limit: p.by === "actor" ? 200 : undefined, offset: p.by === "actor" ? offset : undefined });
    if (mySeq !== seq) return;
    const box = $("#table"); box.replaceChildren();
    const last = r.windows[r.windows.length - 1];
    const label = (w) => ({ before: "avant", after: "après", all: "toute la période" }[w.name] || w.name);
    box.appendChild(el("p", r.windows.map((w) => label(w) + " : " + nf.format(w.total) + " flux").join(" · "), "hint"));
    if (r.difference && r.difference.length) {
      // The largest changes first (by absolute change in the number of flows).
      const diff = [...r.difference].sort((a, b) => Math.abs(b.count_after - b.count_before) - Math.abs(a.count_after - a.count_before));
      box.appendChild(el("h3", "Plus fortes variations avant → après"));
      box.appendChild(cellRows(table([
        { label: "de", get: (d) => className(d.source) }, { label: "vers", get: (d) => className(d.target) },
        { label: "flux avant", get: (d) => d.count_before }, { label: "flux après", get: (d) => d.count_after },
        { label: "variation", get: (d) => (d.count_after - d.count_before > 0 ? "+" : "") + nf.format(d.count_after - d.count_before), num: true },
        { label: "part avant", get: (d) => pct.format(d.share_before), num: true }, { label: "part après", get: (d) => pct.format(d.share_after), num: true },
      ], diff.slice(0, 30)), diff.slice(0, 30)));
    }
    if (p.by === "region") await showRegionMaps(p, last, mySeq);
    if (p.by !== "actor") box.appendChild(heatmap(last, r.difference));
    else {
      box.appendChild(cellRows(table([
        { label: "de", get: (c) => c.source }, { label: "vers", get: (c) => c.target }, { label: "flux", get: (c) => c.count },
        { label: "part", get: (c) => pct.format(c.share), num: true },
        { label: "délai médian", get: (c) => fmtDuration(c.median_latency_s), num: true },
      ], last.cells), last.cells));
      const nav = el("div");
      const total = last.cells_total || 0;
      nav.appendChild(el("span", "cellules " + nf.format(offset + 1) + "–" + nf.format(offset + last.cells.length) + " sur " + nf.format(total) + " ", "hint"));
      if (offset > 0) nav.appendChild(viewLink("flows", { ...p, offset: Math.max(0, offset - 200) }, "← précédentes"));
      if (offset + last.cells.length < total) { nav.appendChild(document.createTextNode(" ")); nav.appendChild(viewLink("flows", { ...p, offset: offset + 200 }, "suivantes →")); }
      box.appendChild(nav);
    }
    const weight = {};
    last.cells.forEach((c) => { weight[c.source] = (weight[c.source] || 0) + c.count; weight[c.target] = (weight[c.target] || 0) + c.count; });
    const nodes = Object.keys(weight).map((k) => ({ key: k, label: p.by === "class" ? className(k) : k, cls: p.by === "class" ? k : "public", weight: weight[k], actor: p.by === "actor" }));
    drawGraph(nodes, last.cells.slice(0, 300).map((c) => ({ source: c.source, target: c.target, weight: c.count })));
    // Evidence: the flows behind one cell (a click on the matrix, a table row or a group of the
    // graph); at first the cell that changed most, or the largest one.
    const groupLabel = (k) => (p.by === "class" ? className(k) : k);
    flowsShown = { p, windows: r.windows, groupLabel };
    nodeEvidence = async (node) => {
      const e = await api("/api/flow-evidence", { by: p.by || "class", source: node, layers: p.layers, from: last.from, to: last.to, limit: 50 });
      return { list: e.evidence, text: "Flux émis par " + groupLabel(node) + " (" + label(last) + ") : " + nf.format(e.evidence.length) + " premier(s) sur " + nf.format(e.total) };
    };
    const firstCell = r.difference && r.difference.length
      ? [...r.difference].sort((a, b) => Math.abs(b.count_after - b.count_before) - Math.abs(a.count_after - a.count_before))[0]
      : [...last.cells].sort((a, b) => b.count - a.count)[0];
    showEvidence([]);
    if (firstCell) await showCellEvidence(firstCell.source, firstCell.target, mySeq);
    const top = diffTop(r.difference) || (last.cells[0] && last.cells[0].target);
    if (p.by === "class" && top) return { class: top, ...window3(p) };
    if (p.by === "actor" && top) return { of: top, ...window3(p) };
    return null;
  },
  async rank(p, mySeq) {
    const r = await api("/api/rank", { metric: p.metric || "pagerank", by: p.by, weighted: p.weighted, layers: p.layers, from: p.from, to: p.to, top: p.top });
    if (mySeq !== seq) return;
    const byActor = !p.by || p.by === "actor";
    $("#table").replaceChildren(
      el("p", "Mesure " + r.metric + (r.weighted ? ", pondérée par le nombre de flux" : ", non pondérée") + (r.sampled_epsilon ? ", échantillonnée" : "") + ".", "hint"),
      table([
        { label: "rang", get: (_, i) => i }, { label: byActor ? "acteur" : "groupe", get: (x) => (byActor ? actorCell({ key: x.node, name: x.name }) : p.by === "class" ? className(x.node) : x.node) },
        { label: "catégorie", get: (x) => className(x.actor_class) }, { label: "région", get: (x) => x.region },
        { label: "score", get: (x) => x.score, num: true },
      ].map((c, i) => (i === 0 ? { ...c, get: (x) => r.results.indexOf(x) + 1 } : c)), r.results));
    const nodes = r.results.map((x) => ({ key: x.node, label: byActor ? (x.name ? x.name + " (" + x.node + ")" : x.node) : p.by === "class" ? className(x.node) : x.node, cls: x.actor_class, weight: x.score, actor: byActor }));
    drawGraph(nodes, r.edges.map((e) => ({ source: e.source, target: e.target, weight: e.count })));
    // Why the first one ranks first: who relays it, with evidence.
    if (byActor && r.results.length) {
      try {
        const a = await api("/api/amplifiers", { of: r.results[0].node, top: 10 });
        if (mySeq !== seq) return;
        showEvidence(a.results.flatMap((x) => x.examples.map((e) => ({ ...e, actor: e.actor || x, source_actor: a.actor.key }))));
        $("#evidence-filter").textContent = "Relais de " + actorLabel(a.actor) + ", premier du classement.";
      } catch (e) { showEvidence([]); }
      return { of: r.results[0].node };
    }
    showEvidence([]);
    return p.by === "class" && r.results.length ? { class: r.results[0].node } : null;
  },
};
// The flows behind a cell of the matrix shown, in each window (before and after, or all).
let flowsShown = null;
// The région maps of a flows-by-région answer (its last window): where flows come from, who relays them.
// The server draws them (the same SVG as report.html): counts by région only, never an account.
async function showRegionMaps(p, win, mySeq) {
  const sides = ["source", "relay"];
  const maps = await Promise.all(sides.map((side) => api("/api/region-map", { side, layers: p.layers, from: win.from, to: win.to })));
  if (mySeq !== seq) return;
  const box = $("#map");
  box.replaceChildren(...maps.map((m) => {
    // Parsed as XML (an SVG document's scripts never run) and checked: the server escapes every text.
    const svg = new DOMParser().parseFromString(m.svg, "image/svg+xml").documentElement;
    const f = el("figure");
    if (svg.nodeName === "svg" && !svg.querySelector("script, foreignObject")) f.appendChild(document.importNode(svg, true));
    return f;
  }));
  box.hidden = false;
}

async function showCellEvidence(source, target, mySeq = seq) {
  if (!flowsShown) return;
  const { p, windows, groupLabel } = flowsShown;
  const wname = (w) => ({ before: "avant", after: "après", all: "toute la période" }[w.name] || w.name);
  const parts = await Promise.all(windows.map((w) => api("/api/flow-evidence", { by: p.by || "class", source, target, layers: p.layers, from: w.from, to: w.to, limit: windows.length > 1 ? 25 : 50 })));
  if (mySeq !== seq) return;
  showEvidence(parts.flatMap((e, i) => e.evidence.map((x) => ({ ...x, extra: windows.length > 1 ? el("span", wname(windows[i]), "window") : undefined }))));
  $("#evidence-filter").textContent = "Flux de " + groupLabel(source) + " vers " + groupLabel(target) + " : " +
    parts.map((e, i) => wname(windows[i]) + " " + nf.format(e.evidence.length) + " sur " + nf.format(e.total)).join(", ") +
    " (les plus anciens d'abord) — cliquer une case de la matrice ou une ligne du tableau pour en voir d'autres";
  document.querySelectorAll("[data-cell]").forEach((c) => c.classList.toggle("sel", c.dataset.cell === source + "\u0000" + target));
}
function cellClick(node, source, target) {
  node.dataset.cell = source + "\u0000" + target;
  node.classList.add("cell");
  node.tabIndex = 0;
  node.title = (node.title ? node.title + " — " : "") + "cliquer pour voir les flux de cette case";
  const go = () => showCellEvidence(source, target).catch((e) => setStatus(e.message, true));
  node.addEventListener("click", go);
  node.addEventListener("keydown", (ev) => { if (ev.key === "Enter") go(); });
}
// Table rows (one per cell, in the order of `cells`) open that cell's flows.
function cellRows(wrap, cells) {
  wrap.querySelectorAll("tr").forEach((tr, i) => { if (i > 0 && cells[i - 1]) cellClick(tr, cells[i - 1].source, cells[i - 1].target); });
  return wrap;
}
function diffTop(diff) {
  if (!diff || !diff.length) return null;
  const d = [...diff].sort((a, b) => Math.abs(b.count_after - b.count_before) - Math.abs(a.count_after - a.count_before))[0];
  return d.target;
}
// The flow matrix as a heatmap: rows sources, columns targets, the cell's share of the row; with
// before/after, the colour is the change in share (red up, blue down).
function heatmap(win, difference) {
  const groups = [...new Set(win.cells.flatMap((c) => [c.source, c.target]))].sort();
  const byPair = new Map(win.cells.map((c) => [c.source + "\u0000" + c.target, c]));
  const diff = new Map((difference || []).map((d) => [d.source + "\u0000" + d.target, d]));
  const wrap = el("div", undefined, "table-wrap");
  wrap.appendChild(el("h3", difference ? "Matrice des flux (après) : couleur = variation de part avant → après" : "Matrice des flux : part de chaque ligne"));
  const t = el("table", undefined, "heat");
  const hr = el("tr"); hr.appendChild(el("th", "de \\ vers"));
  groups.forEach((g) => hr.appendChild(el("th", className(g))));
  t.appendChild(hr);
  groups.forEach((s) => {
    const tr = el("tr"); tr.appendChild(el("th", className(s)));
    groups.forEach((g) => {
      const c = byPair.get(s + "\u0000" + g), d = diff.get(s + "\u0000" + g);
      const td = el("td", c ? nf.format(c.count) : "", "num");
      if (c || d) cellClick(td, s, g);
      if (d) {
        const v = Math.max(-1, Math.min(1, (d.share_after - d.share_before) * 5));
        td.style.background = v >= 0 ? "rgba(230,57,70," + v.toFixed(2) + ")" : "rgba(69,123,157," + (-v).toFixed(2) + ")";
        td.title = "part avant " + pct.format(d.share_before) + ", après " + pct.format(d.share_after);
      } else if (c) {
        td.style.background = "rgba(29,53,87," + Math.min(0.85, c.row_share).toFixed(2) + ")";
        if (c.row_share > 0.45) td.style.color = "#fff";
        td.title = pct.format(c.row_share) + " des flux de la ligne";
      }
      tr.appendChild(td);
    });
    t.appendChild(tr);
  });
  wrap.appendChild(t);
  return wrap;
}

// ---------- routing ----------
function parseHash() {
  const h = decodeURIComponent(location.hash.slice(1).split("?")[0] || "");
  const q = location.hash.includes("?") ? location.hash.slice(location.hash.indexOf("?") + 1) : "";
  return { view: VIEWS.includes(h) ? h : "search", params: Object.fromEntries(new URLSearchParams(q)) };
}
function showForm(view, params) {
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("on", a.dataset.v === view));
  document.querySelectorAll("form").forEach((f) => {
    f.classList.toggle("on", f.dataset.v === view);
    if (f.dataset.v !== view || !params) return;
    for (const input of f.elements) if (input.name) input.value = params[input.name] !== undefined ? params[input.name] : input.defaultValue;
  });
}
async function route() {
  const { view, params } = parseHash();
  const hasQuery = Object.values(params).some((v) => String(v).trim() !== "");
  showForm(view, hasQuery ? params : null);
  if (!hasQuery) { $("#result").classList.remove("on"); setStatus(""); return; }
  const mySeq = ++seq;
  setStatus("…");
  const t0 = performance.now();
  $("#result").classList.add("on");
  nodeEvidence = null; flowsShown = null;
  $("#map").hidden = true; $("#map").replaceChildren();
  try {
    const tl = await RUN[view](params, mySeq);
    if (mySeq !== seq) return;
    setStatus("réponse en " + nf.format(Math.round(performance.now() - t0)) + " ms");
    await drawTimeline(tl, mySeq);
  } catch (e) {
    if (mySeq !== seq) return;
    setStatus(e.message, true);
    $("#result").classList.remove("on");
  }
  document.body.dataset.ready = String(mySeq);
}
document.querySelectorAll("form").forEach((f) => f.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const q = new URLSearchParams();
  for (const [k, v] of new FormData(f)) if (String(v).trim() !== "") q.set(k, String(v).trim());
  const h = "#" + f.dataset.v + "?" + q.toString();
  if (location.hash === h) route(); else location.hash = h;
}));
window.addEventListener("hashchange", route);

// Actor suggestions: their own request, never touching the status line.
let timer = 0;
document.querySelectorAll("input[list=actors]").forEach((i) => i.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(async () => {
    if (i.value.length < 2) return;
    try {
      const r = await api("/api/actors", { q: i.value, limit: 15 });
      const dl = $("#actors"); dl.replaceChildren();
      r.actors.forEach((a) => { const o = el("option"); o.value = a.key; o.label = (a.name || a.key) + " · " + className(a.actor_class) + (a.region ? " · " + a.region : ""); dl.appendChild(o); });
    } catch (e) { /* suggestions are optional */ }
  }, 200);
}));

(async () => {
  try { meta = await api("/api/meta"); } catch (e) { /* keep the defaults */ }
  $("#privacy").textContent = meta.pseudonymised
    ? "Les comptes qui ne sont pas des acteurs publics apparaissent sous pseudonyme (anon-…), leurs messages sans lien vers l'original."
    : "Pseudonymisation désactivée par l'opérateur (--no-pseudonymise) : les comptes apparaissent sous leur vrai nom.";
  api("/api/stats").then((s) => {
    const layers = Object.entries(s.flows_by_layer || {}).filter(([, n]) => n > 0).map(([k, n]) => (LAYER_FR[k] || k) + " " + nf.format(n)).join(", ");
    $("#summary").textContent = nf.format(s.items) + " éléments, " + nf.format(s.actors) + " acteurs, du " + (s.first || "?") + " au " + (s.last || "?") + ". Flux : " + (layers || "aucun") + ".";
  }).catch((e) => { $("#summary").textContent = "Statistiques indisponibles : " + e.message; });
  route();
})();
