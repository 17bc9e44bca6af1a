// The web page of `relais serve`: an HTML file, its script and its style sheet, served as three files
// so that the Content-Security-Policy needs no 'unsafe-inline' (no external resources). Data is inserted
// with textContent only, never as HTML, so tweet or article text cannot inject markup.
#include "relais/toolkit/server.hpp"

namespace relais::toolkit {

std::string_view WebPage() {
  static constexpr std::string_view kPage = R"html(<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'">
<title>relais — qui relaie qui</title>
<link rel="stylesheet" href="/app.css">
</head>
<body>
<header><h1>relais</h1><p>Qui relaie qui : presse régionale, presse nationale, PR, politiques et comptes — avant et après un événement.</p></header>
<main>
<div id="summary">…</div>
<nav>
 <button data-f="amp" class="on">Qui relaie…</button>
 <button data-f="first">Premiers à partager un lien</button>
 <button data-f="path">Chaîne de A à B</button>
 <button data-f="flows">Flux avant / après</button>
 <button data-f="rank">Les plus influents</button>
</nav>
<datalist id="actors"></datalist>
<form id="amp" class="on" data-api="/api/amplifiers">
 <label>Acteur <input type="text" name="of" list="actors" placeholder="varmatin.com, @afpfr…" required></label>
 <label>Couches <input type="text" name="layers" placeholder="retweet,link,reuse (toutes par défaut)"></label>
 <label>Top <input type="number" name="top" value="20" min="1" max="1000"></label>
 <button class="go">Chercher</button>
 <p class="hint">Les comptes qui ne sont pas des acteurs publics apparaissent sous pseudonyme (anon-…).</p>
</form>
<form id="first" data-api="/api/first-sharers">
 <label>URL <input type="text" name="url" placeholder="https://www.varmatin.com/…" required></label>
 <label>Top <input type="number" name="top" value="20" min="1" max="1000"></label>
 <button class="go">Chercher</button>
</form>
<form id="path" data-api="/api/path">
 <label>De <input type="text" name="from" list="actors" required></label>
 <label>à <input type="text" name="to" list="actors" required></label>
 <label>Couches <input type="text" name="layers"></label>
 <button class="go">Chercher</button>
 <p class="hint">La chaîne la plus forte : chaque étape maximise la part des flux sortants, avec ses éléments de preuve.</p>
</form>
<form id="flows" data-api="/api/flows">
 <label>Par <select name="by"><option>class</option><option>region</option><option>actor</option></select></label>
 <label>Événement (UTC) <input type="text" name="at" placeholder="2021-01-08T23:21Z"></label>
 <label>Avant <input type="text" name="before" value="30d" size="5"></label>
 <label>Après <input type="text" name="after" value="30d" size="5"></label>
 <label>Couches <input type="text" name="layers"></label>
 <button class="go">Calculer</button>
</form>
<form id="rank" data-api="/api/rank">
 <label>Mesure <select name="metric"><option>pagerank</option><option>hits</option><option>degree</option><option>kcore</option><option>betweenness</option></select></label>
 <label>Par <select name="by"><option>actor</option><option>class</option><option>region</option></select></label>
 <label>Couches <input type="text" name="layers"></label>
 <label>Du <input type="text" name="from" placeholder="2021-01-01"></label>
 <label>au <input type="text" name="to"></label>
 <label>Top <input type="number" name="top" value="20" min="1" max="1000"></label>
 <button class="go">Classer</button>
</form>
<div id="status"></div>
<div id="out"></div>
</main>
<script src="/app.js"></script>
</body>
</html>
)html";
  return kPage;
}

