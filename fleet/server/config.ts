/**
 * The fleet server's configuration from command-line flags and environment variables (flags win), with defaults and
 * one clear error per bad value.
 */
import { AppError } from '../../common/core/AppError.ts';

export interface FleetServerConfig {
  /** `postgres://…` or a SQLite file (default `./fleet.sqlite`). */
  databaseUrl: string;
  /** A real broker (`mqtt://host:1883`); undefined runs the embedded aedes broker. */
  mqttUrl: string | undefined;
  /** The fleet's MQTT login on a real broker (its ACL must allow the fleet topics). Default `fleet`. */
  mqttUsername: string;
  mqttPassword: string | undefined;
  /** Shared-subscription group on a real broker: instances of ONE fleet share it; another fleet must use another. */
  mqttShareGroup: string;
  /** Port of the embedded broker. Default 1883. */
  mqttPort: number;
  /** Interface the HTTP server (and the embedded broker) listen on. Default 127.0.0.1. */
  host: string;
  port: number;
  /** Campus map file (GeoJSON or OSM XML). */
  campus: string;
  /** Base of recipients' tracking links. Default `http://localhost:<port>`. */
  publicBaseUrl: string;
  /** HMAC secret of notification webhooks; without it notifications stay queued in the outbox. */
  webhookSecret: string | undefined;
  /** Default notification endpoint (an SMS/e-mail gateway) for recipients without their own webhook. */
  notifyUrl: string | undefined;
  dispatchPeriodMs: number;
  /** Robot cruise speed for travel times and ETAs. Default 1.5 m/s. */
  robotSpeedMps: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** A configuration value that cannot work; the message names the flag, the variable and the value. */
export class ConfigError extends AppError {}

export const DEFAULT_CAMPUS = 'maps/data/zju-zijingang.geojson';

interface Spec {
  flag: string;
  env: string;
}

const SPECS = {
  databaseUrl: { flag: 'database-url', env: 'DATABASE_URL' },
  mqttUrl: { flag: 'mqtt-url', env: 'MQTT_URL' },
  mqttUsername: { flag: 'mqtt-username', env: 'MQTT_USERNAME' },
  mqttPassword: { flag: 'mqtt-password', env: 'MQTT_PASSWORD' },
  mqttShareGroup: { flag: 'mqtt-share-group', env: 'MQTT_SHARE_GROUP' },
  mqttPort: { flag: 'mqtt-port', env: 'MQTT_PORT' },
  host: { flag: 'host', env: 'HOST' },
  port: { flag: 'port', env: 'PORT' },
  campus: { flag: 'campus', env: 'CAMPUS' },
  publicBaseUrl: { flag: 'public-base-url', env: 'PUBLIC_BASE_URL' },
  webhookSecret: { flag: 'webhook-secret', env: 'WEBHOOK_SECRET' },
  notifyUrl: { flag: 'notify-url', env: 'NOTIFY_URL' },
  dispatchPeriodMs: { flag: 'dispatch-period-ms', env: 'DISPATCH_PERIOD_MS' },
  robotSpeedMps: { flag: 'robot-speed-mps', env: 'ROBOT_SPEED_MPS' },
  logLevel: { flag: 'log-level', env: 'LOG_LEVEL' },
} satisfies Record<keyof FleetServerConfig, Spec>;

/** Parses `--name value` / `--name=value` flags; unknown flags are an error (a typo must not be ignored). */
export function parseFlags(argv: readonly string[], known: ReadonlySet<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new ConfigError('CONFIG_INVALID', `unexpected argument ${JSON.stringify(arg)}; flags look like --name value`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!known.has(name)) throw new ConfigError('CONFIG_INVALID', `unknown flag --${name}; known: ${[...known].map((k) => `--${k}`).join(', ')}`);
    let value: string | undefined = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new ConfigError('CONFIG_INVALID', `--${name} needs a value`);
    value = value.trim();
    out.set(name, value);
  }
  return out;
}

