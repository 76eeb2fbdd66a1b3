#!/usr/bin/env node
// Size report of a release build: every file in dist/ raw, gzip and brotli,
// then what a reader downloads for each first page. Every page has its own
// HTML file loading the one bundle its widget needs (scripts/build-site): the
// page, its JS glue and wasm, the stylesheet, the icon and the small scripts.
// An article's prose is in its page's HTML (written at build time). An
// embedded widget costs its embed page, and its host page adds embed-host.js;
// a widget placed by sd-widget.js costs the loader and its family's bundle.
// The service worker (sw.js) caches the rest after the page has loaded. With
// --budget-brotli-kb N it fails when any page exceeds N KiB, and with
// --static-budget-brotli-kb M when a page that loads no wasm (home, not
// found) exceeds M KiB. --kind-budget-brotli-kb kind=K gives the pages that
// load one family's bundle (its widget page, its embed, the articles that
// show it) a budget of their own instead of N. It also fails when a bundle
// links the standard library's float printer (about 11 KB before
// compression), which one `{}` of an f64 anywhere in a bundle's code brings
// in: print decimals with `num::decimal` or `chart::r` instead.
//   node scripts/size-report.mjs dist [--budget-brotli-kb 150] [--static-budget-brotli-kb 20]
//     [--kind-budget-brotli-kb pipeline=198]
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const dir = process.argv[2] ?? "dist";
const budgetArg = process.argv.indexOf("--budget-brotli-kb");
const budget = budgetArg > 0 ? Number(process.argv[budgetArg + 1]) : null;
const staticArg = process.argv.indexOf("--static-budget-brotli-kb");
const staticBudget = staticArg > 0 ? Number(process.argv[staticArg + 1]) : null;
const kindBudgets = new Map(
  process.argv.flatMap((a, i) => (a === "--kind-budget-brotli-kb" ? [process.argv[i + 1].split("=")] : [])).map(([k, v]) => [k, Number(v)]),
);

const walk = (sub) =>
  readdirSync(join(dir, sub)).flatMap((f) => {
    const rel = sub ? `${sub}/${f}` : f;
    return statSync(join(dir, rel)).isDirectory() ? walk(rel) : [rel];
  });
const files = walk("").sort();
const kib = (n) => (n / 1024).toFixed(1).padStart(8);
const sizes = new Map();
for (const f of files) {
  const data = readFileSync(join(dir, f));
  const gz = gzipSync(data, { level: 9 }).length;
  const br = brotliCompressSync(data, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  }).length;
  sizes.set(f, [data.length, gz, br]);
}
const line = (label, [raw, gz, br]) => console.log(`${label.padEnd(48)} ${kib(raw)} ${kib(gz)} ${kib(br)}`);
const sum = (names) =>
  names.reduce((t, f) => t.map((v, i) => v + sizes.get(f)[i]), [0, 0, 0]);

console.log(`${"file".padEnd(48)} ${"raw KiB".padStart(8)} ${"gzip".padStart(8)} ${"brotli".padStart(8)}`);
for (const f of files) line(f, sizes.get(f));