std::string_view WebScript() {
  static constexpr std::string_view kScript = R"js("use strict";
const $ = (s) => document.querySelector(s);
function el(tag, text, cls) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; }
function cell(v) {
  if (v === null || v === undefined) return el("td", "");
  if (typeof v === "number") return el("td", Number.isInteger(v) ? v.toLocaleString("fr-FR") : v.toPrecision(4), "num");
  if (typeof v !== "object") return el("td", String(v));
  const td = el("td"); td.appendChild(render(v)); return td;
}
function render(v, title) {
  const box = document.createDocumentFragment();
  if (title) box.appendChild(el("h3", title));
  if (Array.isArray(v)) {
    if (v.length === 0) { box.appendChild(el("p", "(rien)")); return box; }
    if (v.every((x) => x && typeof x === "object" && !Array.isArray(x))) {
      const cols = []; v.forEach((x) => Object.keys(x).forEach((k) => { if (!cols.includes(k)) cols.push(k); }));
      const t = el("table"), hr = el("tr"); cols.forEach((c) => hr.appendChild(el("th", c))); t.appendChild(hr);
      v.forEach((x) => { const tr = el("tr"); cols.forEach((c) => tr.appendChild(cell(x[c]))); t.appendChild(tr); });
      box.appendChild(t); return box;
    }
    box.appendChild(el("span", v.map((x) => typeof x === "object" ? JSON.stringify(x) : String(x)).join(", ")));
    return box;
  }
  if (v && typeof v === "object") {
    const t = el("table");
    for (const [k, x] of Object.entries(v)) { const tr = el("tr"); tr.appendChild(el("th", k)); tr.appendChild(cell(x)); t.appendChild(tr); }
    box.appendChild(t); return box;
  }
  box.appendChild(el("span", String(v))); return box;
}
async function ask(api, params) {
  const q = new URLSearchParams();
  for (const [k, v] of params) if (String(v).trim() !== "") q.set(k, String(v).trim());
  $("#status").className = ""; $("#status").textContent = "…";
  const res = await fetch(api + "?" + q.toString());
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || res.statusText);
  return body;
}
document.querySelectorAll("nav button").forEach((b) => b.addEventListener("click", () => {
  document.querySelectorAll("nav button").forEach((x) => x.classList.toggle("on", x === b));
  document.querySelectorAll("form").forEach((f) => f.classList.toggle("on", f.id === b.dataset.f));
}));
document.querySelectorAll("form").forEach((f) => f.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const out = $("#out"); out.replaceChildren();
  const t0 = performance.now();
  try {
    const params = [...new FormData(f)];
    // before/after only mean something around an event date
    const at = params.find(([k]) => k === "at");
    const sent = at && String(at[1]).trim() === "" ? params.filter(([k]) => k !== "before" && k !== "after") : params;
    const body = await ask(f.dataset.api, sent);
    $("#status").textContent = "réponse en " + Math.round(performance.now() - t0) + " ms";
    for (const [k, v] of Object.entries(body)) out.appendChild(render(v, k));
  } catch (e) { $("#status").className = "err"; $("#status").textContent = e.message; }
}));
let timer = 0;
document.querySelectorAll("input[list=actors]").forEach((i) => i.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(async () => {
    if (i.value.length < 2) return;
    try {
      const res = await fetch("/api/actors?" + new URLSearchParams([["q", i.value], ["limit", "15"]]).toString());
      if (!res.ok) return;
      const r = await res.json();
      const dl = $("#actors"); dl.replaceChildren();
      r.actors.forEach((a) => { const o = el("option"); o.value = a.key; o.label = a.name + " · " + a.actor_class + (a.region ? " · " + a.region : ""); dl.appendChild(o); });
    } catch (e) { /* suggestions are optional */ }
  }, 200);
}));
ask("/api/stats", []).then((s) => {
  const fmt = (n) => Number(n).toLocaleString("fr-FR");
  const layers = Object.entries(s.flows_by_layer || {}).filter(([, n]) => n > 0).map(([k, n]) => k + " " + fmt(n)).join(", ");
  $("#summary").textContent = fmt(s.items) + " éléments, " + fmt(s.actors) + " acteurs, du " + (s.first || "?") + " au " + (s.last || "?") + ". Flux : " + (layers || "aucun") + ".";
  $("#status").textContent = "";
}).catch((e) => { $("#summary").textContent = "Statistiques indisponibles : " + e.message; });
)js";
  return kScript;
}

std::string_view WebStyle() {
  static constexpr std::string_view kStyle =
      R"css( body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
 header{background:#1d3557;color:#fff;padding:14px 24px}
 header h1{margin:0;font-size:20px} header p{margin:4px 0 0;font-size:13px;opacity:.85}
 main{max-width:1100px;margin:0 auto;padding:16px 24px}
 nav button{border:1px solid #c9ced8;background:#fff;padding:7px 12px;margin:0 6px 6px 0;border-radius:6px;cursor:pointer}
 nav button.on{background:#1d3557;color:#fff;border-color:#1d3557}
 form{background:#fff;border:1px solid #dfe3ea;border-radius:8px;padding:12px;margin:8px 0;display:none}
 form.on{display:block}
 label{display:inline-block;margin:4px 12px 4px 0;font-size:14px}
 input,select{padding:5px 7px;border:1px solid #c9ced8;border-radius:4px;font-size:14px}
 input[type=text]{min-width:240px}
 button.go{background:#e63946;color:#fff;border:0;padding:7px 14px;border-radius:6px;cursor:pointer}
 .hint{font-size:12px;color:#5b6475;margin:6px 0 0}
 #status{font-size:13px;color:#5b6475;margin:8px 0}
 #status.err{color:#b00020;font-weight:600}
 table{border-collapse:collapse;background:#fff;margin:6px 0 14px;font-size:13px}
 th,td{border:1px solid #dfe3ea;padding:4px 8px;text-align:left;vertical-align:top;max-width:480px;overflow-wrap:anywhere}
 th{background:#eef1f6} td.num{text-align:right;font-variant-numeric:tabular-nums}
 h3{font-size:15px;margin:14px 0 4px}
 #summary{font-size:13px;color:#333}
)css";
  return kStyle;
}

}  // namespace relais::toolkit
