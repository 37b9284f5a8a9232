/** REST: API tokens (admin only). A token's secret is shown once, at creation. */
import { ROLES } from '../auth/index.ts';
import { defineRoute, HttpError, s, type RouteDef } from '../http/index.ts';
import type { ApiDeps } from './ApiDeps.ts';

export function tokenRoutes(deps: ApiDeps): RouteDef[] {
  const view = (r: { id: string; role: string; name: string; createdAt: number; revokedAt?: number | null }) =>
    ({ id: r.id, role: r.role, name: r.name, createdAtMs: r.createdAt, revokedAtMs: r.revokedAt ?? null });
  return [
    defineRoute({
      method: 'post', path: '/api/tokens', summary: 'Create an API token', tags: ['tokens'], auth: 'admin',
      request: { body: s.object({ role: s.enum(ROLES), name: s.string({ min: 1, max: 100 }) }) },
      responses: { 201: { description: '{ id, role, name, token } — the token is shown only now' } },
      handler: async (ctx) => {
        const { token, record } = await deps.tokens.create(ctx.body.role, ctx.body.name, deps.clock.now());
        return { ...view(record), token };
      },
    }),
    defineRoute({
      method: 'get', path: '/api/tokens', summary: 'List API tokens (no secrets)', tags: ['tokens'], auth: 'admin',
      responses: { 200: { description: 'tokens' } },
      handler: async () => (await deps.tokens.list()).map(view),
    }),
    defineRoute({
      method: 'post', path: '/api/tokens/:id/revoke', summary: 'Revoke an API token', tags: ['tokens'], auth: 'admin',
      request: { params: s.object({ id: s.string({ min: 1, max: 64 }) }) },
      responses: { 204: { description: 'revoked' } },
      handler: async (ctx) => {
        if (!(await deps.tokens.revoke(ctx.params.id, deps.clock.now()))) throw new HttpError(404, 'TOKEN_NOT_FOUND', `no active token ${ctx.params.id}`);
        return undefined;
      },
    }),
  ];
}
