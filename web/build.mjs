// Bundles the page's script (web/src/app.js with sigma, graphology and ForceAtlas2 from node_modules)
// into one file, offline: called by CMake at build time (no network; `npm ci` ran in install-deps.sh).
//   node web/build.mjs OUT.js
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const out = process.argv[2];
if (!out) {
  console.error("usage: node web/build.mjs OUT.js");
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
await esbuild.build({
  entryPoints: [path.join(here, "src", "app.js")],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "eof",
  logLevel: "warning",
  outfile: out,
});
