// A small static file server with the MIME types the viewer needs
// (application/wasm for streaming compilation, text/javascript for modules).
// Usage: node scripts/serve.mjs <dir> [port]. Also imported by the e2e suite.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.gz': 'application/gzip',
};

/** Serves `dir` on 127.0.0.1:`port` (0 = any free port); resolves to the
 *  server. `routes` (tests) maps a path to a handler `(req, res) => void`
 *  that takes precedence over files; `headers` are added to every file. */
export function serve(dir, port = 0, log = () => {}, routes = {}, headers = {}) {
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (routes[path]) { routes[path](req, res); return; }
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': body.length, ...headers });
      res.end(body);
      log(200, path);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      log(404, path);
    }
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir = 'dist', port = '8080'] = process.argv.slice(2);
  const server = await serve(dir, Number(port), (code, path) => console.log(code, path));
  console.log(`rtcview: serving ${dir}/ on http://localhost:${server.address().port}/`);
}
