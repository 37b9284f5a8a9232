/** Records → the JSON shapes the console and API clients read (fleet/console/core/types.ts is the contract). */
import type { AlertView, ParcelView, RobotView as ConsoleRobot } from '../console/core/types.ts';
import type { Parcel } from '../parcels/index.ts';
import type { RobotView } from '../tracking/index.ts';
import type { CampusModel } from '../server/CampusModel.ts';
import type { StoredAlert } from '../server/repos/index.ts';

export function parcelView(p: Parcel): ParcelView & Pick<Parcel, 'externalRef' | 'tripId' | 'codeExpiresAtMs' | 'version'> {
  return {
    id: p.id, status: p.status, destination: p.destination, robotSerial: p.robotSerial, createdAtMs: p.createdAtMs, updatedAtMs: p.updatedAtMs,
    externalRef: p.externalRef, tripId: p.tripId, codeExpiresAtMs: p.codeExpiresAtMs, version: p.version,
  };
}

export function robotView(r: RobotView, campus: CampusModel): ConsoleRobot {
  const h = r.health;
  const mode = h.kind === 'online' || h.kind === 'stale' ? h.mode : 'idle';
  const lonLat = r.position === undefined ? null : campus.map.frame.toLonLat({ x: r.position.x, y: r.position.y });
  return {
    serial: r.serial,
    manufacturer: r.manufacturer,
    health: h.kind,
    mode,
    lonLat: lonLat === null ? null : [lonLat[0], lonLat[1]],
    headingRad: r.position?.theta ?? 0,
    batteryPct: r.batteryPct ?? 0,
    orderId: r.orderId === undefined || r.orderId === '' ? null : r.orderId,
    loads: r.loads.map((l) => ({ parcelId: l.loadId ?? '', compartment: l.loadPosition ?? '' })),
    errors: r.errors.map((e) => ({ errorType: e.errorType, errorLevel: e.errorLevel, errorDescription: e.errorDescription ?? '' })),
    updatedAtMs: r.lastStateAtMs ?? 0,
  };
}

export function alertView(a: StoredAlert): AlertView {
  return {
    id: a.id, robotSerial: a.robotSerial, kind: a.kind, severity: a.severity, message: a.message, raisedAtMs: a.raisedAtMs,
    acknowledgedAtMs: a.acknowledgedAtMs, acknowledgedBy: a.acknowledgedBy,
  };
}
