/** The fleet-fidelity battery model (what the fleet side's energy planning assumes) as a `sim/world` body battery. */
import type { BatteryModel } from '../runner/index.ts';
import type { BatteryParams } from '../world/index.ts';

/**
 * Same capacity, idle draw and charger; the per-metre energy becomes a draw per unit speed (Wh/m × 3600 s/h = W per
 * m/s), so a robot driving the same metres uses the same energy in both fidelities; sensors are in the idle draw.
 */
export function bodyBattery(model: BatteryModel): BatteryParams {
  return { capacityWh: model.capacityWh, idleW: model.idleW, motionWPerMps: model.whPerM * 3600, sensorsW: 0, chargeW: model.chargeW, initialSoc: 1 };
}
