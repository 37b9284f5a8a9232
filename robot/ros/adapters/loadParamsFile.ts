/** Reads a ROS 2 params YAML file for the in-process bus (on rclnodejs, rcl reads `--params-file` itself). */
import { readFileSync } from 'node:fs';
import { parseParamsYaml, type ParamsFile } from '../core/parseParamsYaml.ts';

/** Parses the file at `path`; throws ParamsFileError naming the file and line on bad content. */
export function loadParamsFile(path: string): ParamsFile {
  return parseParamsYaml(readFileSync(path, 'utf8'), path);
}
