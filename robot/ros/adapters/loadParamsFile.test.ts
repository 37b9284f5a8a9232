import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { paramsForNode } from '../core/parseParamsYaml.ts';
import { loadParamsFile } from './loadParamsFile.ts';

const here = dirname(fileURLToPath(import.meta.url));

describe('loadParamsFile', () => {
  it('reads the shipped robot/params/robot.yaml, with the fleet-wide section reaching every node', () => {
    const file = loadParamsFile(join(here, '..', '..', 'params', 'robot.yaml'));
    for (const node of ['localization', 'planner', 'controller', 'safety', 'mission', 'vda_bridge']) {
      expect(Object.keys(file)).toContain(node);
      expect(paramsForNode(file, '/r1', node)).toMatchObject({ use_sim_time: false, map_frame: 'map', base_frame: 'base_link' });
    }
    expect(file.vda_bridge!.mqtt_url).toBe('mqtt://127.0.0.1:1883');
  });

  it('names the file when it cannot be read', () => {
    expect(() => loadParamsFile(join(here, 'no-such.yaml'))).toThrow(/no-such\.yaml/);
  });
});
