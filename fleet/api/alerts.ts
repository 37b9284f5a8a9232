/** REST: alerts (robot conditions from tracking, code lock-outs from parcels) and their acknowledgement. */
import { defineRoute, HttpError, s, type RouteDef } from '../http/index.ts';
import type { ApiDeps } from './ApiDeps.ts';
import { mapped } from './toHttpError.ts';
import { alertView } from './views.ts';

export function alertRoutes(deps: ApiDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'get', path: '/api/alerts', summary: 'Alerts not yet acknowledged, and conditions that still hold; newest first', tags: ['alerts'], auth: 'viewer',
      responses: { 200: { description: 'alerts' } },
      handler: () => mapped(async () => (await deps.alerts.listAll()).map(alertView)),
    }),
    defineRoute({
      method: 'post', path: '/api/alerts/:id/ack', summary: 'Acknowledge an alert', tags: ['alerts'], auth: 'dispatcher',
      request: { params: s.object({ id: s.string({ min: 1, max: 300 }) }) },
      responses: { 200: { description: 'the acknowledged alert' } },
      handler: (ctx) => mapped(async () => {
        const by = ctx.auth?.name ?? 'api';
        const id = ctx.params.id;
        const tracked = deps.tracker.acknowledge(id, by);
        if (!tracked.ok) {
          if (tracked.error !== 'unknown_alert') throw new HttpError(409, 'ALERT_ALREADY_ACKNOWLEDGED', `alert ${id}: ${tracked.error}`);
          if (!(await deps.alerts.acknowledge(id, by, deps.clock.now()))) {
            const existing = await deps.alerts.get(id);
            if (existing === undefined) throw new HttpError(404, 'ALERT_NOT_FOUND', `no alert ${id}`);
            throw new HttpError(409, 'ALERT_ALREADY_ACKNOWLEDGED', `alert ${id} was acknowledged by ${existing.acknowledgedBy ?? '?'}`);
          }
        } else {
          // The tracker persists through its repository without waiting; write it here too so the answer is durable.
          await deps.alerts.save(tracked.alert);
        }
        const stored = await deps.alerts.get(id);
        if (stored === undefined) throw new HttpError(404, 'ALERT_NOT_FOUND', `no alert ${id}`);
        const view = alertView(stored);
        deps.publish({ type: 'alert', alert: view });
        return view;
      }),
    }),
  ];
}
