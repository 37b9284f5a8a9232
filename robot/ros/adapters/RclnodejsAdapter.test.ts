import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../../clock/index.ts';
import { runRosContract } from '../rosContract.ts';
import { createRosContext } from './createRosContext.ts';
import { loadRclnodejs, RCLNODEJS_UNAVAILABLE, RclnodejsContext } from './RclnodejsAdapter.ts';

const availability = await loadRclnodejs();

describe.skipIf(!availability.ok)(`rclnodejs adapter${availability.ok ? '' : ` — skipped: ${availability.reason}`}`, () => {
  // Only reached on a machine with ROS 2 sourced and rclnodejs installed: the same contract, on wall-clock ROS time.
  runRosContract('rclnodejs', async () => {
    if (!availability.ok) throw new Error('unreachable');
    const context = await RclnodejsContext.create(availability.module);
    const clock = new SystemClock();
    return {
      context,
      clock,
      exactTiming: false,
      advance: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(ms, 20))),
      close: () => context.shutdown(),
    };
  });
});

describe('loading the rclnodejs adapter', () => {
  it('says why it is unavailable when ROS_DISTRO is not set, without importing anything', async () => {
    let imported = false;
    const r = await loadRclnodejs({}, async () => {
      imported = true;
      return {};
    });
    expect(r.ok).toBe(false);
    expect(r.reason).toContain(RCLNODEJS_UNAVAILABLE);
    expect(r.reason).toContain('ROS_DISTRO is not set');
    expect(imported).toBe(false);
  });

  it('reports a failed import with its error when ROS_DISTRO is set', async () => {
    const r = await loadRclnodejs({ ROS_DISTRO: 'jazzy' }, (name) => import(`${name}-definitely-missing`));
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/ROS_DISTRO=jazzy but import\('rclnodejs'\) failed/);
  });

  it('falls back to the in-process bus and logs why, or refuses when rclnodejs is demanded', async () => {
    const lines: string[] = [];
    const chosen = await createRosContext({ env: {}, log: (l) => lines.push(l) });
    expect(chosen.adapter).toBe('in-process');
    expect(chosen.context.adapterName).toBe('in-process');
    expect(lines).toEqual([expect.stringMatching(/^ros: using the in-process bus \(rclnodejs not installed/)]);
    await chosen.context.shutdown();
    await expect(createRosContext({ adapter: 'rclnodejs', env: {}, log: () => {} })).rejects.toMatchObject({
      code: 'ROS_ADAPTER_UNAVAILABLE',
    });
  });
});
