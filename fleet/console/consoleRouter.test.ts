import { once } from 'node:events';
import { get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRouter } from './consoleRouter.ts';

let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(consoleRouter());
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'no such route' } });
  });
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** GET with node:http: fetch() turns a conditional request into `Cache-Control: no-cache`, which bypasses 304s. */
function statusOf(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    get(`${base}${path}`, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe('consoleRouter', () => {
  it('redirects / and /console to /console/', async () => {
    const root = await fetch(`${base}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
    const bare = await fetch(`${base}/console`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/console/');
  });

  it.each([
    ['/console/', 'text/html; charset=utf-8', '<title>'],
    ['/console/index.html', 'text/html; charset=utf-8', 'console.js'],
    ['/console/console.js', 'text/javascript; charset=utf-8', 'WebSocket'],
    ['/console/console.css', 'text/css; charset=utf-8', '.robot'],
  ])('serves %s as %s with revalidation and a strict CSP', async (path, type, contains) => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain(contains);
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(await statusOf(path, { 'If-None-Match': etag! })).toBe(304);
  });

  it('passes unknown files and traversal attempts on to the next handler', async () => {
    for (const path of ['/console/nope.js', '/console/..%2fconsoleRouter.ts', '/console/%2e%2e/consoleRouter.ts']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no such route' } });
    }
  });
});
