/**
 * `robot run`: runs one robot's onboard nodes. With ROS 2 (rclnodejs) the nodes run on the real ROS graph on ROS
 * time, and the robot's own drivers publish the sensor topics. Without ROS 2 they run on the in-process bus against
 * a simulated world of the campus (one robot at the hub), on a virtual clock advanced in real time × `--speedup`.
 * The VDA 5050 bridge connects to `--broker` when given. SIGINT/SIGTERM stop cleanly (connection OFFLINE).
 *
 *   npm run robot -- run --serial R1 --broker mqtt://127.0.0.1:1883
 */
import { parseArgs } from 'node:util';
import { SystemClock } from '../clock/index.ts';
import { MessageBuilder } from '../protocol/index.ts';
import { InMemoryBroker, type MessageTransport } from '../transport/index.ts';
import { connectRobotTransport } from './bridge/index.ts';
import { loadCampusCached, ZJU_CAMPUS_FILE } from './closedLoop/campusCache.ts';
import { ClosedLoopSim } from './closedLoop/ClosedLoopSim.ts';
import { createRobotStack } from './RobotStack.ts';
import { createRosContext, loadParamsFile, type ParamsFile } from './ros/index.ts';

const USAGE = `usage: robot run --serial <id> [--manufacturer <name>] [--broker mqtt://host:port] [--username u] [--password p]
                 [--campus <file>] [--params-file <yaml>] [--adapter auto|rclnodejs|in-process] [--speedup <n>]`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'run') throw new UsageError(command === undefined ? 'missing command' : `unknown command '${command}'`);
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      serial: { type: 'string' },
      manufacturer: { type: 'string', default: 'campus-fleet' },
      broker: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      campus: { type: 'string', default: ZJU_CAMPUS_FILE },
      'params-file': { type: 'string' },
      adapter: { type: 'string', default: 'auto' },
      speedup: { type: 'string', default: '1' },
      nodes: { type: 'string' },
    },
  });
  const serial = values.serial;
  if (!serial || !/^[A-Za-z0-9_-]+$/.test(serial)) throw new UsageError('--serial is required: letters, digits, _ or - (it is the ROS namespace)');
  const adapter = values.adapter;
  if (adapter !== 'auto' && adapter !== 'rclnodejs' && adapter !== 'in-process') throw new UsageError(`--adapter must be auto, rclnodejs or in-process, not '${adapter}'`);
  const speedup = Number(values.speedup);
  if (!(speedup > 0) || !Number.isFinite(speedup)) throw new UsageError(`--speedup must be a positive number, not '${values.speedup}'`);
  if (values.broker && !/^(mqtts?|wss?|tcp):\/\//.test(values.broker)) throw new UsageError(`--broker must be a URL like mqtt://host:1883, not '${values.broker}'`);
  const params: ParamsFile = values['params-file'] ? loadParamsFile(values['params-file']) : {};
  const campus = await loadCampusCached(values.campus);

  const connect = async (builder: MessageBuilder): Promise<MessageTransport> =>
    values.broker
      ? connectRobotTransport({
        url: values.broker, builder,
        ...(values.username !== undefined ? { username: values.username } : {}),
        ...(values.password !== undefined ? { password: values.password } : {}),
      })
      : new InMemoryBroker().connect(`${builder.manufacturer}-${serial}`);

  let stop: () => Promise<void>;
  if (adapter !== 'in-process') {
    const chosen = await createRosContext({ adapter });
    if (chosen.adapter === 'rclnodejs') {
      const clock = chosen.context.createNode('robot_clock').getClock();
      const builder = new MessageBuilder({ clock, manufacturer: values.manufacturer, serialNumber: serial });
      const stack = createRobotStack({
        context: chosen.context, serial, manufacturer: values.manufacturer, campus, clock, params, transport: await connect(builder),
      });
      await stack.start();
      console.log(`robot ${serial}: nodes active on ROS 2 under /${serial}; bridge ${values.broker ?? '(no broker: in-memory)'}`);
      stop = async () => {
        await stack.stop();
        await chosen.context.shutdown();
      };
      return waitForSignal(stop);
    }
    await chosen.context.shutdown();
  }
  // No ROS 2: the in-process bus against a simulated world, one robot at the hub.
  const sim = new ClosedLoopSim({ campus, seed: 1, startMs: new SystemClock().now(), logSink: (e) => console.log(`[${e.level}] ${e.node}: ${e.message}`) });
  const hub = campus.findPlace('hub') ?? campus.places[0];
  if (!hub) throw new UsageError(`campus ${values.campus} has no places to start at`);
  const start = { x: campus.graph.nodeX[hub.node]!, y: campus.graph.nodeY[hub.node]!, theta: 0 };
  const builder = new MessageBuilder({ clock: sim.clock, manufacturer: values.manufacturer, serialNumber: serial });
  await sim.addRobot({ serial, manufacturer: values.manufacturer, start, params, transport: await connect(builder) });
  console.log(`robot ${serial}: nodes on the in-process bus, simulated at ${hub.name} on ${campus.name}, ×${speedup}; bridge ${values.broker ?? '(no broker: in-memory)'}`);
  const tickMs = 50;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void sim.clock.runUntilAsync(sim.clock.now() + tickMs * speedup).finally(() => {
      busy = false;
    });
  }, tickMs);
  stop = async () => {
    clearInterval(timer);
    await sim.stop();
  };
  return waitForSignal(stop);
}

function waitForSignal(stop: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    const onSignal = (signal: string) => {
      console.log(`robot: ${signal}; stopping (connection OFFLINE)`);
      stop().then(() => resolve(0), (error: unknown) => {
        console.error(`robot: stop failed: ${error instanceof Error ? error.message : String(error)}`);
        resolve(1);
      });
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      console.error(`robot: ${error.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(`robot: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
