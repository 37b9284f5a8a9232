/** Topic and frame names of a recording; Foxglove layouts refer to these, so they are part of the format. */

/** The fixed frame: the campus metric frame, metres east (x) and north (y) of the campus origin. */
export const MAP_FRAME = 'map';
export const TOPIC_BUILDINGS = '/map/buildings';
export const TOPIC_PATHS = '/map/paths';
export const TOPIC_ROBOT_BODIES = '/robots/bodies';
export const TOPIC_TF = '/tf';
export const TOPIC_EVENTS = '/events';

/** Serials become topic and frame names, so they are limited to characters both accept. */
export const SERIAL_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The robot's body frame, child of `map` on /tf. */
export function baseLinkFrame(serial: string): string {
  return `${serial}/base_link`;
}

/** Per-robot topics. */
export function robotTopics(serial: string): { pose: string; fix: string; scan: string; plan: string } {
  return { pose: `/${serial}/pose`, fix: `/${serial}/fix`, scan: `/${serial}/scan`, plan: `/${serial}/plan` };
}
