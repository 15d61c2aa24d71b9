import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { rootDir } from '../database/paths.ts';

// The admin UI (admin/, built by Vite into admin/dist on install) served at
// /admin by the API's own server: same origin as /graphql, so no CORS.
// Vite's hashed files under /admin/assets/ never change: cached for a year,
// immutable. index.html (and every other /admin/… path, which the UI routes
// itself) is never cached, so a deploy is picked up at the next load.

// admin/dist in the repository; in a build, its copy at dist/admin/dist.
const DIST = `${path.join(rootDir, 'admin/dist')}${path.sep}`;

// Mantine writes its CSS variables in <style> elements: inline styles only.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';

export function isAdminUiPath(pathname: string): boolean {
  return pathname === '/admin' || pathname.startsWith('/admin/');
}

export async function adminUiResponse(url: URL, method: string): Promise<Response> {
  if (method !== 'GET' && method !== 'HEAD') return new Response('Method not allowed', { status: 405, headers: { allow: 'GET, HEAD' } });
  if (url.pathname === '/admin') return new Response(null, { status: 308, headers: { location: `/admin/${url.search}` } });
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname.slice('/admin/'.length));
  } catch {
    return notFound();
  }
  if (relative.startsWith('assets/')) {
    const file = path.resolve(DIST, relative);
    // A path that climbs out of the assets folder is answered as missing.
    if (!file.startsWith(path.join(DIST, 'assets') + path.sep)) return notFound();
    const body = await readFile(file).catch(() => null);
    if (!body) return notFound();
    return new Response(method === 'HEAD' ? null : body, {
      headers: { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': IMMUTABLE },
    });
  }
  const index = await readFile(path.join(DIST, 'index.html')).catch(() => null);
  if (!index) {
    return new Response('The admin UI is not built: run `npm run build:admin` (npm install does it).', {
      status: 503,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
    });
  }
  return new Response(method === 'HEAD' ? null : index, {
    headers: { 'content-type': CONTENT_TYPES['.html']!, 'cache-control': 'no-cache, no-store, must-revalidate', 'content-security-policy': CSP },
  });
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' } });
}