// A page: its HTML and the files of the build its href and src attributes name.
const pageFiles = (html) => {
  const text = readFileSync(join(dir, html), "utf8");
  const refs = [...text.matchAll(/(?:href|src)=["']?\/?([^"' >]+)/g)].map((m) => m[1]).filter((f) => files.includes(f));
  return [html, ...new Set(refs)];
};
const pages = files.filter((f) => f.endsWith("index.html") || f === "404.html");
const host = files.includes("embed-host.js") ? ["embed-host.js"] : [];
// The wasm each family's own page loads, to tell which pages load that family's bundle.
const kindOfWasm = new Map();
for (const kind of kindBudgets.keys()) {
  const page = `widgets/${kind}/index.html`;
  const wasm = files.includes(page) ? pageFiles(page).find((f) => f.endsWith(".wasm")) : undefined;
  if (!wasm) {
    console.error(`--kind-budget-brotli-kb: no page ${page} loading a bundle`);
    process.exit(1);
  }
  kindOfWasm.set(wasm, kind);
}
let worst = 0;
let worstStatic = 0;
const worstKind = new Map();
console.log("\nfirst page (HTML and what it loads)");
for (const page of pages) {
  const path = "/" + page.replace(/index\.html$/, "");
  let parts = pageFiles(page);
  const slug = path.match(/^\/articles\/([^/]+)\/$/)?.[1];
  if (slug && files.includes(`content/${slug}.html`)) parts = [...parts, `content/${slug}.html`];
  const total = sum(parts);
  const kind = kindOfWasm.get(parts.find((f) => f.endsWith(".wasm")));
  if (kind) worstKind.set(kind, Math.max(worstKind.get(kind) ?? 0, total[2]));
  else worst = Math.max(worst, total[2]);
  if (!parts.some((f) => f.endsWith(".wasm"))) worstStatic = Math.max(worstStatic, total[2]);
  line(path === "/404.html" ? "404.html" : path, total);
  if (path.startsWith("/embed/") && host.length) line(`  host page showing ${path}`, sum([...parts, ...host]));
}
// A host page placing one <sd-widget>: the loader, the bundle of its family,
// the stylesheet and the presenter and download scripts the loader adds.
if (files.includes("sd-widget.js")) {
  const loader = readFileSync(join(dir, "sd-widget.js"), "utf8");
  const style = loader.match(/var STYLE = "([^"]+)"/)?.[1];
  console.log("\nhost page with one <sd-widget> (loader, bundle, stylesheet, presenter and download scripts)");
  for (const m of loader.matchAll(/"([a-z-]+)": \{ "js": "([^"]+)", "wasm": "([^"]+)" \}/g)) {
    const parts = ["sd-widget.js", m[2], m[3], style, "presenter.js", "export.js"].filter((f) => files.includes(f));
    line(`  <sd-widget kind="${m[1]}">`, sum(parts));
  }
}
let failed = false;
if (budget !== null) {
  const over = worst / 1024 > budget;
  const others = kindBudgets.size ? ` not loading ${[...kindBudgets.keys()].join(", ")}` : "";
  console.log(`budget: ${budget} KiB brotli for any first page${others}; largest ${(worst / 1024).toFixed(1)} KiB — ${over ? "EXCEEDED" : "within budget"}`);
  failed ||= over;
}
for (const [kind, kb] of kindBudgets) {
  const largest = worstKind.get(kind) ?? 0;
  const over = largest / 1024 > kb;
  console.log(`budget: ${kb} KiB brotli for a page loading the ${kind} bundle; largest ${(largest / 1024).toFixed(1)} KiB — ${over ? "EXCEEDED" : "within budget"}`);
  failed ||= over;
}
if (staticBudget !== null) {
  const over = worstStatic / 1024 > staticBudget;
  console.log(`budget: ${staticBudget} KiB brotli for a page without wasm; largest ${(worstStatic / 1024).toFixed(1)} KiB — ${over ? "EXCEEDED" : "within budget"}`);
  failed ||= over;
}
// The float printer's Grisu table starts with the cached power 10^-348 (its
// 64-bit significand, little-endian): present exactly when the printer is linked.
const grisu = Buffer.alloc(8);
grisu.writeBigUInt64LE(0xe61acf033d1a45dfn);
const printing = files.filter((f) => f.endsWith(".wasm") && readFileSync(join(dir, f)).includes(grisu));
for (const f of printing) {
  const page = pages.find((p) => p.startsWith("widgets/") && pageFiles(p).includes(f)) ?? f;
  console.log(`float printing: ${f}, loaded by /${page.replace("index.html", "")}, links the standard library's float printer; find the \`{}\` of an f64 in its code`);
}
failed ||= printing.length > 0;
if (failed) process.exit(1);
