import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Router } from 'express';

/** Where the console's files live: plain HTML, JS and CSS with no build step. */
export const CONSOLE_STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

export interface ConsoleRouterOptions {
  /** Folder to serve; default the shipped `static/`. */
  staticDir?: string;
}

// The console loads nothing from elsewhere (it must work offline) and runs no inline script, so the policy can be
// strict: a script injected through a robot name or alert text has nowhere to load from and cannot run inline.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'",
].join('; ');

/**
 * Serves the dispatchers' console at `/console/` and redirects `/` there. Mount it at the root of the fleet server's
 * app (`createHttpApp({ extra: [{ path: '/', router: consoleRouter() }] })`).
 *
 * File names carry no content hash, so every response is `Cache-Control: no-cache` with an ETag: browsers revalidate
 * (a cheap 304) and never run an old console.js against a newer server.
 */
export function consoleRouter(options: ConsoleRouterOptions = {}): Router {
  const router = express.Router();
  router.get('/', (_req, res) => {
    res.redirect(302, '/console/');
  });
  router.use('/console', express.static(options.staticDir ?? CONSOLE_STATIC_DIR, {
    index: 'index.html',
    etag: true,
    lastModified: false,
    dotfiles: 'ignore',
    fallthrough: true,
    redirect: true,
    setHeaders: (res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      res.setHeader('Referrer-Policy', 'no-referrer');
    },
  }));
  return router;
}
