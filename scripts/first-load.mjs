#!/usr/bin/env node
// First load, measured: for each page of a built site with a widget, a fresh
// headless Chromium (new profile, empty cache) loads it from a local static
// server, and the page records, from navigation start, when its prose was
// first painted (first contentful paint) and when the first widget's first
// range control existed. Median of 3 loads per page; a benchmark, not a test.
//   node scripts/first-load.mjs [dist] [--runs N] [--against dist2] [--peer name=dir/page.html[@selector] ...]
// `--against` measures every page of a second build beside the first (a
// change to how pages load, before and after), in the same rounds.
// A peer (another project's built page, served from its own directory) is
// measured in the same run, so machine noise hits every page alike; its
// first control is the first element matching `selector` (by default
// `input[type=range]`; RaftScope's sliders, for one, are `.slider` elements).
import { readdirSync, readFileSync } from "node:fs";
import { serve } from "../tests/e2e/server.mjs";
import { startDriver, Session } from "../tests/e2e/webdriver.mjs";

const args = process.argv.slice(2);
let dist = "dist";
let runs = 3;
let against = null;
const peers = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--runs") runs = Number(args[++i]);
  else if (args[i] === "--against") {
    against = args[++i];
    if (!against) throw new Error("--against needs a built site's directory");
  }
  else if (args[i] === "--peer") {
    const [name, spec] = args[++i].split("=");
    const [path, selector = "input[type=range]"] = spec.split("@");
    const at = path.lastIndexOf("/");
    peers.push({ name, dir: path.slice(0, at), page: path.slice(at + 1), selector });
  } else dist = args[i];
}

// Recorded by the page itself, installed before any of its scripts runs.
const recorder = (selector) => `
  window.__firstControl = null;
  new MutationObserver(() => {
    if (window.__firstControl === null && document.querySelector(${JSON.stringify(selector)})) {
      window.__firstControl = performance.now();
    }
  }).observe(document, { childList: true, subtree: true });
`;

const pages = [
  ...readdirSync(`${dist}/articles`).map((slug) => ({ name: `/articles/${slug}/`, path: `/articles/${slug}` })),
  ...readdirSync(`${dist}/widgets`).map((kind) => ({ name: `/widgets/${kind}/`, path: `/widgets/${kind}` })),
]
  .filter((p) => readFileSync(`${dist}${p.path}/index.html`, "utf8").includes("widget-slot"))
  .map((p) => ({ ...p, selector: ".widget input[type=range]" }));
const servers = [{ server: await serve(dist), pages }];
if (against) servers.push({ server: await serve(against), pages: pages.map((p) => ({ ...p, name: `${p.name} (${against})` })) });
for (const p of peers) servers.push({ server: await serve(p.dir), pages: [{ name: `peer: ${p.name}`, path: `/${p.page}`, selector: p.selector }] });

const port = 9515 + (process.pid % 400);
const { proc, base } = await startDriver(port);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  // Every page once per round, so the machine's noise falls on all alike,
  // in the opposite order every other round, so no page is always first.
  const all = servers.flatMap(({ server, pages }) =>
    pages.map((page) => ({ ...page, origin: `http://127.0.0.1:${server.address().port}`, samples: [], failed: 0 })),
  );
  for (let r = 0; r < runs; r++) {
    for (const page of r % 2 ? [...all].reverse() : all) {
      const session = await Session.create(base);
      try {
        await session.cmd("POST", "/goog/cdp/execute", {
          cmd: "Page.addScriptToEvaluateOnNewDocument",
          params: { source: recorder(page.selector) },
        });
        await session.go(`${page.origin}${page.path}`);
        const control = await session.waitFor("return window.__firstControl", 30000);
        const paint = await session.exec(
          "const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : null",
        );
        page.samples.push({ control, paint });
      } catch (e) {
        // A load that never showed a control is counted, not fatal to the run.
        page.failed++;
        console.error(`${page.name}: ${e.message}`);
      } finally {
        await session.close().catch(() => {});
      }
    }
  }
  for (const page of all) {
    if (page.samples.length === 0) {
      console.log(`${page.name.padEnd(40)} no load showed a control (${page.failed} failed)`);
      continue;
    }
    const row = {
      page: page.name,
      paint: median(page.samples.map((s) => s.paint ?? Infinity)),
      control: median(page.samples.map((s) => s.control)),
    };
    const failed = page.failed ? `   (${page.failed} of ${runs} loads failed)` : "";
    console.log(`${row.page.padEnd(40)} first paint ${row.paint.toFixed(0).padStart(5)} ms   first control ${row.control.toFixed(0).padStart(5)} ms${failed}`);
  }
} finally {
  proc.kill();
  for (const { server } of servers) server.close();
}
