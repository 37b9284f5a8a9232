// Lint keeps the architecture honest: pure cores import no I/O, and only the clock adapter reads wall time.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = [
  'rclnodejs', 'mqtt', 'aedes', 'express', 'ws', 'pg', 'better-sqlite3', 'sax',
  'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http',
  'child_process', 'node:child_process', 'worker_threads', 'node:worker_threads',
];

const wallClock = [
  { name: 'setTimeout', message: 'Take a Clock (clock/) and use clock.setTimer: time must be injectable.' },
  { name: 'setInterval', message: 'Take a Clock (clock/) and use clock.setInterval: time must be injectable.' },
  { name: 'setImmediate', message: 'Take a Clock (clock/): time must be injectable.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'protocol/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', URL: 'readonly',
      TextEncoder: 'readonly', TextDecoder: 'readonly', performance: 'readonly', structuredClone: 'readonly',
      queueMicrotask: 'readonly', MessageChannel: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', fetch: 'readonly',
      Response: 'readonly', Request: 'readonly', Headers: 'readonly', crypto: 'readonly', globalThis: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-globals': ['error', ...wallClock],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Take a Clock (clock/): time must be injectable.' },
        { object: 'Math', property: 'random', message: 'Use a seeded Random (common/core/Random.ts) or node:crypto: results must be reproducible or unguessable.' },
      ],
    },
  },
  {
    files: ['**/core/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ioModules.map((name) => ({ name, message: 'core/ is pure: do I/O in adapters/.' })) }],
    },
  },
  {
    // The clock adapter is the one place that reads wall time; benchmarks and tests measure real elapsed time.
    files: ['clock/adapters/**/*.ts', 'bench/**/*.ts', '**/*.test.ts', 'test/**/*.ts', '**/cli.ts', 'bin/**'],
    rules: { 'no-restricted-globals': 'off', 'no-restricted-properties': 'off' },
  },
);
