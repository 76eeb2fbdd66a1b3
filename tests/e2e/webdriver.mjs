// A minimal W3C WebDriver client for ChromeDriver, using Node's fetch.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function startDriver(port = 9515) {
  const bin = process.env.CHROMEDRIVER || "chromedriver";
  const proc = spawn(bin, [`--port=${port}`], { stdio: "ignore" });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/status`)).ok) return { proc, base };
    } catch {}
    await sleep(100);
  }
  proc.kill();
  throw new Error(`chromedriver did not start on port ${port}`);
}

export class Session {
  static async create(base) {
    const caps = {
      capabilities: {
        alwaysMatch: {
          browserName: "chrome",
          "goog:loggingPrefs": { browser: "ALL" },
          "goog:chromeOptions": {
            args: [
              "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--no-first-run", "--window-size=1280,1000", `--user-data-dir=${mkdtempSync(join(tmpdir(), "sdp-e2e-"))}`,
            ],
          },
        },
      },
    };
    const res = await (await fetch(`${base}/session`, { method: "POST", body: JSON.stringify(caps) })).json();
    if (!res.value?.sessionId) throw new Error(`cannot start a browser session: ${JSON.stringify(res)}`);
    return new Session(`${base}/session/${res.value.sessionId}`);
  }
  constructor(url) { this.url = url; }
  async cmd(method, path, body) {
    const res = await fetch(`${this.url}${path}`, { method, body: body && JSON.stringify(body) });
    const json = await res.json();
    if (json.value?.error) throw new Error(`${path}: ${json.value.error}: ${json.value.message}`);
    return json.value;
  }
  go(url) { return this.cmd("POST", "/url", { url }); }
  exec(script, ...args) { return this.cmd("POST", "/execute/sync", { script, args }); }
  async waitFor(script, timeoutMs = 15000) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await this.exec(script);
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for: ${script}`);
      await sleep(50);
    }
  }
  /** Presses and releases each key in turn, as a keyboard (or a clicker) does. */
  keys(...keys) {
    const actions = keys.flatMap((k) => [{ type: "keyDown", value: k }, { type: "keyUp", value: k }]);
    return this.cmd("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
  }
  /** Switches into the iframe matching `selector`; `parentFrame()` switches back. */
  async frame(selector) {
    const el = await this.cmd("POST", "/element", { using: "css selector", value: selector });
    return this.cmd("POST", "/frame", { id: el });
  }
  parentFrame() { return this.cmd("POST", "/frame/parent", {}); }
  /** Browser console entries since the last call. */
  logs() { return this.cmd("POST", "/se/log", { type: "browser" }); }
  close() { return this.cmd("DELETE", ""); }
}