/** Reads the configuration; throws ConfigError naming the first bad value. */
export function parseConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): FleetServerConfig {
  const flags = parseFlags(argv, new Set(Object.values(SPECS).map((s) => s.flag)));
  const raw = (key: keyof typeof SPECS): { value: string; from: string } | undefined => {
    const spec = SPECS[key];
    const flag = flags.get(spec.flag);
    if (flag !== undefined) return { value: flag, from: `--${spec.flag}` };
    const e = env[spec.env];
    return e === undefined || e === '' ? undefined : { value: e, from: spec.env };
  };
  const str = (key: keyof typeof SPECS, fallback: string) => raw(key)?.value ?? fallback;
  const opt = (key: keyof typeof SPECS) => raw(key)?.value;
  const int = (key: keyof typeof SPECS, fallback: number, min: number, max: number): number => {
    const r = raw(key);
    if (r === undefined) return fallback;
    const n = Number(r.value);
    if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError('CONFIG_INVALID', `${r.from}=${JSON.stringify(r.value)}: must be an integer in ${min}..${max}`);
    return n;
  };
  const url = (key: keyof typeof SPECS, protocols: readonly string[]): string | undefined => {
    const r = raw(key);
    if (r === undefined) return undefined;
    let u: URL;
    try {
      u = new URL(r.value);
    } catch {
      throw new ConfigError('CONFIG_INVALID', `${r.from}: not a URL (expected ${protocols.map((p) => `${p}//…`).join(' or ')})`);
    }
    if (!protocols.includes(u.protocol)) throw new ConfigError('CONFIG_INVALID', `${r.from}: must start with ${protocols.join(' or ')}, got ${u.protocol}`);
    return r.value.replace(/\/+$/, '');
  };

  const port = int('port', 8080, 0, 65535);
  const speed = raw('robotSpeedMps');
  const robotSpeedMps = speed === undefined ? 1.5 : Number(speed.value);
  if (!(robotSpeedMps > 0 && robotSpeedMps <= 20)) throw new ConfigError('CONFIG_INVALID', `${speed?.from}: must be a speed in (0, 20] m/s`);
  const logLevel = str('logLevel', 'info');
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new ConfigError('CONFIG_INVALID', `${raw('logLevel')?.from}: must be debug, info, warn or error`);
  const webhookSecret = opt('webhookSecret');
  if (webhookSecret !== undefined && webhookSecret.length < 16) {
    throw new ConfigError('CONFIG_INVALID', `${raw('webhookSecret')?.from}: use at least 16 characters (receivers verify signatures with it)`);
  }
  return {
    databaseUrl: str('databaseUrl', './fleet.sqlite'),
    mqttUrl: url('mqttUrl', ['mqtt:', 'mqtts:', 'tcp:', 'ws:', 'wss:']),
    mqttUsername: str('mqttUsername', 'fleet'),
    mqttPassword: opt('mqttPassword'),
    mqttShareGroup: str('mqttShareGroup', 'fleet'),
    mqttPort: int('mqttPort', 1883, 0, 65535),
    host: str('host', '127.0.0.1'),
    port,
    campus: str('campus', DEFAULT_CAMPUS),
    publicBaseUrl: url('publicBaseUrl', ['http:', 'https:']) ?? `http://localhost:${port}`,
    webhookSecret,
    notifyUrl: url('notifyUrl', ['http:', 'https:']),
    dispatchPeriodMs: int('dispatchPeriodMs', 10_000, 100, 3_600_000),
    robotSpeedMps,
    logLevel: logLevel as FleetServerConfig['logLevel'],
  };
}

/** Every flag with its variable, for `fleet serve --help`. */
export function configHelp(): string {
  return Object.values(SPECS).map((s) => `  --${s.flag.padEnd(20)} ${s.env}`).join('\n');
}
