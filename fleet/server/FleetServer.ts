/**
 * The fleet server, composed: store, campus model, robot registry, MQTT (embedded aedes broker, or a real one),
 * tracker, parcel service, dispatch loop, webhook dispatcher, REST API, console and live feed. `stop()` takes them
 * down in reverse order. Everything that matters lives in the database, so a new server over the same database
 * carries on where a killed one stopped.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock, TimerHandle } from '../../clock/index.ts';
import { loadCampus, type CampusMap } from '../../maps/index.ts';
import { MqttTransport, type MessageTransport } from '../../transport/index.ts';
import { apiRoutes, robotView, alertView, parcelView, trackingLookup, type ApiDeps } from '../api/index.ts';
import { hashToken, looksLikeToken } from '../auth/index.ts';
import { EmbeddedBroker, hashRobotCredential } from '../broker/index.ts';
import { LiveHub } from '../console/LiveHub.ts';
import { consoleRouter } from '../console/consoleRouter.ts';
import { campusDeliveryPolicy, createDispatchConfig, type ChargingConfig, type DispatchConfig } from '../dispatch/index.ts';
import { createHttpApp } from '../http/index.ts';
import { WebhookDispatcher, Outbox } from '../notify/index.ts';
import { createLogger, Metrics, type Logger } from '../observability/index.ts';
import { ParcelService, type Parcel, type ParcelServiceOptions } from '../parcels/index.ts';
import { SqlHeaderIdRepository, openStore, type Store } from '../store/index.ts';
import { FleetTracker } from '../tracking/index.ts';
import { CampusModel } from './CampusModel.ts';
import type { FleetServerConfig } from './config.ts';
import { DispatchLoop, type DispatchLoopOptions } from './DispatchLoop.ts';
import { LiveReroute } from './LiveReroute.ts';
import {
  DockRepository, InstantActionRepository, OverrideRepository, SqlAlertRepository, SqlRobotRepository, SqlRobotStateRepository, SqlTokenRepository, TripRepository,
} from './repos/index.ts';

export interface FleetServerDeps {
  clock: Clock;
  logger?: Logger;
  metrics?: Metrics;
  /** An already loaded campus (tests share one); else `config.campus` is loaded. */
  campusMap?: CampusMap;
  /** A transport to use instead of MQTT (tests: an InMemoryBroker client). */
  transport?: MessageTransport;
  /** Dispatch tuning (hub comes from the map). */
  dispatch?: Partial<Omit<DispatchConfig, 'hub'>>;
  /** How long robots wait for a recipient at a stop. Default 600 s. */
  waitForRecipientS?: number;
  /** Code policy overrides (tests use cheap scrypt). */
  codePolicy?: ParcelServiceOptions['codePolicy'];
  /** Tracker staleness threshold (default 5 s). */
  staleAfterMs?: number;
  /** Charging thresholds (default fleet/dispatch defaultChargingConfig: charge below 30 %, leave at 90 %). */
  charging?: Partial<ChargingConfig>;
  /** Charging bays per dock place; default max(2, ceil(robots / (5 × dock places))). */
  baysPerDock?: number;
  /** Below this battery (%) with no free bay, a critical `no_free_dock` alert. Default 15. */
  criticalBatteryPct?: number;
  /** False leaves batteries alone (no robot is sent to charge). Default true. */
  chargingEnabled?: boolean;
  /**
   * False builds no HTTP server and opens no port (the simulator drives the server in process); `url` is then ''.
   * Default true.
   */
  listenHttp?: boolean;
  /**
   * Makes every id the server would draw at random (parcels, history entries, trips, orders, instant actions), from a
   * prefix such as 'P', 'T' or 'ia'. Simulation only: a seeded day must be reproducible. Default: CSPRNG ids.
   */
  ids?: (prefix: string) => string;
  /**
   * A robot's state is written to the store at most this often (SqlRobotStateRepository.minIntervalMs); the rest are
   * kept in memory until the robot's next state that is due, or shutdown. The stored state is only the baseline a
   * restarted server diffs against, so a crash costs re-derived, already applied events; default 0 (every state
   * written) all the same, since an old baseline replaying an event onto a parcel requeued since is not ruled out. The
   * simulator, which never restarts its server mid-day, sets 10 min (writing every state cost ~4 % of a fleet-fidelity day's CPU).
   */
  robotStateWriteIntervalMs?: number;
  /**
   * A SQLite store's check for a call on the store from inside its own transaction (SqliteStoreOptions.nestedCallCheck;
   * default true). The simulator turns it off: on Node 20 it costs every promise of the process a hook.
   */
  storeNestedCallCheck?: boolean;
  /** Told about each parcel change the dispatch loop makes (besides the live feed). */
  onParcelChanged?: (parcel: Parcel) => void;
  /**
   * Dispatch loop tuning (DispatchLoopOptions): how many waiting parcels a round claims, the gathering delay after
   * arrivals, not re-planning an unchanged shelf, what a code lock-out and a parcel no trip can carry lead to.
   */
  dispatchLoop?: DispatchLoopTuning;
}

