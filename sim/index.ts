/**
 * sim/: the campus-day simulator — demand, people, the runner (fast mode, fleet fidelity), the world and the report.
 * `npm run sim -- day|sweep`; see docs/sim.md.
 */
export * from './demand/index.ts';
export * from './people/index.ts';
export * from './runner/index.ts';
export { campusLabel, parseSimArgs, SIM_USAGE } from './core/parseSimArgs.ts';
export type { DayArgs, SimArgs, SweepArgs } from './core/parseSimArgs.ts';
