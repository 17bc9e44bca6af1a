// Browser tests of `relais serve`'s page: Debian's chromium driven by playwright-core (from
// web/package-lock.json; never Playwright's own browser download).
//
// A synthetic world (synth --seed 2 --scale small) plus hostile data (actor names, post and article
// texts holding <script>, <img onerror>, "><svg onload>) is ingested; the server runs with and without
// --no-pseudonymise. Each shareable link is opened at 1366×768 and at a phone width; the test waits
// for the graph and the evidence, checks their counts against the API, clicks a graph node, and
// checks that no console error happened and that no hostile markup was inserted or ran.
//
//   RELAIS_BIN=build/toolkit/relais node tests/web/page_test.mjs
// Exit 77 (ctest: skipped) with a message when Chromium is not installed.
import { spawn, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const bin = process.env.RELAIS_BIN || path.join(root, "build", "toolkit", "relais");
const chromiumPath = process.env.RELAIS_CHROMIUM || ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));
if (!chromiumPath || !fs.existsSync(chromiumPath)) {
  console.log("SKIP: Chromium is not installed (apt-get install chromium; scripts/install-deps.sh does it): the page's browser tests did not run");
  process.exit(77);
}
const require = createRequire(path.join(root, "web", "package.json"));
const { chromium } = require("playwright-core");

let failures = 0;
// Polls fn(arg) in the page until truthy (waitForFunction evaluates strings, which the page's CSP forbids).
async function poll(page, fn, arg, timeout = 20000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(fn, arg);
    if (v || Date.now() > end) return v;
    await page.waitForTimeout(100);
  }
}
function check(cond, what) {
  if (cond) return;
  failures++;
  console.error("FAIL: " + what);
}

// ---------- the world ----------
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "relais-page-"));
const world = path.join(tmp, "world");
execFileSync(bin, ["synth", "--out", world, "--seed", "2", "--scale", "small"], { stdio: "ignore" });
const PAYLOADS = [
  '<script>window.__pwned="script"</script>',
  '<img src=x onerror="window.__pwned=\'img\'">',
  '"><svg onload="window.__pwned=\'svg\'">',
];
const hostileText = "Énergie hostile " + PAYLOADS.join(" ") + " fin";
const csvQuote = (s) => '"' + s.replace(/"/g, '""') + '"';
fs.appendFileSync(path.join(world, "actors.csv"),
  "@hostile_pol,handle,politician,," + csvQuote("Élu " + PAYLOADS[1] + PAYLOADS[2]) + "\n" +
  "hostile.example.fr,domain,press-regional,Bretagne," + csvQuote(PAYLOADS[0] + " Gazette") + "\n");
const hostileDir = path.join(world, "data", "hostile");
fs.mkdirSync(hostileDir, { recursive: true });
const articleUrl = "https://hostile.example.fr/a/1";
fs.writeFileSync(path.join(hostileDir, "articles.jsonl"), JSON.stringify({
  url: articleUrl, published: "2021-01-08T20:00:00Z", title: PAYLOADS[0] + " Énergie hostile", text: hostileText, outlet: PAYLOADS[0] + " Gazette",
}) + "\n");
const t0 = Date.parse("2021-01-08T21:00:00Z");
const twDate = (ms) => new Date(ms).toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, "$1 $3 $2 $5 +0000 $4");
const user = (id, screen, name) => ({ id, id_str: String(id), screen_name: screen, name });
const original = {
  created_at: twDate(t0), id_str: "900000000000000001", full_text: hostileText + " " + articleUrl,
  entities: { hashtags: [], user_mentions: [], urls: [{ url: "https://t.co/x1", expanded_url: articleUrl }] },
  user: user(990001, "hostile_pol", "Élu " + PAYLOADS[1] + PAYLOADS[2]), lang: "fr",
};
const lines = [original];
for (let i = 0; i < 4; i++) {
  const u = user(990100 + i, "evil_" + i, PAYLOADS[i % 3] + " compte " + i);
  lines.push({
    created_at: twDate(t0 + (i + 1) * 600000), id_str: String(900000000000000100n + BigInt(i)),
    full_text: "RT @hostile_pol: " + hostileText, entities: { hashtags: [], user_mentions: [{ screen_name: "hostile_pol" }], urls: [] },
    user: u, retweeted_status: original, lang: "fr",
  });
  lines.push({
    created_at: twDate(t0 + (i + 1) * 700000), id_str: String(900000000000000200n + BigInt(i)),
    full_text: PAYLOADS[(i + 1) % 3] + " lu ici " + articleUrl,
    entities: { hashtags: [], user_mentions: [], urls: [{ url: "https://t.co/x2", expanded_url: articleUrl }] }, user: u, lang: "fr",
  });
}
fs.writeFileSync(path.join(hostileDir, "tweets.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
const store = path.join(tmp, "store");
execFileSync(bin, ["ingest", "--store", store, "--actors", path.join(world, "actors.csv"), path.join(world, "data")], { stdio: "ignore" });

// ---------- servers ----------
function serve(extra) {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, ["serve", "--store", store, "--port", "0", ...extra], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => {
      err += d;
      const m = err.match(/http:\/\/[\d.]+:(\d+)/);
      if (m) resolve({ proc: p, base: "http://127.0.0.1:" + m[1] });
    });
    p.on("exit", (code) => reject(new Error("relais serve exited " + code + ": " + err)));
  });
}
const getJson = async (base, p) => (await fetch(base + p)).json();