/** The DispatchLoop options a FleetServer caller may tune (the rest the server wires itself). */
export type DispatchLoopTuning = Partial<Pick<DispatchLoopOptions,
  'maxClaim' | 'arrivalDelayMs' | 'fruitlessReplanMs' | 'codeLockout' | 'returnUndeliverable' | 'triggerDelayMs' | 'energy'>>;

/** A running fleet server. */
export class FleetServer {
  readonly config: FleetServerConfig;
  readonly store: Store;
  readonly campus: CampusModel;
  readonly parcels: ParcelService;
  readonly robots: SqlRobotRepository;
  readonly tokens: SqlTokenRepository;
  readonly tracker: FleetTracker;
  readonly dispatch: DispatchLoop;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Where the HTTP server listens, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The MQTT URL robots connect to (the embedded broker's, or MQTT_URL). */
  readonly mqttUrl: string;
  readonly #stops: Array<() => Promise<void> | void>;

  private constructor(init: {
    config: FleetServerConfig; store: Store; campus: CampusModel; parcels: ParcelService; robots: SqlRobotRepository; tokens: SqlTokenRepository;
    tracker: FleetTracker; dispatch: DispatchLoop; metrics: Metrics; logger: Logger; url: string; mqttUrl: string; stops: Array<() => Promise<void> | void>;
  }) {
    this.config = init.config;
    this.store = init.store;
    this.campus = init.campus;
    this.parcels = init.parcels;
    this.robots = init.robots;
    this.tokens = init.tokens;
    this.tracker = init.tracker;
    this.dispatch = init.dispatch;
    this.metrics = init.metrics;
    this.logger = init.logger;
    this.url = init.url;
    this.mqttUrl = init.mqttUrl;
    this.#stops = init.stops;
  }

  /** Starts every part; on a failure part-way, stops what had started and rethrows. */
  static async start(config: FleetServerConfig, deps: FleetServerDeps): Promise<FleetServer> {
    const { clock, ids } = deps;
    const logger = deps.logger ?? createLogger({ clock, level: config.logLevel, bindings: { service: 'fleet' } });
    const metrics = deps.metrics ?? new Metrics();
    const stops: Array<() => Promise<void> | void> = [];
    const stopAll = async () => {
      for (const stop of stops.splice(0).reverse()) {
        try {
          await stop();
        } catch (e) {
          logger.error('stopping a fleet server part failed', { error: e });
        }
      }
    };
    try {
      const store = await openStore({
        databaseUrl: config.databaseUrl, clock,
        ...(deps.storeNestedCallCheck === undefined ? {} : { nestedCallCheck: deps.storeNestedCallCheck }),
      });
      stops.push(() => store.close());
      const campus = new CampusModel(deps.campusMap ?? (await loadCampus(config.campus)), config.robotSpeedMps);
      const robots = new SqlRobotRepository(store);
      await robots.refresh();
      const tokens = new SqlTokenRepository(store);
      const alerts = new SqlAlertRepository(store);
      // A robot state is written once the dispatch loop has applied the parcel events it gave (see writeAfter).
      let eventsApplied = (): Promise<void> => Promise.resolve();
      const states = new SqlRobotStateRepository(store, {
        writeAfter: () => eventsApplied(), minIntervalMs: deps.robotStateWriteIntervalMs ?? 0,
      });
      stops.push(() => states.flush());
      const trips = new TripRepository(store);
      const overrides = new OverrideRepository(store);
      const instantActions = new InstantActionRepository(store);

      // MQTT: the given transport (tests), a real broker, or the embedded one with a one-off service password.
      let transport = deps.transport;
      let mqttUrl = config.mqttUrl ?? `mqtt://${config.host}:${config.mqttPort}`;
      if (transport === undefined) {
        let password = config.mqttPassword;
        if (config.mqttUrl === undefined) {
          password = randomBytes(24).toString('base64url');
          const broker = await EmbeddedBroker.start({
            robots, logger, metrics, port: config.mqttPort, host: config.host,
            serviceUsers: [{ username: config.mqttUsername, passwordHash: hashRobotCredential(password) }],
          });
          stops.push(() => broker.close());
          if (config.mqttPort === 0) mqttUrl = `mqtt://${config.host}:${broker.port}`;
        }
        transport = await MqttTransport.connect({
          url: mqttUrl, clientId: `fleet-${randomBytes(4).toString('hex')}`, username: config.mqttUsername,
          ...(password === undefined ? {} : { password }),
        });
        const t = transport;
        stops.push(() => t.close());
      }

      const tracker = new FleetTracker({
        transport, clock, registry: robots, stateRepository: states, alertRepository: alerts, logger: logger.child({ component: 'tracking' }),
        headerIdRepository: new SqlHeaderIdRepository(store),
        metrics: { inc: (name, labels = {}) => metrics.counter(`fleet_${name}`, `tracking: ${name}`, Object.keys(labels)).inc(labels) },
        hubNodeIds: [campus.hubNodeId],
        ...(deps.staleAfterMs === undefined ? {} : { staleAfterMs: deps.staleAfterMs }),
        ...(ids === undefined ? {} : { newActionId: () => ids('ia') }),
        // Several instances behind a real broker split the robots' messages; aedes has no shared subscriptions. The
        // group names the fleet: two fleets on one broker with the same group would steal each other's messages.
        ...(config.mqttUrl === undefined || deps.transport !== undefined ? {} : { shareGroup: config.mqttShareGroup }),
      });

      const outbox = new Outbox(store, clock);
      const parcels = new ParcelService({
        store, clock, outbox, publicBaseUrl: config.publicBaseUrl, isKnownPlace: campus.isDropPlace, placeName: campus.placeName,
        ...(config.notifyUrl === undefined ? {} : { notifyUrl: config.notifyUrl }),
        ...(deps.codePolicy === undefined ? {} : { codePolicy: deps.codePolicy }),
        ...(ids === undefined ? {} : { newId: ids }),
      });

      const live = new LiveHub({
        clock,
        authenticate: async (token) => {
          if (!looksLikeToken(token)) return undefined;
          const record = await tokens.findActiveByHash(hashToken(token));
          return record === undefined ? undefined : { role: record.role };
        },
      });
      stops.push(() => live.close());
      const publish: ApiDeps['publish'] = (message) => live.publish(message);
      const dispatchConfig = createDispatchConfig({ ...campusDeliveryPolicy, ...deps.dispatch, hub: campus.hub.id });
      // Re-routes of trips under way (cancelOrder + new order, or an order update); see LiveReroute.ts.
      const liveReroute = new LiveReroute({
        store, clock, parcels, trips, tracker, campus, logger, instantActions, config: dispatchConfig,
        ...(deps.waitForRecipientS === undefined ? {} : { waitForRecipientS: deps.waitForRecipientS }),
      });
      const dispatch = new DispatchLoop({
        store, clock, parcels, trips, overrides, tracker, campus, logger, metrics,
        config: dispatchConfig,
        interceptParcelEvent: (e) => liveReroute.interceptParcelEvent(e),
        periodMs: config.dispatchPeriodMs,
        ...(deps.waitForRecipientS === undefined ? {} : { waitForRecipientS: deps.waitForRecipientS }),
        onParcelChanged: (p) => {
          publish({ type: 'parcel', parcel: parcelView(p) });
          deps.onParcelChanged?.(p);
        },
        ...(ids === undefined ? {} : { newId: ids }),
        docks: new DockRepository(store),
        ...(deps.charging === undefined ? {} : { charging: deps.charging }),
        ...(deps.baysPerDock === undefined ? {} : { baysPerDock: deps.baysPerDock }),
        ...(deps.criticalBatteryPct === undefined ? {} : { criticalBatteryPct: deps.criticalBatteryPct }),
        ...(deps.chargingEnabled === undefined ? {} : { chargingEnabled: deps.chargingEnabled }),
        ...deps.dispatchLoop,
      });
      eventsApplied = () => dispatch.idle();
      tracker.on('robotChanged', (r) => publish({ type: 'robot', robot: robotView(r, campus) }));
      tracker.on('alert', (change) => {
        const a = change.alert;
        publish({ type: 'alert', alert: alertView({
          id: a.id, robotSerial: a.robot, parcelId: a.parcelId ?? null, kind: a.kind, severity: a.severity, message: a.message, raisedAtMs: a.raisedAtMs,
          clearedAtMs: a.clearedAtMs ?? null, acknowledgedAtMs: a.acknowledged?.atMs ?? null, acknowledgedBy: a.acknowledged?.by ?? null,
        }) });
      });
      await tracker.start();
      stops.push(() => tracker.stop());
      await dispatch.start();
      stops.push(() => dispatch.stop());
      await liveReroute.start();
      stops.push(() => liveReroute.stop());

      // The registry is cached for the tracker's hot path; reload it now and then for robots added elsewhere.
      const refresh: TimerHandle = clock.setInterval(30_000, () => {
        void robots.refresh().catch((e: unknown) => logger.warn('robot registry refresh failed', { error: e }));
      });
      stops.push(() => clock.clearTimer(refresh));

      if (config.webhookSecret !== undefined) {
        const webhooks = new WebhookDispatcher({
          outbox, clock, secret: config.webhookSecret,
          onAttemptFailed: (info) => logger.warn('notification attempt failed', info),
        });
        webhooks.start();
        stops.push(() => webhooks.stop());
      } else {
        logger.warn('WEBHOOK_SECRET is not set: recipient notifications stay queued in the outbox');
      }

      const apiDeps: ApiDeps = {
        clock, store, logger, parcels, robots, tokens, alerts, trips, overrides, instantActions, tracker, campus, publish,
        triggerDispatch: () => dispatch.shelfChanged(),
        recoverRobot: (serial, options) => dispatch.recoverRobot(serial, options),
        rerouteLive: (serial, stops, by) => liveReroute.request(serial, stops, by),
      };
      let url = '';
      if (deps.listenHttp !== false) {
        const app = createHttpApp({
          clock, logger, metrics,
          auth: { tokens, tracking: trackingLookup(apiDeps) },
          routes: apiRoutes(apiDeps),
          // A batch of 10,000 parcels is about 2 MB of JSON.
          bodyLimitBytes: 8 * 1024 * 1024,
          readiness: {
            database: async () => {
              await store.query('SELECT 1 AS ok');
            },
          },
          openApiInfo: { title: 'Campus fleet server', version: '0.1.0', description: 'Parcels, robots, alerts, tracking. See docs/fleet-server.md.' },
          extra: [{ path: '/', router: consoleRouter() }],
        });
        const server: Server = createServer(app);
        live.attach(server);
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(config.port, config.host, () => resolve());
        });
        stops.push(() => new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }));
        const { port } = server.address() as AddressInfo;
        url = `http://${config.host}:${port}`;
      }
      logger.info('fleet server started', { url, mqtt: config.mqttUrl === undefined ? 'embedded' : 'external', campus: campus.mapId, robots: robots.list().length });
      return new FleetServer({ config, store, campus, parcels, robots, tokens, tracker, dispatch, metrics, logger, url, mqttUrl, stops });
    } catch (e) {
      await stopAll();
      throw e;
    }
  }

  /** Stops everything, newest part first; safe to call twice. */
  async stop(): Promise<void> {
    for (const stop of this.#stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (e) {
        this.logger.error('stopping a fleet server part failed', { error: e });
      }
    }
    this.logger.info('fleet server stopped');
  }
}
