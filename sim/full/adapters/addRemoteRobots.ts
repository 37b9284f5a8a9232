/**
 * The other shards' robots in one shard's World: each a `RemoteBody` with the shard's own footprint, placed from the
 * poses every shard's robots had at the end of the last lock-step (`lastStep`, SAMPLE_STRIDE numbers per robot by
 * global index). Local robots' LiDAR sees them, the crowd walks around them, and a contact between a local and a
 * remote robot counts in the shard that owns the lower global index: the same robot the one World of a single shard
 * charges with it (it checks each pair from the robot added first), so every contact counts once and goes to the
 * same robot however many workers run the day.
 */
import type { Pose2 } from '../../../maps/index.ts';
import type { Footprint, RemoteBody, World } from '../../world/index.ts';
import { SAMPLE_STRIDE } from './dayShardProtocol.ts';

export interface RemoteRobot {
  serial: string;
  /** Global robot index (its row in the sample buffers). */
  slot: number;
  start: Pose2;
}

/**
 * Adds `remotes` to `world` as remote bodies. `slotOf` gives a local robot's global index. Returns the function that
 * places them all from a sample buffer (call it before each lock-step, with the samples as of the step before).
 */
export function addRemoteRobots(
  world: World, remotes: readonly RemoteRobot[], slotOf: ReadonlyMap<string, number>, footprint: Footprint,
): (lastStep: Float64Array) => void {
  const bodies: RemoteBody[] = [];
  const slots: number[] = [];
  for (const r of remotes) {
    const countsContactWith = (localId: string) => {
      const local = slotOf.get(localId);
      if (local === undefined) throw new RangeError(`addRemoteRobots: no global index for local robot '${localId}'`);
      return local < r.slot;
    };
    bodies.push(world.addRemoteRobot({ id: r.serial, start: r.start, footprint, countsContactWith }));
    slots.push(r.slot * SAMPLE_STRIDE);
  }
  return (lastStep) => {
    for (let k = 0; k < bodies.length; k++) {
      const o = slots[k]!;
      bodies[k]!.place(lastStep[o]!, lastStep[o + 1]!, lastStep[o + 2]!);
    }
  };
}
