#!/usr/bin/env node
// Size report of a release build: every file in dist/ raw, gzip and brotli,
// and the app shell a reader downloads for any first page: index.html and
// every file it references (the JS glue, the wasm, the stylesheet, the icon
// and the small scripts), one bundle, so the first article with its live
// widget needs all of it. Article prose is fetched separately from
// content/<slug>.html and reported beside the shell; an embedded widget costs
// the shell, and its host page adds embed-host.js. The service worker
// (sw.js) caches the rest after the page has loaded. With
// --budget-brotli-kb N it fails when the shell exceeds N KiB.
//   node scripts/size-report.mjs dist [--budget-brotli-kb 180]
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const dir = process.argv[2] ?? "dist";
const budgetArg = process.argv.indexOf("--budget-brotli-kb");
const budget = budgetArg > 0 ? Number(process.argv[budgetArg + 1]) : null;

const walk = (sub) =>
  readdirSync(join(dir, sub)).flatMap((f) => {
    const rel = sub ? `${sub}/${f}` : f;
    return statSync(join(dir, rel)).isDirectory() ? walk(rel) : [rel];
  });
const files = walk("").sort();
// What index.html loads: its href and src attributes naming files of the build.
const index = readFileSync(join(dir, "index.html"), "utf8");
const referenced = new Set(
  [...index.matchAll(/(?:href|src)=["']?\/?([^"' >]+)/g)].map((m) => m[1]).filter((f) => files.includes(f)),
);
const kib = (n) => (n / 1024).toFixed(1).padStart(8);
const rows = [];
const shell = { raw: 0, gzip: 0, brotli: 0 };
for (const f of files) {
  const data = readFileSync(join(dir, f));
  const gz = gzipSync(data, { level: 9 }).length;
  const br = brotliCompressSync(data, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  }).length;
  rows.push([f, data.length, gz, br]);
  // 404.html is a copy of index.html for static hosts; the reader fetches one of them.
  if (referenced.has(f) || f === "index.html") {
    shell.raw += data.length;
    shell.gzip += gz;
    shell.brotli += br;
  }
}
console.log(`${"file".padEnd(44)} ${"raw KiB".padStart(8)} ${"gzip".padStart(8)} ${"brotli".padStart(8)}`);
for (const [f, raw, gz, br] of rows) console.log(`${f.padEnd(44)} ${kib(raw)} ${kib(gz)} ${kib(br)}`);
console.log(`${"app shell (index.html and what it loads)".padEnd(44)} ${kib(shell.raw)} ${kib(shell.gzip)} ${kib(shell.brotli)}`);
const host = rows.find(([f]) => f === "embed-host.js");
if (host) {
  const label = "host page showing one embedded widget";
  console.log(`${label.padEnd(44)} ${kib(shell.raw + host[1])} ${kib(shell.gzip + host[2])} ${kib(shell.brotli + host[3])}`);
}
for (const [f, raw, gz, br] of rows.filter(([f]) => f.startsWith("content/"))) {
  const label = `first page at /articles/${f.slice(8, -5)}`;
  console.log(`${label.padEnd(44)} ${kib(shell.raw + raw)} ${kib(shell.gzip + gz)} ${kib(shell.brotli + br)}`);
}
if (budget !== null) {
  const over = shell.brotli / 1024 > budget;
  console.log(`budget: ${budget} KiB brotli for the app shell — ${over ? "EXCEEDED" : "within budget"}`);
  if (over) process.exit(1);
}