async function runMode(browser, pseudonymised) {
  const { proc, base } = await serve(pseudonymised ? [] : ["--no-pseudonymise"]);
  const mode = pseudonymised ? "pseudonymised" : "--no-pseudonymise";
  try {
    const amp = await getJson(base, "/api/amplifiers?of=%40varmatin&top=20");
    const hop = amp.results[0].key;
    const links = [
      { hash: "#amplifiers?of=@varmatin", api: "/api/amplifiers?of=%40varmatin&top=20" },
      { hash: "#amplifiers?of=@hostile_pol", api: "/api/amplifiers?of=%40hostile_pol&top=20" },
      { hash: "#first-sharers?url=" + encodeURIComponent(articleUrl), api: "/api/first-sharers?url=" + encodeURIComponent(articleUrl) },
      { hash: "#path?from=@varmatin&to=" + encodeURIComponent(hop), api: "/api/path?from=%40varmatin&to=" + encodeURIComponent(hop) },
      { hash: "#flows?by=class&at=2021-01-08T23:21Z&before=30d&after=30d", api: "/api/flows?by=class&at=2021-01-08T23:21Z&before=30d&after=30d" },
      { hash: "#flows?by=region&at=2021-01-08T23:21Z&before=30d&after=30d", api: "/api/flows?by=region&at=2021-01-08T23:21Z&before=30d&after=30d" },
      { hash: "#rank?metric=pagerank", api: "/api/rank?metric=pagerank" },
      { hash: "#search?q=" + encodeURIComponent("énergie hostile"), api: "/api/search?q=" + encodeURIComponent("énergie hostile") + "&limit=50" },
    ];
    for (const viewport of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) {
      const ctx = await browser.newContext({ viewport });
      for (const link of links) {
        const what = mode + " " + viewport.width + "px " + link.hash;
        const page = await ctx.newPage();
        const errors = [];
        page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
        page.on("pageerror", (e) => errors.push(String(e)));
        await page.goto(base + "/" + link.hash);
        await page.waitForSelector("body[data-ready]", { timeout: 60000 });
        const status = await page.textContent("#status");
        check(!(await page.$("#status.err")), what + ": error shown: " + status);
        const api = await getJson(base, link.api);
        const nodes = Number(await page.getAttribute("#graph", "data-nodes"));
        const edges = Number(await page.getAttribute("#graph", "data-edges"));
        const evidence = await page.$$eval(".evidence", (e) => e.length);
        check(nodes > 0, what + ": the graph has no node");
        const view = link.hash.slice(1).split("?")[0];
        if (view === "amplifiers") {
          check(nodes === 1 + api.results.length, what + `: ${nodes} nodes, API ${1 + api.results.length}`);
          check(edges === api.results.length, what + `: ${edges} edges, API ${api.results.length}`);
          const ex = api.results.reduce((n, r) => n + r.examples.length, 0);
          check(evidence === ex, what + `: ${evidence} evidence elements, API ${ex} examples`);
        } else if (view === "first-sharers") {
          check(evidence === api.results.length && evidence > 0, what + `: ${evidence} evidence elements, API ${api.results.length}`);
          const actors = new Set(api.results.filter((r) => r.actor).map((r) => r.actor.key));
          check(nodes === 1 + actors.size, what + `: ${nodes} nodes, API ${1 + actors.size}`);
        } else if (view === "path") {
          const ex = api.hops.reduce((n, h) => n + h.evidence.length, 0);
          check(evidence === ex && ex > 0, what + `: ${evidence} evidence elements, API ${ex}`);
          check(nodes === api.hops.length + 1, what + `: ${nodes} nodes, API ${api.hops.length + 1}`);
        } else if (view === "flows") {
          const last = api.windows[api.windows.length - 1];
          // By région: two maps (source, relay), every metropolitan département drawn; hidden otherwise.
          const maps = await page.$$eval("#map:not([hidden]) svg.region-map", (m) => m.map((x) => x.querySelectorAll("path.dep").length));
          if (link.hash.includes("by=region")) check(maps.length === 2 && maps.every((n) => n === 96), what + `: région maps ${JSON.stringify(maps)}`);
          else check(maps.length === 0, what + ": région maps shown for a matrix not by région");
          const groups = new Set(last.cells.flatMap((c) => [c.source, c.target]));
          check(nodes === groups.size, what + `: ${nodes} nodes, API ${groups.size} groups`);
          const cells = await page.$$eval("table.heat td.num", (t) => t.length);
          check(cells === groups.size * groups.size, what + `: heatmap ${cells} cells, expected ${groups.size}²`);
          // Item-level evidence: at first the flows of the cell that changed most, in each window.
          const cellEvidence = async (source, target) => {
            let n = 0;
            for (const w of api.windows) {
              const by = new URLSearchParams(link.hash.split("?")[1]).get("by") || "class";
              const q = new URLSearchParams({ by, source, target, from: w.from, to: w.to, limit: "25" });
              n += (await getJson(base, "/api/flow-evidence?" + q)).evidence.length;
            }
            return n;
          };
          const top = [...api.difference].sort((a, b) => Math.abs(b.count_after - b.count_before) - Math.abs(a.count_after - a.count_before))[0];
          const want = await cellEvidence(top.source, top.target);
          check(evidence === want && want > 0, what + `: ${evidence} evidence elements for the largest change, API ${want}`);
          // A click on another heatmap cell shows that cell's flows.
          const other = [...api.difference].sort((a, b) => b.count_after - a.count_after).find((d) => d.source !== top.source || d.target !== top.target);
          const clicked = await page.evaluate((k) => {
            const td = [...document.querySelectorAll("table.heat td.cell")].find((t) => t.dataset.cell === k);
            if (td) td.click();
            return !!td;
          }, other.source + "\u0000" + other.target);
          check(clicked, what + `: no heatmap cell ${other.source} → ${other.target} to click`);
          await poll(page, (k) => document.querySelector("td.cell.sel") && document.querySelector("td.cell.sel").dataset.cell === k, other.source + "\u0000" + other.target);
          const want2 = await cellEvidence(other.source, other.target);
          const got2 = await page.$$eval(".evidence", (e) => e.length);
          check(got2 === want2 && want2 > 0, what + `: clicked cell ${other.source} → ${other.target}: ${got2} evidence elements, API ${want2}`);
        } else if (view === "rank") {
          check(nodes === api.results.length, what + `: ${nodes} nodes, API ${api.results.length}`);
          check(edges === api.edges.filter((e) => e.source !== e.target).length, what + `: ${edges} edges, API ${api.edges.length}`);
          check(evidence > 0, what + ": no evidence for the first-ranked actor");
        } else if (view === "search") {
          check(evidence === api.results.length && evidence > 0, what + `: ${evidence} evidence elements, API ${api.results.length}`);
        }
        // Evidence links: only for public actors in default mode.
        if (pseudonymised) {
          const anonLinks = await page.$$eval(".evidence", (els) => els.filter((e) => e.dataset.actor.startsWith("anon-") && e.querySelector("a[target=_blank]")).length);
          check(anonLinks === 0, what + `: ${anonLinks} pseudonymised evidence elements link to an original`);
        }
        // Click a graph node where sigma draws it; its evidence is selected.
        const target = await page.evaluate(() => {
          const g = window.__relaisGraph;
          const r = window.__relaisRenderer;
          if (!g || !r) return null;
          let best = null;
          g.forEachNode((k, a) => { if (!best || a.size > best.size) best = { key: k, size: a.size }; });
          if (!best) return null;
          const d = r.getNodeDisplayData(best.key);
          const v = r.framedGraphToViewport(d);
          return { key: best.key, x: v.x, y: v.y };
        });
        if (target) {
          await page.locator("#graph").scrollIntoViewIfNeeded();
          const box = await page.locator("#graph").boundingBox();
          // Hovering names the node and says how much evidence it has; clicking shows that evidence.
          await page.mouse.move(box.x + target.x, box.y + target.y);
          await page.waitForTimeout(200);
          const hover = await page.textContent("#node-hover");
          check(hover.includes("preuve"), what + `: hovering node ${target.key} shows "${hover}"`);
          await page.mouse.click(box.x + target.x, box.y + target.y);
          await page.waitForTimeout(300);
          const selected = await page.getAttribute("#node-info", "data-selected");
          check(selected === target.key, what + `: clicking node ${target.key} selected ${selected}`);
          const shown = await poll(page, () => document.querySelectorAll("#evidence .evidence:not(.dim)").length);
          check(shown > 0, what + `: clicking node ${target.key} shows no evidence`);
          // Every evidence element shown belongs to the node (its author, its source, or the group's flows).
          if (view !== "flows") {
            const foreign = await page.$$eval("#evidence .evidence:not(.dim)", (els, k) => els.filter((e) => e.dataset.actor !== k && e.dataset.source !== k).length, target.key);
            check(foreign === 0, what + `: ${foreign} evidence elements shown for node ${target.key} are not its own`);
          }
        } else {
          check(false, what + ": no node to click");
        }
        // Hostile data never runs and is never inserted as markup.
        const dom = await page.evaluate(() => ({
          pwned: window.__pwned,
          scripts: document.scripts.length,
          imgs: document.querySelectorAll("img").length,
          svgOnload: document.querySelectorAll("svg[onload]").length,
          text: document.body.innerText,
        }));
        check(dom.pwned === undefined, what + ": hostile markup ran: " + dom.pwned);
        check(dom.scripts === 1 && dom.imgs === 0 && dom.svgOnload === 0, what + `: hostile markup inserted (${JSON.stringify({ s: dom.scripts, i: dom.imgs, v: dom.svgOnload })})`);
        if (link.hash.includes("hostile") || view === "first-sharers")
          check(dom.text.includes("onerror") || dom.text.includes("<script>"), what + ": the hostile text is not shown as text");
        // Fits the width (no horizontal scrolling of the page).
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        check(overflow <= 1, what + `: the page is ${overflow}px wider than the window`);
        check(errors.length === 0, what + ": console errors: " + errors.join(" | "));
        await page.close();
      }
      await ctx.close();
    }
    if (pseudonymised) await defects(browser, base);
    // The notice says what the server does.
    const page = await browser.newPage();
    await page.goto(base + "/");
    await page.waitForFunction(() => document.querySelector("#privacy").textContent.length > 0);
    const notice = await page.textContent("#privacy");
    check(pseudonymised ? notice.includes("pseudonyme") : notice.includes("désactivée"), mode + ": privacy notice reads " + notice);
    await page.close();
  } finally {
    proc.kill("SIGTERM");
  }
}

