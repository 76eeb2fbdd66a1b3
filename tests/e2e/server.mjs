// A static file server for dist/ on 127.0.0.1 with the single-page-app
// fallback static hosts provide: unknown paths get index.html.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, extname, normalize } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".wasm": "application/wasm",
  ".css": "text/css", ".svg": "image/svg+xml", ".json": "application/json",
};

export function serve(dir, port = 0) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = normalize(join(dir, path)).startsWith(normalize(dir)) ? join(dir, path) : join(dir, "index.html");
    let body, type;
    try {
      body = await readFile(extname(file) ? file : join(dir, "index.html"));
      type = TYPES[extname(file)] ?? "text/html; charset=utf-8";
    } catch {
      body = await readFile(join(dir, "index.html"));
      type = TYPES[".html"];
    }
    // As GitHub Pages does: any origin may fetch the files, which a sandboxed
    // (opaque-origin) embed needs for its module script and wasm.
    res.writeHead(200, { "content-type": type, "access-control-allow-origin": "*" });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await serve(process.argv[2] ?? "dist", Number(process.argv[3] ?? 8080));
  console.log(`serving ${process.argv[2] ?? "dist"} on http://127.0.0.1:${s.address().port}`);
}
