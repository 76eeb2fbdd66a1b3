// A static file server for dist/ on 127.0.0.1 that answers as static hosts
// such as GitHub Pages do: a path without an extension gets its directory's
// index.html (every page of the site has one, loading its own bundle), and
// anything missing gets 404.html with status 404.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, extname, normalize, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".wasm": "application/wasm",
  ".css": "text/css", ".svg": "image/svg+xml", ".json": "application/json",
};

export function serve(dir, port = 0) {
  const server = createServer(async (req, res) => {
    let body, type, status = 200;
    try {
      const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
      const root = normalize(dir + sep);
      const inside = normalize(join(dir, path)).startsWith(root);
      const file = !inside ? null : extname(path) ? join(dir, path) : join(dir, path, "index.html");
      if (!file) throw new Error("outside the site");
      body = await readFile(file);
      type = TYPES[extname(file)] ?? "application/octet-stream";
    } catch {
      body = await readFile(join(dir, "404.html")).catch(() => "not found");
      type = TYPES[".html"];
      status = 404;
    }
    // As GitHub Pages does: any origin may fetch the files, which a sandboxed
    // (opaque-origin) embed needs for its module script and wasm.
    res.writeHead(status, { "content-type": type, "access-control-allow-origin": "*" });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await serve(process.argv[2] ?? "dist", Number(process.argv[3] ?? 8080));
  console.log(`serving ${process.argv[2] ?? "dist"} on http://127.0.0.1:${s.address().port}`);
}