// The defects the issue saw on the page, one by one.
async function defects(browser, base) {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  const open = async (hash) => {
    await page.goto("about:blank");  // a fresh load, not a same-document hash change
    await page.goto(base + "/" + hash);
    await page.waitForSelector("body[data-ready]", { timeout: 60000 });
  };
  // Flows with before/after but no event date: refused with a message, no single window shown.
  await open("#flows?by=class&before=30d&after=30d");
  check((await page.textContent("#status.err").catch(() => "")).includes("date"), "defects: flows before/after without a date is not refused");
  check(!(await page.isVisible("#result")), "defects: flows before/after without a date still shows a result");
  // An error stays on the status line while actor suggestions are fetched.
  await open("#amplifiers?of=personne-ici.example");
  const err = await page.textContent("#status");
  check(err.length > 0 && (await page.$("#status.err")), "defects: an unknown actor shows no error");
  await page.fill("#f-amplifiers input[name=of]", "nice matin");
  await poll(page, () => document.querySelectorAll("#actors option").length > 0, null, 10000);
  await page.waitForTimeout(400);
  check((await page.textContent("#status")) === err, "defects: the status line was changed by the actor suggestions");
  // Suggestions fold case, diacritics, punctuation and spaces ("nice matin" finds nicematin.com).
  const options = await page.$$eval("#actors option", (o) => o.map((x) => x.value + " " + x.label));
  check(options.some((o) => /nice-?matin/i.test(o)), "defects: \"nice matin\" suggests " + JSON.stringify(options.slice(0, 5)));
  // Rank by class is weighted by default, and the page's control can turn it off.
  await open("#rank?metric=pagerank&by=class");
  check((await page.textContent("#table .hint")).includes("pondérée par"), "defects: rank by class is not weighted by default");
  const byClass = await page.$$eval("#table td.num", (t) => t.map((x) => x.textContent));
  check(new Set(byClass).size > 2, "defects: rank by class scores alike: " + byClass.join(" "));
  await open("#rank?metric=pagerank&by=class&weighted=0");
  check((await page.textContent("#table .hint")).includes("non pondérée"), "defects: weighted=0 is not applied");
  check((await page.inputValue("#f-rank select[name=weighted]")) === "0", "defects: the weighted control is not restored from the link");
  // Durations read as durations, numbers in French format, French column labels with the actor first.
  await open("#amplifiers?of=@varmatin");
  const heads = await page.$$eval("#table th", (t) => t.map((x) => x.textContent));
  check(heads[0] === "acteur" && heads.includes("délai médian"), "defects: columns " + heads.join(", "));
  const col = heads.indexOf("délai médian");
  const delays = await page.$$eval("#table tr", (rows, c) => rows.slice(1).map((r) => r.children[c].textContent), col);
  const duration = /^(—|−?\d+ s|−?\d+ min|−?\d+ h( \d+ min)?|−?\d+(,\d)? j)$/;
  check(delays.length > 0 && delays.every((d) => duration.test(d)), "defects: delays " + JSON.stringify(delays.slice(0, 5)));
  const summary = await page.textContent("#summary");
  check(/\d\u202f\d{3} éléments/.test(summary), "defects: the summary's numbers are not in French format: " + summary);
  check(errors.length === 0, "defects: page errors: " + errors.join(" | "));
  await page.close();
}

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ["--no-sandbox", "--enable-unsafe-swiftshader", "--use-angle=swiftshader", "--ignore-gpu-blocklist"],
});
try {
  await runMode(browser, true);
  await runMode(browser, false);
} finally {
  await browser.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
if (failures) {
  console.error(failures + " check(s) failed");
  process.exit(1);
}
console.log("page browser tests: all checks passed");
