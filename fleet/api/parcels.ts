/** REST: parcels — create one or a batch (idempotent), get, list, cancel, history, and the dispatcher's overrides. */
import { defineRoute, HttpError, s, type RouteDef } from '../http/index.ts';
import { MAX_BATCH, PARCEL_STATUSES, type IssuedParcel, type ParcelStatus } from '../parcels/index.ts';
import type { ApiDeps } from './ApiDeps.ts';
import { mapped } from './toHttpError.ts';
import { parcelView } from './views.ts';

const recipient = s.object({
  name: s.string({ min: 1, max: 200 }),
  email: s.optional(s.string({ max: 254 })),
  phone: s.optional(s.string({ max: 20 })),
  webhookUrl: s.optional(s.string({ max: 2000, description: 'where this recipient\'s notifications go (else NOTIFY_URL)' })),
});
const parcelInput = s.object({
  destination: s.string({ min: 1, max: 100, description: 'drop place id (GET /api/map places of kind drop)' }),
  recipient,
  externalRef: s.optional(s.string({ max: 200 })),
  etaMs: s.optional(s.number({ min: 0 })),
});
const idParams = s.object({ id: s.string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/, patternName: 'a parcel id' }) });
const issuedBody = s.object({
  id: s.string(), status: s.string(), destination: s.string(),
  trackingToken: s.nullable(s.string()), trackingLink: s.nullable(s.string()), pickupCode: s.nullable(s.string()),
});
const IDEMPOTENCY_HEADER = 'idempotency-key';

function issued(p: IssuedParcel) {
  return { ...parcelView(p.parcel), trackingToken: p.trackingToken, trackingLink: p.trackingLink, pickupCode: p.pickupCode };
}

function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (header.length < 1 || header.length > 200) throw new HttpError(400, 'VALIDATION_FAILED', 'Idempotency-Key must be 1 to 200 characters');
  return header;
}

