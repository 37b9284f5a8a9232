/**
 * Recipient tracking: the tracking token in the link is the only credential (createHttpApp's `tracking` auth: unknown
 * tokens 404, rate limited per IP). Shows status, ETA and drop point; never the code, the recipient or the robot.
 */
import { defineRoute, HttpError, type RouteDef } from '../http/index.ts';
import type { Parcel, ParcelHistoryEntry } from '../parcels/index.ts';
import type { ApiDeps } from './ApiDeps.ts';

/** What a tracking token grants: one parcel. */
export interface TrackingGrant {
  parcelId: string;
}

/** The lookup createHttpApp's tracking auth calls. */
export function trackingLookup(deps: Pick<ApiDeps, 'parcels'>): (token: string) => Promise<TrackingGrant | undefined> {
  return async (token) => {
    const p = await deps.parcels.getByTrackingToken(token);
    return p === undefined ? undefined : { parcelId: p.id };
  };
}

const STATUS_TEXT: Record<string, string> = {
  received: 'Received at the parcel hub', assigned: 'Scheduled for delivery', loaded: 'Loaded onto a delivery robot',
  out_for_delivery: 'On its way', awaiting_pickup: 'Waiting for you at the drop point: enter your code on the robot',
  delivered: 'Delivered', returned: 'Back at the hub (we will try again or contact you)', failed: 'Delayed: back at the hub soon',
  cancelled: 'Cancelled',
};

interface TrackingView {
  status: string;
  statusText: string;
  etaMs: number | null;
  dropPoint: { id: string; name: string | null; lonLat: [number, number] | null };
  codeExpiresAtMs: number | null;
  updatedAtMs: number;
  events: { at: number; status: string }[];
}

async function trackingView(deps: ApiDeps, grant: TrackingGrant): Promise<TrackingView> {
  const parcel: Parcel | undefined = await deps.parcels.get(grant.parcelId);
  if (parcel === undefined) throw new HttpError(404, 'TRACKING_NOT_FOUND', 'no parcel matches this tracking link (it may have expired)');
  const history: ParcelHistoryEntry[] = await deps.parcels.history(parcel.id);
  const place = deps.campus.place(parcel.destination);
  const depart = [...history].reverse().find((h) => h.cause === 'depart');
  const eta = depart?.data?.etaMs;
  const live = parcel.status === 'out_for_delivery' || parcel.status === 'awaiting_pickup' || parcel.status === 'loaded';
  return {
    status: parcel.status,
    statusText: STATUS_TEXT[parcel.status] ?? parcel.status,
    etaMs: live && typeof eta === 'number' ? eta : null,
    dropPoint: { id: parcel.destination, name: place?.name ?? null, lonLat: place === undefined ? null : [place.lonLat[0], place.lonLat[1]] },
    codeExpiresAtMs: parcel.codeExpiresAtMs,
    updatedAtMs: parcel.updatedAtMs,
    // Only the status changes: causes and actors are operator detail.
    events: history.filter((h) => h.from !== h.to).map((h) => ({ at: h.atMs, status: h.to })),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(v: TrackingView): string {
  const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  const rows = v.events.map((e) => `<li><time>${time(e.at)}</time> ${escapeHtml(STATUS_TEXT[e.status] ?? e.status)}</li>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>Your parcel</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#111}h1{font-size:1.4rem}.eta{font-size:1.2rem}</style></head>
<body><h1>${escapeHtml(v.statusText)}</h1>
${v.etaMs === null ? '' : `<p class="eta">Expected at the drop point: <strong>${time(v.etaMs)}</strong></p>`}
<p>Drop point: <strong>${escapeHtml(v.dropPoint.name ?? v.dropPoint.id)}</strong></p>
<ol>${rows}</ol><p><small>Your pickup code was sent to you in the notification; we never show it here.</small></p></body></html>`;
}

export function trackRoutes(deps: ApiDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'get', path: '/api/track/:token', summary: 'Recipient tracking: status, ETA and drop point', tags: ['tracking'], auth: 'tracking',
      responses: { 200: { description: 'tracking view' } },
      handler: (ctx) => trackingView(deps, ctx.tracking as TrackingGrant),
    }),
    defineRoute({
      method: 'get', path: '/track/:token', summary: 'Recipient tracking page (HTML)', tags: ['tracking'], auth: 'tracking',
      responses: { 200: { description: 'HTML page' } },
      handler: async (ctx) => {
        const view = await trackingView(deps, ctx.tracking as TrackingGrant);
        ctx.res.set('Cache-Control', 'no-store').set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'").type('html').send(page(view));
        return undefined;
      },
    }),
  ];
}
