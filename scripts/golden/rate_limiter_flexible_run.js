// Replays request traces on rate-limiter-flexible's RateLimiterMemory with the
// clock faked by @sinonjs/fake-timers. Our own driver; both packages are
// installed into a temporary directory by rate_limiter_flexible_traces.sh and
// found through NODE_PATH.
//
// stdin:  JSON [{"limit": n, "period_ms": ms, "requests": [[at_ms, cost], ...]}, ...]
// stdout: JSON [["allowed" | "rejected", ...], ...] plus package versions.
'use strict';

const fs = require('fs');
const path = require('path');
const FakeTimers = require('@sinonjs/fake-timers');
const { RateLimiterMemory } = require('rate-limiter-flexible');

const T0_MS = Date.UTC(2024, 0, 1); // 2024-01-01T00:00:00Z, origin 0 of every trace

function pkgVersion(name) {
  const main = require.resolve(name);
  let dir = path.dirname(main);
  for (;;) {
    const p = path.join(dir, 'package.json');
    if (fs.existsSync(p)) {
      const j = JSON.parse(fs.readFileSync(p, 'utf8'));
      if (j.name === name) return j.version;
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('no package.json for ' + name);
    dir = up;
  }
}

async function runCase(c) {
  if (c.period_ms % 1000 !== 0) throw new Error('period must be whole seconds');
  const clock = FakeTimers.install({ now: T0_MS, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  try {
    const limiter = new RateLimiterMemory({ points: c.limit, duration: c.period_ms / 1000 });
    const out = [];
    let now = 0;
    for (const [at, cost] of c.requests) {
      if (!Number.isInteger(at)) throw new Error('rate-limiter-flexible sees whole ms only');
      clock.tick(at - now); // fires the key-expiry setTimeout when it is due
      now = at;
      try {
        await limiter.consume('golden', cost);
        out.push('allowed');
      } catch (res) {
        if (res instanceof Error) throw res;
        out.push('rejected');
      }
    }
    return out;
  } finally {
    clock.uninstall();
  }
}

async function main() {
  const cases = JSON.parse(fs.readFileSync(0, 'utf8'));
  const results = [];
  for (const c of cases) results.push(await runCase(c));
  process.stdout.write(JSON.stringify({
    results,
    versions: {
      'rate-limiter-flexible': pkgVersion('rate-limiter-flexible'),
      '@sinonjs/fake-timers': pkgVersion('@sinonjs/fake-timers'),
      node: process.version,
    },
  }));
}

main().catch((e) => { console.error(e); process.exit(1); });
