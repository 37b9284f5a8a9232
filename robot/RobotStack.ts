/**
 * One robot's onboard stack: the localization, planner, controller, safety and mission nodes in the robot's
 * namespace on any RosContext (rclnodejs on a robot, the in-process bus in the simulator), plus the VDA 5050 bridge
 * when a transport is given. `start()` configures and activates every node (failing loudly, with every problem, if
 * one cannot), then starts the bridge; `stop()` deactivates (the controller and safety publish a final stop) and
 * announces OFFLINE.
 */
import type { Clock } from '../clock/index.ts';
import type { CampusMap, Pose2 } from '../maps/index.ts';
import { MessageBuilder } from '../protocol/index.ts';
import type { MessageTransport } from '../transport/index.ts';
import { VdaBridge, defaultFactsheet, type VdaBridgeOptions } from './bridge/index.ts';
import type { Logger as MissionLogger, MissionRunner } from './mission/index.ts';
import { ControllerNode } from './nodes/ControllerNode.ts';
import { LocalizationNode } from './nodes/LocalizationNode.ts';
import { MissionNode, type MissionNodeOptions } from './nodes/MissionNode.ts';
import { PlannerNode } from './nodes/PlannerNode.ts';
import { SafetyNode } from './nodes/SafetyNode.ts';
import { RosPortError, paramsForNode, type LifecycleNode, type ParameterValue, type ParamsFile, type RosContext } from './ros/index.ts';

export const ROBOT_NODE_NAMES = ['localization', 'planner', 'controller', 'safety', 'mission'] as const;
export type RobotNodeName = (typeof ROBOT_NODE_NAMES)[number];

export interface RobotStackOptions {
  context: RosContext;
  /** VDA 5050 serial number; also the ROS namespace (`/R1`). */
  serial: string;
  manufacturer: string;
  campus: CampusMap;
  clock: Clock;
  /** MQTT (or in-memory) connection to the master; no bridge without it. */
  transport?: MessageTransport;
  /** A params file (as parsed) or per-node overrides: `{ controller: { desired_speed_mps: 1.2 } }`. */
  params?: ParamsFile;
  /** Where the robot boots, map frame: seeds localization (`initial_pose`) and the mission. */
  initialPose?: Pose2;
  /** Nodes to run (default all). */
  nodes?: readonly RobotNodeName[];
  mission?: Omit<MissionNodeOptions, 'initialPose'>;
  bridge?: Pick<VdaBridgeOptions, 'statePeriodMs' | 'visualizationPeriodMs' | 'interfaceName' | 'logger'>;
  logger?: MissionLogger;
}

export interface RobotStack {
  readonly serial: string;
  readonly namespace: string;
  readonly localization?: LocalizationNode;
  readonly planner?: PlannerNode;
  readonly controller?: ControllerNode;
  readonly safety?: SafetyNode;
  readonly mission?: MissionNode;
  readonly bridge?: VdaBridge;
  /** The mission runner (the mission node's); throws when the mission node is not part of this stack. */
  readonly runner: MissionRunner;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Creates (but does not start) one robot's nodes in namespace `/<serial>`. */
export function createRobotStack(options: RobotStackOptions): RobotStack {
  const { context, serial, campus } = options;
  const namespace = `/${serial}`;
  const want = new Set(options.nodes ?? ROBOT_NODE_NAMES);
  const file = options.params ?? {};
  const nodeOptions = (name: RobotNodeName) => {
    const overrides: Record<string, ParameterValue> = { ...paramsForNode(file, namespace, name) };
    if (name === 'localization' && options.initialPose && overrides.initial_pose === undefined) {
      const p = options.initialPose;
      overrides.initial_pose = [p.x, p.y, p.theta];
    }
    // The robot reports positions on the campus's own mapId, which is what the fleet server puts in its orders;
    // a params file may still name another map explicitly.
    if (name === 'mission' && overrides.map_id === undefined) overrides.map_id = campus.mapId;
    return { namespace, parameterOverrides: overrides };
  };
  const localization = want.has('localization') ? new LocalizationNode(context.createNode('localization', nodeOptions('localization')), { campus }) : undefined;
  const planner = want.has('planner') ? new PlannerNode(context.createNode('planner', nodeOptions('planner')), { campus }) : undefined;
  const controller = want.has('controller') ? new ControllerNode(context.createNode('controller', nodeOptions('controller'))) : undefined;
  const safety = want.has('safety') ? new SafetyNode(context.createNode('safety', nodeOptions('safety'))) : undefined;
  const mission = want.has('mission')
    ? new MissionNode(context.createNode('mission', nodeOptions('mission')), {
      ...options.mission,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.initialPose ? { initialPose: options.initialPose } : {}),
    })
    : undefined;
  // Order matters at start-up: mission last, so its first goal finds the planner and controller active.
  const lifecycles: LifecycleNode[] = [localization, planner, controller, safety, mission]
    .filter((n) => n !== undefined)
    .map((n) => n.lifecycle);
  let bridge: VdaBridge | undefined;

  const stack: RobotStack = {
    serial,
    namespace,
    ...(localization ? { localization } : {}),
    ...(planner ? { planner } : {}),
    ...(controller ? { controller } : {}),
    ...(safety ? { safety } : {}),
    ...(mission ? { mission } : {}),
    get bridge() {
      return bridge;
    },
    get runner() {
      if (!mission) throw new RosPortError('ROS_NODE_DESTROYED', `robot ${serial}: no mission node in this stack`);
      return mission.runner;
    },
    async start() {
      const problems: string[] = [];
      for (const lc of lifecycles) {
        const r = lc.startUp();
        if (!r.ok) problems.push(`${lc.node.namespace()}/${lc.node.name()}: ${r.reason}`);
      }
      if (problems.length > 0) {
        throw new RosPortError('ROS_PARAMETER_INVALID', `robot ${serial}: nodes failed to start:\n  ${problems.join('\n  ')}`);
      }
      if (options.transport && mission) {
        const builder = new MessageBuilder({ clock: options.clock, manufacturer: options.manufacturer, serialNumber: serial });
        bridge = new VdaBridge({
          transport: options.transport,
          clock: options.clock,
          builder,
          runner: mission.runner,
          factsheet: defaultFactsheet({ compartmentCount: mission.executor.compartmentCount }),
          ...options.bridge,
          ...(options.logger && !options.bridge?.logger ? { logger: options.logger } : {}),
        });
        await bridge.start();
      }
    },
    async stop() {
      for (const lc of [...lifecycles].reverse()) if (lc.isActive) lc.deactivate();
      for (const lc of lifecycles) lc.shutdown();
      await bridge?.stop();
    },
  };
  return stack;
}
