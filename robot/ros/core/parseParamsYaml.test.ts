import { describe, expect, it } from 'vitest';
import { ParamsFileError, paramsForNode, parseParamsYaml } from './parseParamsYaml.ts';

describe('parseParamsYaml', () => {
  it('reads the ROS 2 params file subset: wildcard and named nodes, nested keys, scalars and inline lists', () => {
    const file = parseParamsYaml(`
# fleet-wide
/**:
  ros__parameters:
    use_sim_time: false
    robot_id: "r1"   # quoted
localization:
  ros__parameters:
    ekf:
      gnss_sigma: 2.0
      process_noise: [0.01, 0.01, 0.005]
    map_frame: map
    max_scan_age: 1e-1
/r2/localization:
  ros__parameters:
    ekf:
      gnss_sigma: 3
    frames: ['map', "odom#1"]
    beams: 180
    enabled: True
`);
    expect(file).toEqual({
      '/**': { use_sim_time: false, robot_id: 'r1' },
      localization: { 'ekf.gnss_sigma': 2, 'ekf.process_noise': [0.01, 0.01, 0.005], map_frame: 'map', max_scan_age: 0.1 },
      '/r2/localization': { 'ekf.gnss_sigma': 3, frames: ['map', 'odom#1'], beams: 180, enabled: true },
    });
    expect(paramsForNode(file, '/r2', 'localization')).toEqual({
      use_sim_time: false,
      robot_id: 'r1',
      'ekf.gnss_sigma': 3,
      'ekf.process_noise': [0.01, 0.01, 0.005],
      map_frame: 'map',
      max_scan_age: 0.1,
      frames: ['map', 'odom#1'],
      beams: 180,
      enabled: true,
    });
    expect(paramsForNode(file, '/', 'planner')).toEqual({ use_sim_time: false, robot_id: 'r1' });
  });

  it('refuses what it does not understand, naming the line', () => {
    const bad = (text: string) => {
      try {
        parseParamsYaml(text, 'robot.yaml');
      } catch (e) {
        expect(e).toBeInstanceOf(ParamsFileError);
        return (e as Error).message;
      }
      throw new Error('expected a ParamsFileError');
    };
    expect(bad('node:\n  ros__parameters:\n    zones:\n      - a\n')).toMatch(/^robot\.yaml:4: block lists/);
    expect(bad('node:\n  params:\n    a: 1\n')).toMatch(/robot\.yaml:2: under node 'node' expected 'ros__parameters:'/);
    expect(bad('node: 3\n')).toMatch(/robot\.yaml:1: top-level key/);
    expect(bad('n:\n  ros__parameters:\n    a: [1, x]\n')).toMatch(/robot\.yaml:3: list .* mixes types/);
    expect(bad('n:\n  ros__parameters:\n    a: {b: 1}\n')).toMatch(/robot\.yaml:3/);
    expect(bad('n:\n  ros__parameters:\n    just text\n')).toMatch(/robot\.yaml:3: expected 'key: value'/);
  });
});
