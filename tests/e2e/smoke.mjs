#!/usr/bin/env node
// End-to-end smoke test of the release build: serves dist/ on 127.0.0.1 and
// loads every route and every article in headless Chromium, failing on any
// console error or Rust panic, a missing widget, or a broken widget block.
//   node tests/e2e/smoke.mjs dist
import { readdirSync, readFileSync } from "node:fs";
import { serve } from "./server.mjs";
import { startDriver, Session } from "./webdriver.mjs";

const dist = process.argv[2] ?? "dist";
const articles = readdirSync("articles").filter((f) => f.endsWith(".md")).map((f) => f.slice(0, -3));
const widgetBlocks = (slug) => (readFileSync(`articles/${slug}.md`, "utf8").match(/^```widget\s*$/gm) ?? []).length;

const server = await serve(dist);
const origin = `http://127.0.0.1:${server.address().port}`;
const port = 9515 + (process.pid % 400);
const { proc, base } = await startDriver(port);
const session = await Session.create(base);

let passed = 0;
let failed = 0;
// Any console error fails a check, except what `allow` matches (the 404
// status of a not-found page is its point).
async function check(name, fn, allow = null) {
  try {
    await fn();
    const bad = (await session.logs()).filter(
      (e) => (e.level === "SEVERE" && !(allow && allow.test(e.message))) || /panicked/.test(e.message),
    );
    if (bad.length) throw new Error(`console errors:\n  ${bad.map((e) => e.message).join("\n  ")}`);
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n     ${e.message}`);
  }
}
const mounted = "return document.querySelector('main') !== null";

try {
  await check("home lists every article", async () => {
    await session.go(`${origin}/`);
    await session.waitFor(mounted);
    const links = await session.exec("return [...document.querySelectorAll('.card a')].map(a => a.getAttribute('href'))");
    for (const slug of articles) if (!links.includes(`/articles/${slug}`)) throw new Error(`no link to ${slug}`);
  });
  for (const slug of articles) {
    await check(`article ${slug} renders with its ${widgetBlocks(slug)} live widgets`, async () => {
      await session.go(`${origin}/articles/${slug}`);
      await session.waitFor("return document.querySelector('article h1') !== null");
      // The widgets below the first mount as they near the viewport: bring each one there.
      const slots = await session.exec("return document.querySelectorAll('.widget-slot').length");
      if (slots !== widgetBlocks(slug)) throw new Error(`${slots} slots for ${widgetBlocks(slug)} blocks`);
      for (let i = 0; i < slots; i++) {
        await session.exec(`document.querySelectorAll('.widget-slot')[${i}].scrollIntoView()`);
        await session.waitFor(`const s = document.querySelectorAll('.widget-slot')[${i}]; return s.classList.contains('mounted') && s.querySelector('.widget table.summary tbody tr') !== null`);
      }
      const errors = await session.exec("return document.querySelectorAll('.widget-error').length");
      if (errors) throw new Error(`${errors} widget blocks failed to start`);
    });
  }
  await check("the home page is static: no wasm, and its theme menu works", async () => {
    await session.go(`${origin}/`);
    await session.waitFor(mounted);
    const wasm = await session.exec("return performance.getEntriesByType('resource').filter(r => r.name.endsWith('.wasm') || r.name.includes('/playground-')).length");
    if (wasm !== 0) throw new Error(`the home page fetched ${wasm} bundle files`);
    await session.exec("const s = document.getElementById('theme'); s.value = 'dark'; s.dispatchEvent(new Event('change'))");
    const theme = await session.exec("return document.documentElement.getAttribute('data-theme') + ' ' + localStorage.getItem('theme')");
    if (theme !== "dark dark") throw new Error(`theme: ${theme}`);
    await session.exec("localStorage.removeItem('theme')");
  });
  await check("reading progress: an article marked read stays so after a reload, and the home page's path counts it", async () => {
    await session.go(`${origin}/articles/retries`);
    await session.exec("localStorage.removeItem('sdp-read')");
    await session.go(`${origin}/articles/retries`);
    await session.waitFor("const b = document.querySelector('.mark-read'); return b && !b.hidden && b.getAttribute('aria-pressed') === 'false'");
    await session.exec("document.querySelector('.mark-read').click()");
    await session.go(`${origin}/articles/retries`);
    const pressed = await session.waitFor("const b = document.querySelector('.mark-read'); return b && !b.hidden && b.getAttribute('aria-pressed') + ' ' + b.textContent");
    if (pressed !== "true Mark as read") throw new Error(`after a reload the button is ${pressed}`);
    await session.go(`${origin}/`);
    const home = await session.waitFor("const p = document.querySelector('.path-progress'); return p && p.textContent && [p.textContent, [...document.querySelectorAll('.card.read')].map(c => c.dataset.slug).join()]");
    if (home[0] !== ` You have read 1 of ${articles.length}.` || home[1] !== "retries") throw new Error(`home: ${home}`);
    await session.exec("localStorage.removeItem('sdp-read')");
  });
  await check("navigation: an article's contents reach each section, and previous and next follow the path", async () => {
    await session.go(`${origin}/articles/retries`);
    await session.waitFor(mounted);
    const [toc, ids] = await session.exec("return [[...document.querySelectorAll('.toc a')].map(a => a.getAttribute('href').slice(1)), [...document.querySelectorAll('.prose h2[id], .prose h3[id]')].map(h => h.id)]");
    if (toc.join() !== ids.join() || toc.length < 5) throw new Error(`contents ${toc} against headings ${ids}`);
    const [prev, next] = await session.exec("return [document.querySelector('a[rel=prev]').getAttribute('href'), document.querySelector('a[rel=next]').getAttribute('href')]");
    if (prev !== "/articles/circuit-breaker" || next !== "/articles/resilience-pipeline") throw new Error(`previous ${prev}, next ${next}`);
    await session.exec("document.querySelector('a[rel=next]').click()");
    await session.waitFor("return location.pathname === '/articles/resilience-pipeline' && document.querySelector('article h1') !== null");
    const diagram = await session.exec("const s = document.querySelector('.context-diagram svg'); return s && s.getAttribute('role') + ' ' + s.querySelector('title').textContent + ' ' + (s.getBoundingClientRect().width > 300)");
    if (!/^img .+ true$/.test(diagram ?? "")) throw new Error(`diagram: ${diagram}`);
  });
  await check("search: / focuses the box, results come as you type, and the keyboard follows one", async () => {
    await session.go(`${origin}/articles/rate-limiting`);
    await session.waitFor("const s = document.querySelector('.search'); return s && !s.hidden");
    await session.keys("/");
    const focused = await session.exec("return document.activeElement.id");
    if (focused !== "search") throw new Error(`/ focused ${focused}`);
    await session.keys(..."belady");
    const hits = await session.waitFor("const r = [...document.querySelectorAll('#search-results a')]; return r.length && r.map(a => a.getAttribute('href') + ' ' + a.querySelector('mark').textContent)");
    if (!hits[0].startsWith("/articles/caching#") || !hits[0].endsWith(" Belady")) throw new Error(`results: ${hits}`);
    const status = await session.exec("return document.querySelector('.search-status').textContent");
    if (!/^\d+ results?/.test(status)) throw new Error(`status: ${status}`);
    await session.keys("\uE015", "\uE007");
    await session.waitFor("return location.pathname === '/articles/caching' && location.hash.length > 1");
    // Nothing matches: said so, and no list.
    await session.keys("/", ..."zzqx");
    await session.waitFor("return document.querySelector('.search-status').textContent === 'No results' && document.querySelector('#search-results').hidden");
  });
  await check("an article's prose is in its HTML, and its first widget mounts in place without moving the text", async () => {
    // As the server sends it, before any script: headings, prose, and a slot holding each block's scenario.
    await session.go(`${origin}/`);
    const html = await session.exec("return fetch('/articles/rate-limiting').then(r => r.text())");
    for (const part of ["<h1>Rate limiting", "<div class=\"prose\"><p>", "<h2 id=\"sources\">", "data-mode=\"inline\"", "<script type=\"application/json\">{"]) {
      if (!html.includes(part)) throw new Error(`the page's HTML has no ${part}`);
    }
    // From the static home page an article is a page load, and its first widget mounts.
    await session.exec("document.querySelector('.card a[href=\"/articles/rate-limiting\"]').click()");
    await session.waitFor("return location.pathname === '/articles/rate-limiting' && document.querySelector('.widget-slot.mounted table.summary tbody tr') !== null");
    // A link in the prose loads the widget's page; back returns to the article.
    await session.exec("document.querySelector('.prose a[href=\"/widgets/rate-limiter\"]').click()");
    await session.waitFor("return location.pathname === '/widgets/rate-limiter' && document.querySelector('.widget-page .widget table.summary') !== null");
    await session.exec("history.back()");
    await session.waitFor("return location.pathname === '/articles/rate-limiting' && document.querySelector('.prose') !== null");
  });
  await check("a widget mounting in view does not move the text: its slot kept its height", async () => {
    // Opened at the heading just above the caching article's first widget, so that the
    // slot is in view when the widget mounts into it.
    await session.go(`${origin}/articles/caching`);
    const id = await session.exec(`const slot = document.querySelector('.widget-slot');
      const above = [...document.querySelectorAll('.prose [id]')].filter((h) => h.compareDocumentPosition(slot) & Node.DOCUMENT_POSITION_FOLLOWING);
      return above.length ? above[above.length - 1].id : null`);
    if (!id) throw new Error("no heading above the first widget");
    await session.go(`${origin}/`);
    await session.go(`${origin}/articles/caching#${id}`);
    await session.waitFor("return document.querySelector('.widget-slot.mounted table.summary tbody tr') !== null");
    await new Promise((r) => setTimeout(r, 300));
    const [shift, top] = await session.exec(`return new Promise((done) => {
      let sum = 0;
      new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) sum += e.value; })
        .observe({ type: 'layout-shift', buffered: true });
      setTimeout(() => done([sum, document.querySelector('.widget-slot').getBoundingClientRect().top]), 100);
    })`);
    if (!(top > 0 && top < 500)) throw new Error(`the first widget is not in view: top ${top}`);
    if (!(shift < 0.01)) throw new Error(`layout shift ${shift}`);
  });
  await check("every family's slot reserves about its widget's height, wide and phone-wide", async () => {
    // Each article's first widget: the height its slot keeps before it mounts (its
    // family's --slot-height) against the height it takes once mounted, within a quarter.
    const off = [];
    for (const [width, name] of [[1280, "wide"], [390, "phone-wide"]]) {
      await session.cmd("POST", "/window/rect", { width, height: 1000 });
      for (const slug of articles) {
        await session.go(`${origin}/articles/${slug}`);
        const reserved = await session.exec(`const s = document.querySelector('.widget-slot');
          const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
          s.scrollIntoView();
          return parseFloat(getComputedStyle(s).getPropertyValue('--slot-height')) * rem`);
        await session.waitFor("return document.querySelector('.widget-slot.mounted .controls') !== null && document.querySelector('.widget-slot.mounted svg') !== null");
        await new Promise((r) => setTimeout(r, 600));
        const height = await session.exec("return document.querySelector('.widget-slot').getBoundingClientRect().height");
        if (!(Math.abs(height - reserved) <= height / 4)) {
          off.push(`${slug} ${name}: reserves ${Math.round(reserved)} px, mounts at ${Math.round(height)} px`);
        }
      }
    }
    await session.cmd("POST", "/window/rect", { width: 1280, height: 1000 });
    if (off.length) throw new Error(off.join("; "));
  });
  await check("full-page widget route", async () => {
    await session.go(`${origin}/widgets/rate-limiter`);
    await session.waitFor("return document.querySelectorAll('.widget table.summary tbody tr').length === 3");
    await session.waitFor("return location.search.startsWith('?s=')", 3000);
  });
  await check("circuit-breaker page: Break it now opens the breaker", async () => {
    await session.go(`${origin}/widgets/circuit-breaker`);
    // Two breakers and the no-breaker row.
    await session.waitFor("return document.querySelectorAll('.widget table.summary tbody tr').length === 3");
    // The page carries its own family's rules (the state diagram 15rem wide) and no other family's.
    const styles = await session.exec("return [...document.querySelectorAll('style[data-family]')].map(s => s.dataset.family).join()");
    const diagram = await session.exec("return getComputedStyle(document.querySelector('svg.diagram')).width");
    if (styles !== "circuit-breaker" || diagram !== "240px") throw new Error(`family styles: ${styles}, diagram ${diagram}`);
    // Start from a healthy dependency, break it at 10 s, and read the end of the run.
    await session.exec(`
      const pick = document.querySelectorAll('.controls select')[2];
      pick.value = 'healthy'; pick.dispatchEvent(new Event('change', { bubbles: true }));`);
    await session.waitFor("return [...document.querySelectorAll('.explain')].every(e => e.textContent.startsWith('CLOSED throughout'))");
    await session.exec(`
      const scrub = document.querySelector('.playback input[type=range]');
      scrub.value = '10000'; scrub.dispatchEvent(new Event('input', { bubbles: true }));
      [...document.querySelectorAll('button')].find(b => b.textContent === 'Break it now').click();`);
    await session.waitFor("return /broken at 10 s/.test(document.querySelector('.widget-status').textContent)");
    await session.exec(`
      const scrub = document.querySelector('.playback input[type=range]');
      scrub.value = scrub.max; scrub.dispatchEvent(new Event('input', { bubbles: true }));`);
    const fast = await session.waitFor("const c = [...document.querySelectorAll('table.summary tbody tr')].map(r => r.cells[4].textContent); return c.length === 3 && c");
    if (!(Number(fast[0]) > 0 && Number(fast[1]) > 0 && fast[2] === "0")) throw new Error(`failed fast: ${fast}`);
    const edges = await session.exec("return [...document.querySelectorAll('svg.diagram .edge text')].map(t => t.textContent)");
    if (!edges.some((e) => Number(e.slice(1)) > 0)) throw new Error(`no transition in the diagrams: ${edges}`);
    await session.waitFor("return location.search.startsWith('?s=')", 3000);
  });
  await check("hash-ring page: adding a node redraws every placement", async () => {
    await session.go(`${origin}/widgets/hash-ring`);
    await session.waitFor("return document.querySelectorAll('figure.ring-lane').length === 3 && document.querySelectorAll('svg.bars rect.bar').length === 33");
    await session.exec("[...document.querySelectorAll('button')].find(b => b.textContent === 'Add another node').click()");
    await session.waitFor("return document.querySelectorAll('svg.bars rect.bar').length === 36");
    const texts = await session.exec("return [...document.querySelectorAll('.moved-text')].map(p => p.textContent)");
    if (!texts.every((t) => t.startsWith("Adding cache-12:11211 moved "))) throw new Error(`moved: ${texts.join(" | ")}`);
    // The link keeps the new starting point: eleven caches and the change.
    await session.waitFor("return location.search.startsWith('?s=')", 3000);
  });
  await check("sharding page: three schemes, and a re-shard that splits the fullest range", async () => {
    await session.go(`${origin}/widgets/sharding`);
    await session.waitFor("return document.querySelectorAll('figure.shard-lane').length === 3 && document.querySelectorAll('.widget table.summary tbody tr').length === 3");
    const text = await session.exec("return document.querySelector('figure.shard-lane .moved-text').textContent");
    if (!text.startsWith("Splitting the fullest shard moved ")) throw new Error(`re-shard: ${text}`);
  });
  await check("caching page: three policies' hit ratios, and the hottest keys each holds", async () => {
    await session.go(`${origin}/widgets/caching`);
    await session.waitFor("return document.querySelectorAll('.caching svg.chart path.hit-line').length === 3 && document.querySelectorAll('.widget table.summary tbody tr').length === 3");
    const cells = await session.exec("return document.querySelectorAll('.hot-row .cell').length");
    if (cells !== 96) throw new Error(`hot-key cells: ${cells}, not 3 × 32`);
  });
  await check("cache-patterns page: three strategies' charts, and a stampede only the plain lane suffers", async () => {
    await session.go(`${origin}/widgets/cache-patterns`);
    await session.waitFor("return document.querySelectorAll('.cache-patterns svg.chart path.series').length === 9 && document.querySelectorAll('.widget table.summary tbody tr').length === 3");
    const names = await session.exec("return [...document.querySelectorAll('.widget table.summary tbody th')].map(th => th.textContent)");
    if (names.join(" | ") !== "cache-aside | cache-aside + single-flight | cache-aside + XFetch") throw new Error(`lanes: ${names.join(" | ")}`);
  });
  await check("load-balancing page: three balancers' p99, latency-distribution and queue lines, ten servers each, and a server stopped at the playhead", async () => {
    await session.go(`${origin}/widgets/load-balancing`);
    await session.waitFor("return document.querySelectorAll('.load-balancing svg.chart path.series').length === 9 && document.querySelectorAll('.load-balancing svg.servers rect.busy').length === 30 && document.querySelectorAll('.widget table.summary tbody tr').length === 3");
    await session.exec("[...document.querySelectorAll('button')].find(b => b.textContent === 'Stop it now').click()");
    await session.waitFor("return /Server 1 stopped at 60 s/.test(document.querySelector('.widget-status').textContent)");
    await session.waitFor("return location.search.startsWith('?s=')", 3000);
  });
  await check("event-streaming page: three assignors' lag lines, twelve partitions each, and a consumer added at the playhead", async () => {
    await session.go(`${origin}/widgets/event-streaming`);
    await session.waitFor("return document.querySelectorAll('.event-streaming svg.chart path.series').length === 3 && document.querySelectorAll('.event-streaming svg.partitions g.partition').length === 36 && document.querySelectorAll('.widget table.summary tbody tr').length === 3");
    await session.exec("[...document.querySelectorAll('button')].find(b => b.textContent === 'Add a consumer now').click()");
    await session.waitFor("return /Consumer 6 joins at 150 s/.test(document.querySelector('.widget-status').textContent)");
    await session.waitFor("return location.search.startsWith('?s=')", 3000);
  });
  await check("retries page: three policies' lines in four charts and the dependency's capacity, and the dependency failed at the playhead", async () => {
    await session.go(`${origin}/widgets/retries`);
    await session.waitFor("return document.querySelectorAll('.retries svg.chart path.series').length === 12 && document.querySelectorAll('.retries svg.chart path.capacity').length === 1 && document.querySelectorAll('.widget table.summary tbody tr').length === 3");
    await session.exec("[...document.querySelectorAll('button')].find(b => b.textContent === 'Fail it now').click()");
    await session.waitFor("return /The dependency fails every request at 30 s/.test(document.querySelector('.widget-status').textContent)");
    await session.waitFor("return location.search.startsWith('?s=')", 3000);
  });
  await check("pipeline page: three configurations' lines in four charts, two breakers' bands and the stage table, and the dependency failed at the playhead", async () => {
    await session.go(`${origin}/widgets/pipeline`);
    await session.waitFor("return document.querySelectorAll('.pipeline svg.chart path.series').length === 12 && document.querySelectorAll('.pipeline svg.breakers rect.band-open').length > 0 && document.querySelectorAll('.widget table.stages tbody tr').length === 5");
    await session.exec("[...document.querySelectorAll('button')].find(b => b.textContent === 'Fail it now').click()");
    await session.waitFor("return /The dependency fails every request at 30 s/.test(document.querySelector('.widget-status').textContent)");
    await session.waitFor("return location.search.startsWith('?s=')", 3000);
  });
  await check("example host page: sandboxed frames fit their content and follow host messages", async () => {
    await session.go(`${origin}/examples/host.html`);
    // Both frames leave their initial 640 px for the height their widget reports.
    await session.waitFor("return [...document.querySelectorAll('iframe[data-sdp-embed]')].every(f => f.style.height !== '640px')", 20000);
    const frameHeight = () => session.exec("return parseInt(document.getElementById('limiter').style.height)");
    const inside = async (selector, script) => {
      await session.frame(selector);
      try { return await session.waitFor(script); } finally { await session.parentFrame(); }
    };
    const bodyHeight = () => inside("#limiter", "return document.querySelector('table.summary tbody tr') && Math.ceil(document.body.getBoundingClientRect().height)");
    // The stylesheet loads in the opaque-origin frame (its link asks for CORS, so its integrity check can pass).
    for (const frame of ["#limiter", "#breaker"]) {
      await inside(frame, "return getComputedStyle(document.documentElement).getPropertyValue('--surface').trim() !== ''");
    }
    let [outer, inner] = [await frameHeight(), await bodyHeight()];
    if (outer !== inner) throw new Error(`frame ${outer} px, content ${inner} px`);
    // A control that changes the layout: importing opens a panel; the frame follows.
    await inside("#limiter", "const b = [...document.querySelectorAll('button')].find(b => b.textContent === 'Import JSON'); b.click(); return true");
    await session.waitFor(`return parseInt(document.getElementById('limiter').style.height) > ${outer}`);
    [outer, inner] = [await frameHeight(), await bodyHeight()];
    if (outer !== inner) throw new Error(`after the change: frame ${outer} px, content ${inner} px`);
    // A malformed message is ignored; a new scenario from the host replaces the widget's.
    const rows = () => inside("#limiter", "const r = [...document.querySelectorAll('table.summary tbody tr')]; return r.length && r.map(x => x.cells[1].textContent).join(',')");
    const before = await rows();
    await session.exec("document.getElementById('broken').click()");
    await new Promise((r) => setTimeout(r, 300));
    if ((await rows()) !== before) throw new Error("a malformed message changed the widget");
    await session.exec("document.getElementById('strict').click()");
    // One GCRA lane, 200 steady requests in 10 s.
    await inside("#limiter", "const r = [...document.querySelectorAll('table.summary tbody tr')]; return r.length === 1 && r[0].cells[1].textContent === '200'");
    // The theme follows a message too.
    await session.exec("document.getElementById('light').click()");
    await inside("#breaker", "return document.documentElement.dataset.theme === 'light' && getComputedStyle(document.documentElement).getPropertyValue('--accent').trim() === '#e69f00'");
  });
  await check("sd-widget elements mount independent widgets of two bundles on one page", async () => {
    await session.go(`${origin}/examples/host.html`);
    const inside = (id, script) => `const root = document.getElementById('${id}').shadowRoot; return !!root && (${script});`;
    await session.waitFor(inside("ring", "root.querySelectorAll('svg.bars rect.bar').length === 22"), 20000);
    await session.waitFor(inside("element-limiter", "root.querySelectorAll('.widget table.summary tbody tr').length === 3"), 20000);
    const limiterSummary = () => session.exec(inside("element-limiter", "root.querySelector('table.summary').textContent"));
    const before = await limiterSummary();
    const heading = await session.exec(inside("ring", "root.querySelector('.widget-title').textContent"));
    if (heading !== "Hot keys on a ring, with and without bounded loads") throw new Error(`heading: ${heading}`);
    // A node added to one widget changes that widget only.
    await session.exec(inside("ring", "[...root.querySelectorAll('button')].find(b => b.textContent === 'Add another node').click()"));
    await session.waitFor(inside("ring", "root.querySelectorAll('svg.bars rect.bar').length === 24"));
    if ((await limiterSummary()) !== before) throw new Error("the other widget changed");
    // theme="dark" restyles the element's shadow root only.
    const bg = (id) => session.exec(inside(id, "getComputedStyle(root.querySelector('.widget')).getPropertyValue('--bg').trim()"));
    const [dark, light] = [await bg("element-limiter"), await bg("ring")];
    // (The minifier may shorten #ffffff.)
    if (dark !== "#121417" || !/^#fff(fff)?$/.test(light)) throw new Error(`backgrounds: ${dark}, ${light}`);
    // Each root has its own family's rules (a ring drawn square by them), and the host page none of them.
    const ringWidth = await session.exec(inside("ring", "getComputedStyle(root.querySelector('svg.ring-chart')).aspectRatio"));
    if (ringWidth !== "1 / 1") throw new Error(`the ring's own rules are missing: aspect-ratio ${ringWidth}`);
    // A key takes its node's colour (the first node's, #0072b2 in the light theme) from them too.
    const keyFill = await session.exec(inside("ring", "getComputedStyle(root.querySelector('circle.key.n0')).fill"));
    if (keyFill !== "rgb(0, 114, 178)") throw new Error(`a first node's key is ${keyFill}`);
    if (await session.exec("return document.querySelectorAll('style[data-family], link[href*=\"widget-\"]').length") !== 0) throw new Error("family rules reached the host page");
    // Its links point to the playground, and the host page's own document has no app in it.
    const link = await session.exec(inside("ring", "root.querySelector('a.open-page').href"));
    if (!link.startsWith(`${origin}/widgets/hash-ring?s=`)) throw new Error(`link: ${link}`);
    if (await session.exec("return document.querySelector('body > .site-header') !== null")) throw new Error("the app mounted into the host page");
  });
  await check("a lane's chart downloads as a standalone SVG and its table as CSV", async () => {
    await session.go(`${origin}/widgets/circuit-breaker`);
    await session.waitFor("return document.querySelectorAll('.widget table.summary tbody tr').length === 3");
    // The download script is not loaded until a download (or presenter) button is first used.
    const early = await session.exec("return typeof SDPExport + ' ' + performance.getEntriesByType('resource').filter(r => /\\/(export|presenter)\\.js$/.test(r.name)).length");
    if (early !== "undefined 0") throw new Error(`before any use: ${early}`);
    await session.exec("return SDPHelpers().then(() => true)");
    const [svg, csv] = await session.exec("const f = document.querySelector('figure.lane'); return [SDPExport.svg(f), SDPExport.csv(f)]");
    const parsed = await session.exec(`const d = new DOMParser().parseFromString(arguments[0], 'image/svg+xml');
      return [d.querySelector('parsererror') === null, d.documentElement.getAttribute('width'), d.querySelectorAll('path[style*="fill"]').length]`, svg);
    if (!parsed[0] || parsed[1] !== "600" || parsed[2] < 6) throw new Error(`svg: ${parsed}`);
    const lines = csv.trim().split("\n");
    if (lines[0] !== "From,States,Succeeded,Slow,Failed,Failed fast,Failure rate at end" || lines.length !== 21) {
      throw new Error(`csv: ${lines[0]} (${lines.length} lines)`);
    }
  });
  await check("presenter mode: full window, large type, and keys a clicker sends", async () => {
    await session.go(`${origin}/widgets/circuit-breaker`);
    await session.waitFor("return document.querySelectorAll('.widget table.summary tbody tr').length === 3");
    await session.exec("document.querySelector('[data-action=present]').click()");
    await session.waitFor("return document.querySelector('.widget.presenting') !== null");
    const big = await session.exec("return parseFloat(getComputedStyle(document.querySelector('.widget.presenting')).fontSize)");
    if (!(big >= 20)) throw new Error(`presenter type is ${big}px`);
    const scrub = "return document.querySelector('.playback input[type=range]').value";
    // Home restarts at 0; Page Down (a clicker's "next") steps forward twice: 60 s in 200 slices.
    await session.keys("\uE011");
    await session.waitFor(`return ${scrub.slice(7)} === '0'`);
    await session.keys("\uE00F", "\uE00F");
    await session.waitFor(`return ${scrub.slice(7)} === '600'`);
    // Space plays, Space pauses.
    await session.keys("\uE00D");
    await session.waitFor("return document.querySelector('[data-action=play]').getAttribute('aria-pressed') === 'true'");
    await session.keys("\uE00D");
    await session.waitFor("return document.querySelector('[data-action=play]').getAttribute('aria-pressed') === 'false'");
    // N loads the next preset; ? shows the shortcuts; Escape leaves.
    await session.keys("n");
    await session.waitFor("return /Loaded preset outage/.test(document.querySelector('.widget-status').textContent)");
    await session.keys("?");
    await session.waitFor("const h = document.querySelector('.presenter-help'); return h && !h.hidden && /next preset/.test(h.textContent)");
    await session.keys("\uE00C");
    await session.waitFor("return document.querySelector('.widget.presenting') === null");
  });
  await check("embed route has compact chrome and no site header", async () => {
    await session.go(`${origin}/embed/rate-limiter?theme=dark`);
    await session.waitFor("return document.querySelector('.widget.compact table.summary') !== null");
    const chrome = await session.exec("return [document.querySelector('.site-header'), document.documentElement.dataset.theme]");
    if (chrome[0] !== null || chrome[1] !== "dark") throw new Error(`header ${chrome[0]}, theme ${chrome[1]}`);
  });
  await check("a malformed link shows a message and the default widget", async () => {
    await session.go(`${origin}/widgets/rate-limiter?s=not-a-scenario!`);
    const text = await session.waitFor("const s = document.querySelector('.widget-status'); return s && s.textContent");
    if (!/could not be used/.test(text)) throw new Error(`status: ${text}`);
    await session.waitFor("return document.querySelectorAll('.widget table.summary tbody tr').length === 3");
  });
  await check("after a first visit the app works with the network off", async () => {
    // A server of its own, so that stopping it cuts this origin off.
    const own = await serve(dist);
    const here = `http://127.0.0.1:${own.address().port}`;
    await session.go(`${here}/`);
    await session.waitFor(mounted);
    // The worker has installed its cache and controls the page.
    await session.waitFor("return navigator.serviceWorker && navigator.serviceWorker.controller !== null", 20000);
    own.closeAllConnections();
    await new Promise((r) => own.close(r));
    // Loading a page afresh and in-app navigation both work from the cache.
    await session.go(`${here}/articles/circuit-breaker`);
    await session.waitFor("return document.querySelectorAll('.widget table.summary tbody tr').length > 0");
    await session.exec("document.querySelector('.site-header .brand').click()");
    await session.waitFor("return document.querySelectorAll('.card a').length > 0");
    await session.go(`${here}/widgets/rate-limiter`);
    await session.waitFor("return document.querySelectorAll('.widget table.summary tbody tr').length === 3");
    const offline = await session.exec("return fetch('/index.html', { cache: 'no-store' }).then(() => 'cache', () => 'network error')");
    if (offline !== "cache") throw new Error(`fetch while offline: ${offline}`);
  });
  await check("unknown paths show the not-found page", async () => {
    await session.go(`${origin}/no/such/page`);
    await session.waitFor("return document.querySelector('.not-found') !== null");
    await session.go(`${origin}/articles/no-such-article`);
    await session.waitFor("return document.querySelector('.not-found') !== null");
  }, /status of 404/);
} finally {
  await session.close().catch(() => {});
  proc.kill();
  server.close();
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
