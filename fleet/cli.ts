/**
 * `fleet` command line: `serve` runs the fleet server; `robot add` registers a robot and prints its MQTT credential;
 * `token create` makes an API token. Configuration by flags and environment (see `fleet help`).
 */
import { SystemClock } from '../clock/index.ts';
import { isRole } from './auth/index.ts';
import { openStore } from './store/index.ts';
import { configHelp, ConfigError, parseConfig, parseFlags } from './server/config.ts';
import { FleetServer } from './server/FleetServer.ts';
import { SqlRobotRepository, SqlTokenRepository } from './server/repos/index.ts';

const USAGE = `usage:
  fleet serve [flags]                                    run the fleet server
  fleet robot add --serial S --manufacturer M --compartments N [--dock D] [--database-url URL]
  fleet token create --role admin|dispatcher|viewer --name NAME [--database-url URL]

serve flags (each also an environment variable):
${configHelp()}
`;

async function main(argv: string[]): Promise<number> {
  const [command, sub, ...rest] = argv;
  const clock = new SystemClock();
  if (command === 'serve') {
    const config = parseConfig(argv.slice(1), process.env);
    const server = await FleetServer.start(config, { clock });
    process.stdout.write(`fleet server at ${server.url} (console ${server.url}/console/, MQTT ${server.mqttUrl})\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.stop();
    return 0;
  }
  if (command === 'robot' && sub === 'add') {
    const f = parseFlags(rest, new Set(['serial', 'manufacturer', 'compartments', 'dock', 'database-url']));
    const serial = required(f, 'serial');
    const manufacturer = required(f, 'manufacturer');
    const compartments = Number(required(f, 'compartments'));
    const store = await openStore({ databaseUrl: f.get('database-url') ?? process.env.DATABASE_URL ?? './fleet.sqlite', clock });
    try {
      const robots = new SqlRobotRepository(store);
      const { credential } = await robots.add({ serial, manufacturer, compartments, ...(f.has('dock') ? { dockId: f.get('dock')! } : {}) }, clock.now());
      process.stdout.write(`robot ${serial} registered\nMQTT username: ${serial}\nMQTT password: ${credential}\n(shown once; only its hash is stored)\n`);
    } finally {
      await store.close();
    }
    return 0;
  }
  if (command === 'token' && sub === 'create') {
    const f = parseFlags(rest, new Set(['role', 'name', 'database-url']));
    const role = required(f, 'role');
    if (!isRole(role)) throw new ConfigError('CONFIG_INVALID', `--role must be admin, dispatcher or viewer, got ${JSON.stringify(role)}`);
    const store = await openStore({ databaseUrl: f.get('database-url') ?? process.env.DATABASE_URL ?? './fleet.sqlite', clock });
    try {
      const { token, record } = await new SqlTokenRepository(store).create(role, required(f, 'name'), clock.now());
      process.stdout.write(`token ${record.id} (${record.role}, ${record.name}):\n${token}\n(shown once; only its hash is stored)\n`);
    } finally {
      await store.close();
    }
    return 0;
  }
  process.stdout.write(USAGE);
  return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
}

function required(flags: Map<string, string>, name: string): string {
  const v = flags.get(name);
  if (v === undefined || v === '') throw new ConfigError('CONFIG_INVALID', `--${name} is required`);
  return v;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const e = error as { code?: string; message?: string };
    process.stderr.write(`fleet: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
