import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'out/**'],
    // Tests that talk to real services (PostgreSQL, Mosquitto) share them; a per-file timeout that is generous on a
    // loaded 2-core CI machine keeps them from flaking without hiding a hang.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