export function parcelRoutes(deps: ApiDeps): RouteDef[] {
  const { parcels, overrides, clock } = deps;
  const announce = (p: Parameters<typeof parcelView>[0]) => deps.publish({ type: 'parcel', parcel: parcelView(p) });

  return [
    defineRoute({
      method: 'post', path: '/api/parcels', summary: 'Create a parcel', tags: ['parcels'], auth: 'dispatcher',
      description: 'Returns the pickup code and tracking link once (only hashes are stored). Send `Idempotency-Key` to make a retry harmless: the same key and body answer 200 with `replayed: true` and no secrets.',
      request: { body: parcelInput },
      responses: { 201: { description: 'created (200 with replayed: true for a replay of the same Idempotency-Key)', body: issuedBody } },
      handler: (ctx) => mapped(async () => {
        const result = await parcels.create(ctx.body, { actor: ctx.auth?.name ?? 'api', idempotencyKey: idempotencyKey(ctx.req.get(IDEMPOTENCY_HEADER)) });
        if (result.replayed) ctx.setStatus(200);
        else {
          announce(result.parcel);
          deps.triggerDispatch();
        }
        return { ...issued(result), replayed: result.replayed };
      }),
    }),
    defineRoute({
      method: 'post', path: '/api/parcels/batch', summary: 'Create up to 10,000 parcels at once (all or none)', tags: ['parcels'], auth: 'dispatcher',
      request: { body: s.object({ parcels: s.array(parcelInput, { min: 1, max: MAX_BATCH }) }) },
      responses: { 201: { description: 'created (200 with replayed: true for a replay of the same Idempotency-Key)' } },
      handler: (ctx) => mapped(async () => {
        const result = await parcels.createBatch(ctx.body.parcels, { actor: ctx.auth?.name ?? 'api', idempotencyKey: idempotencyKey(ctx.req.get(IDEMPOTENCY_HEADER)) });
        if (result.replayed) ctx.setStatus(200);
        else deps.triggerDispatch();
        return { replayed: result.replayed, count: result.parcels.length, parcels: result.parcels.map(issued) };
      }),
    }),
    defineRoute({
      method: 'get', path: '/api/parcels', summary: 'List parcels, oldest first, a page at a time', tags: ['parcels'], auth: 'viewer',
      request: {
        query: s.object({
          status: s.optional(s.string({ max: 200, description: `comma-separated: ${PARCEL_STATUSES.join(', ')}` })),
          robot: s.optional(s.string({ max: 64 })),
          destination: s.optional(s.string({ max: 100 })),
          createdAfter: s.optional(s.int({ min: 0 })),
          limit: s.optional(s.int({ min: 1, max: 500 })),
          cursor: s.optional(s.string({ max: 200 })),
        }),
      },
      responses: { 200: { description: '{ items, nextCursor }' } },
      handler: (ctx) => mapped(async () => {
        const q = ctx.query;
        const page = await parcels.list({
          ...(q.status === undefined || q.status === '' ? {} : { status: q.status.split(',').map((x) => x.trim()) as ParcelStatus[] }),
          ...(q.robot === undefined ? {} : { robot: q.robot }),
          ...(q.destination === undefined ? {} : { destination: q.destination }),
          ...(q.createdAfter === undefined ? {} : { createdAfter: q.createdAfter }),
          ...(q.limit === undefined ? {} : { limit: q.limit }),
          ...(q.cursor === undefined || q.cursor === '' ? {} : { cursor: q.cursor }),
        });
        return { items: page.items.map(parcelView), nextCursor: page.nextCursor };
      }),
    }),
    defineRoute({
      method: 'get', path: '/api/parcels/:id', summary: 'One parcel, with the dispatcher overrides on it', tags: ['parcels'], auth: 'viewer',
      request: { params: idParams },
      responses: { 200: { description: 'the parcel' } },
      handler: (ctx) => mapped(async () => {
        const p = await parcels.get(ctx.params.id);
        if (p === undefined) throw new HttpError(404, 'PARCEL_NOT_FOUND', `no parcel ${ctx.params.id}`);
        const o = await overrides.parcelOverrides(p.id);
        return { ...parcelView(p), recipient: p.recipient, held: o?.held ?? false, pinnedRobot: o?.pinnedRobot ?? null, deliveryAttempts: o?.attempts ?? 0 };
      }),
    }),
    defineRoute({
      method: 'get', path: '/api/parcels/:id/history', summary: 'Every status change of a parcel, oldest first', tags: ['parcels'], auth: 'viewer',
      request: { params: idParams },
      responses: { 200: { description: '{ items: [{ at, from, to, cause, actor, data }] }' } },
      handler: (ctx) => mapped(async () => {
        const items = await parcels.history(ctx.params.id);
        return { items: items.map((h) => ({ at: h.atMs, from: h.from, to: h.to, cause: h.cause, actor: h.actor, data: h.data })) };
      }),
    }),
    defineRoute({
      method: 'post', path: '/api/parcels/:id/cancel', summary: 'Cancel a parcel that is not aboard a robot', tags: ['parcels'], auth: 'dispatcher',
      request: { params: idParams, body: s.object({ reason: s.optional(s.string({ max: 500 })) }) },
      responses: { 200: { description: 'the cancelled parcel' } },
      handler: (ctx) => mapped(async () => {
        const p = await parcels.cancel(ctx.params.id, ctx.auth?.name ?? 'api', ctx.body.reason ?? 'cancelled by dispatcher');
        announce(p);
        return parcelView(p);
      }),
    }),
    defineRoute({
      method: 'post', path: '/api/parcels/:id/assign', summary: 'Pin a waiting parcel to a robot (the planner puts it on that robot\'s next trip)', tags: ['overrides'], auth: 'dispatcher',
      request: { params: idParams, body: s.object({ robotSerial: s.nullable(s.string({ min: 1, max: 64 })) }) },
      responses: { 202: { description: 'pinned; planned on the robot\'s next trip' } },
      handler: (ctx) => mapped(async () => {
        const p = await parcels.get(ctx.params.id);
        if (p === undefined) throw new HttpError(404, 'PARCEL_NOT_FOUND', `no parcel ${ctx.params.id}`);
        const serial = ctx.body.robotSerial;
        if (serial !== null && deps.robots.get(serial) === undefined) throw new HttpError(404, 'ROBOT_NOT_FOUND', `no enabled robot ${serial}`);
        if (p.status !== 'received' && p.status !== 'returned') {
          throw new HttpError(409, 'PARCEL_ILLEGAL_TRANSITION', `parcel ${p.id} is ${p.status}: only a parcel waiting at the hub can be assigned (cancel its trip's order first)`);
        }
        await overrides.setPinned(deps.store, p.id, serial);
        deps.triggerDispatch();
        return { parcelId: p.id, pinnedRobot: serial };
      }),
    }),
    ...(['hold', 'release'] as const).map((action) => defineRoute({
      method: 'post', path: `/api/parcels/:id/${action}`, tags: ['overrides'], auth: 'dispatcher',
      summary: action === 'hold' ? 'Hold a waiting parcel: the planner leaves it alone until released' : 'Release a held parcel',
      request: { params: idParams },
      responses: { 202: { description: 'done' } },
      handler: (ctx) => mapped(async () => {
        const p = await parcels.get(ctx.params.id);
        if (p === undefined) throw new HttpError(404, 'PARCEL_NOT_FOUND', `no parcel ${ctx.params.id}`);
        if (action === 'hold' && p.status !== 'received' && p.status !== 'returned') {
          throw new HttpError(409, 'PARCEL_ILLEGAL_TRANSITION', `parcel ${p.id} is ${p.status}: only a parcel waiting at the hub can be held`);
        }
        await overrides.setHeld(p.id, action === 'hold', clock.now());
        if (action === 'release') deps.triggerDispatch();
        return { parcelId: p.id, held: action === 'hold' };
      }),
    })),
  ];
}
