/**
 * Test and benchmark helper: a robot that publishes valid VDA 5050 2.0.0 messages (built and schema-checked by
 * MessageBuilder, as the robot side does) on whatever transport it is given, with its state scripted by the test.
 */
import type { Clock } from '../../../clock/index.ts';
import {
  MessageBuilder, encodeMessage, type ActionState, type Connection, type State, type VdaBody,
} from '../../../protocol/index.ts';
import type { MessageTransport } from '../../../transport/index.ts';

export type StateBody = VdaBody<'state'>;

/** An idle robot at the hub, full battery, no order: the smallest valid state body. */
export function idleStateBody(overrides: Partial<StateBody> = {}): StateBody {
  return {
    orderId: '', orderUpdateId: 0, lastNodeId: 'hub', lastNodeSequenceId: 0, driving: false, paused: false,
    operatingMode: 'AUTOMATIC', nodeStates: [], edgeStates: [],
    agvPosition: { x: 0, y: 0, theta: 0, mapId: 'campus', positionInitialized: true },
    loads: [], actionStates: [],
    batteryState: { batteryCharge: 90, charging: false },
    errors: [], safetyState: { eStop: 'NONE', fieldViolation: false },
    ...overrides,
  };
}

export class ScriptedRobot {
  readonly builder: MessageBuilder;
  readonly transport: MessageTransport;
  body: StateBody;

  constructor(options: { transport: MessageTransport; clock: Clock; manufacturer: string; serial: string; body?: StateBody }) {
    this.transport = options.transport;
    this.builder = new MessageBuilder({ clock: options.clock, manufacturer: options.manufacturer, serialNumber: options.serial });
    this.body = options.body ?? idleStateBody();
  }

  /** Applies `patch` to the scripted state and publishes it; returns the message sent. */
  async publishState(patch: Partial<StateBody> = {}): Promise<State> {
    this.body = { ...this.body, ...patch };
    const message = this.builder.build('state', this.body);
    await this.transport.publish(this.builder.topic('state'), encodeMessage(message));
    return message;
  }

  /** Sets one action's status (adding it if absent) and publishes the state. */
  async setAction(actionId: string, actionType: string, actionStatus: ActionState['actionStatus'], resultDescription?: string, patch: Partial<StateBody> = {}): Promise<State> {
    const entry: ActionState = { actionId, actionType, actionStatus, ...(resultDescription === undefined ? {} : { resultDescription }) };
    const others = this.body.actionStates.filter((a) => a.actionId !== actionId);
    const i = this.body.actionStates.findIndex((a) => a.actionId === actionId);
    const actionStates = i < 0 ? [...others, entry] : this.body.actionStates.map((a) => (a.actionId === actionId ? entry : a));
    return this.publishState({ ...patch, actionStates });
  }

  async publishConnection(connectionState: Connection['connectionState']): Promise<void> {
    const message = this.builder.build('connection', { connectionState });
    await this.transport.publish(this.builder.topic('connection'), encodeMessage(message), { retain: true });
  }

  async publishVisualization(x: number, y: number): Promise<void> {
    const message = this.builder.build('visualization', { agvPosition: { x, y, theta: 0, mapId: 'campus', positionInitialized: true } });
    await this.transport.publish(this.builder.topic('visualization'), encodeMessage(message));
  }

  /** The last-will payload a robot registers when it connects [VDA5050 §6.14]. */
  lastWill(): { topic: string; payload: Buffer; retain: boolean } {
    return { topic: this.builder.topic('connection'), payload: encodeMessage(this.builder.build('connection', { connectionState: 'CONNECTIONBROKEN' })), retain: true };
  }
}
