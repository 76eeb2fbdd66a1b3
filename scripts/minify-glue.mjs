#!/usr/bin/env node
// Minifies the scripts of one Trunk build in place with esbuild: the
// wasm-bindgen glue (Trunk's own minifier cannot parse it and ships it as
// written), whose new integrity hash it writes into the build's index.html,
// and the site's own scripts, which Trunk copies as they are. Run by
// scripts/build-site on each bundle before `sdp site` merges them; the same
// input gives the same bytes, so the bundles' shared files stay equal.
//   node scripts/minify-glue.mjs target/site/<kind>
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { transformSync } = require("../.tools/node_modules/esbuild");

const dir = process.argv[2];
if (!dir) throw new Error("usage: node scripts/minify-glue.mjs <bundle dir>");
const htmlPath = join(dir, "index.html");
let html = readFileSync(htmlPath, "utf8");
// The glue: the module the page preloads, as Trunk names it.
// Its <link rel=modulepreload>, attributes in any order, quoted or not.
const tag = [...html.matchAll(/<link\b[^>]*>/g)]
  .map((m) => [m[0], m[0].match(/href=["']?\/?(playground-[0-9a-f]+\.js)["' >]/)])
  .find(([t, href]) => href && /rel=["']?modulepreload\b/.test(t));
if (!tag) throw new Error(`${htmlPath}: no modulepreload of the glue`);
const glue = tag[1][1];
const source = readFileSync(join(dir, glue), "utf8");
const { code } = transformSync(source, { minify: true, format: "esm", target: "es2020", legalComments: "none" });
writeFileSync(join(dir, glue), code);
const integrity = `sha384-${createHash("sha384").update(code).digest("base64")}`;
const newTag = tag[0].replace(/integrity=("?)sha384-[A-Za-z0-9+/=]+\1/, `integrity=${integrity}`);
if (newTag === tag[0] && /integrity=/.test(tag[0])) throw new Error(`${htmlPath}: cannot rewrite the glue's integrity`);
html = html.replace(tag[0], newTag);
writeFileSync(htmlPath, html);
const sizes = [`${glue} ${source.length} → ${code.length}`];
// The site's scripts (classic scripts, not modules: their globals keep their names).
for (const script of ["site.js", "presenter.js", "export.js", "embed.js", "embed-host.js"]) {
  const path = join(dir, script);
  const text = readFileSync(path, "utf8");
  const min = transformSync(text, { minify: true, target: "es2020", legalComments: "none" }).code;
  writeFileSync(path, min);
  sizes.push(`${script} ${text.length} → ${min.length}`);
}
console.log(`minified (bytes): ${sizes.join(", ")}`);
