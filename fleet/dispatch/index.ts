/** fleet/dispatch: trip planning, charging policy and re-planning rules (all pure; see docs/dispatch.md). */
export * from './core/index.ts';
