/**
 * The robot's VDA 5050 order executor, pure and deterministic: events in (each with the time `nowMs`), effects and a
 * VDA `state` body out. It applies the acceptance rules for orders and order updates [VDA5050 §6.6], drives only on
 * the base, triggers node actions on traversal [§6.10.2] with their blocking types, runs the instant actions
 * [§6.8.1], and runs the delivery custom actions on the compartments (docs/protocol.md), checking pickup codes locally
 * against the salted hash so a handover works offline.
 */
import {
  deliveryActionsOf,
  verifyPickupCode,
  type Action,
  type ActionState,
  type CodeHash,
  type DeliveryAction,
  type DeliveryFailureReason,
  type Edge,
  type Node,
  type Order,
  type ProtocolErrorDetail,
} from '../../../protocol/index.ts';
import type {
  CompartmentPurpose, ErrorEntry, InstantAction, MapPose, MissionEffect, MissionEvent, StateBody,
} from './missionTypes.ts';

export interface MissionExecutorOptions {
  /** Compartments on the robot, numbered 0..n-1. Default 6. */
  compartmentCount?: number;
  /** Distance within which the robot counts as standing on a node whose allowedDeviationXy is 0 or absent. Default 0.5 m. */
  defaultDeviationXyM?: number;
  /** Longest errors list reported; the oldest transient warnings are dropped first. Default 16 (our factsheet). */
  maxErrors?: number;
  /** Initial battery charge, percent. Default 100. */
  batteryChargePercent?: number;
  /** Initial pose, when the robot knows where it is. */
  initialPose?: MapPose;
}

type Status = ActionState['actionStatus'];
type Ref = { referenceKey: string; referenceValue: string };

/** A compartment's content as the robot knows it. */
interface Occupant {
  parcelId: string;
  code: CodeHash | undefined;
  locked: boolean;
}

type Run =
  | { kind: 'load'; open: Map<number, { parcelId: string; code: CodeHash }> }
  | { kind: 'handOver'; phase: 'waitingCode' | 'doorOpen'; deadlineMs: number; attempts: number }
  | { kind: 'return'; open: Map<number, string> }
  | { kind: 'maintenance'; compartment: number };

interface ActionRecord {
  action: Action | InstantAction;
  scope: 'node' | 'instant';
  /** sequenceId of the node that carries a node action. */
  nodeSequenceId: number;
  status: Status;
  resultDescription?: string;
  delivery?: DeliveryAction;
  run?: Run;
}

/** Errors that stay until the next accepted order (the standard's rule for order rejections [§6.6.4]). */
type ErrorLife = 'untilOrder' | 'fault';

const TERMINAL: ReadonlySet<Status> = new Set(['FINISHED', 'FAILED']);
const SUPPORTED_INSTANT = new Set(['startPause', 'stopPause', 'cancelOrder', 'startCharging', 'stopCharging', 'stateRequest', 'factsheetRequest']);
const MAX_DESCRIPTION = 400;

/**
 * Executes orders for one robot. Call `handle(event, nowMs)`; it returns the effects to carry out, in order.
 * `state()` gives the VDA 5050 state body; `nextDeadlineMs()` says when to send the next `tick`.
 */
export class MissionExecutor {
  readonly compartmentCount: number;
  readonly #deviationM: number;
  readonly #maxErrors: number;

  #orderId = '';
  #orderUpdateId = 0;
  #lastNodeId = '';
  #lastNodeSequenceId = 0;
  /** The last released node received in the current order: where an order update must stitch [§6.6.2]. */
  #baseEnd: { nodeId: string; sequenceId: number } | undefined;
  #nodes: Node[] = [];
  #edges: Edge[] = [];
  #actions: ActionRecord[] = [];
  #driving = false;
  #target: number | undefined;
  #paused = false;
  #pendingCancel: ActionRecord | undefined;
  #errors: Array<{ entry: ErrorEntry; life: ErrorLife }> = [];
  #pose: MapPose | undefined;
  #velocity: { vx: number; vy: number; omega: number } | undefined;
  #localizationScore: number | undefined;
  #charge: number;
  #voltage: number | undefined;
  #charging = false;
  #compartments = new Map<number, Occupant>();
  #openDoors = new Map<number, ActionRecord>();
  /** Parcels ever handed over by this robot: a parcel is never handed over twice, in this order or a later one. */
  #handedOver = new Set<string>();

  constructor(options: MissionExecutorOptions = {}) {
    this.compartmentCount = options.compartmentCount ?? 6;
    this.#deviationM = options.defaultDeviationXyM ?? 0.5;
    this.#maxErrors = options.maxErrors ?? 16;
    this.#charge = options.batteryChargePercent ?? 100;
    this.#pose = options.initialPose;
  }

  /** Applies one event at time `nowMs` and returns the effects to carry out. Never throws for bad input. */
  handle(event: MissionEvent, nowMs: number): MissionEffect[] {
    const fx: MissionEffect[] = [];
    switch (event.type) {
      case 'order':
        this.#onOrder(event.order, nowMs, fx);
        break;
      case 'instantActions':
        for (const a of event.actions) this.#onInstant(a, nowMs, fx);
        break;
      case 'arrivedAtNode':
        this.#onArrived(event.nodeId, event.sequenceId, nowMs, fx);
        break;
      case 'position':
        this.#pose = { ...event.pose };
        this.#velocity = event.velocity;
        this.#localizationScore = event.localizationScore;
        break;
      case 'keypadEntry':
        this.#onKeypad(event.parcelId, event.code, fx);
        break;
      case 'compartmentClosed':
        this.#onClosed(event.compartment, event.occupied, fx);
        break;
      case 'chargingChanged':
        this.#charging = event.charging;
        this.#finishInstant(event.charging ? 'startCharging' : 'stopCharging');
        break;
      case 'chargingRefused':
        this.#refuseInstant('startCharging', 'chargingNotPossible', event.reason);
        break;
      case 'batteryUpdate':
        this.#charge = Math.min(100, Math.max(0, event.chargePercent));
        this.#voltage = event.voltageV;
        break;
      case 'fault':
        this.#errors = this.#errors.filter((e) => !(e.life === 'fault' && e.entry.errorType === event.errorType));
        this.#addError(event.errorType, event.description, [], 'fault', event.level);
        if (event.level === 'FATAL' && this.#driving) this.#stop('fault', fx);
        break;
      case 'faultCleared':
        this.#errors = this.#errors.filter((e) => !(e.life === 'fault' && e.entry.errorType === event.errorType));
        break;
      case 'messageRejected':
        this.#addError('validationError', `${event.topic} rejected (${event.code}): ${event.description}`, [
          { referenceKey: 'topic', referenceValue: event.topic },
        ]);
        break;
      case 'tick':
        this.#onTick(nowMs, fx);
        break;
    }
    this.#advance(nowMs, fx);
    return fx;
  }

  /** The earliest time a `tick` has work to do (a recipient wait running out), or undefined. */
  nextDeadlineMs(): number | undefined {
    let next: number | undefined;
    for (const r of this.#actions) {
      if (r.status === 'RUNNING' && r.run?.kind === 'handOver' && r.run.phase === 'waitingCode') {
        next = next === undefined ? r.run.deadlineMs : Math.min(next, r.run.deadlineMs);
      }
    }
    return next;
  }

  /** True while an order is being executed or waits for an update [VDA5050 §6.6.2 step 3]. */
  get active(): boolean {
    return this.#nodes.length > 0 || this.#actions.some((r) => !TERMINAL.has(r.status));
  }

  get driving(): boolean {
    return this.#driving;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Parcel ids handed over so far. */
  get handedOver(): ReadonlySet<string> {
    return this.#handedOver;
  }

  /** The compartment's parcel, if any. */
  compartment(n: number): Readonly<Occupant> | undefined {
    return this.#compartments.get(n);
  }

  /** The VDA 5050 state body (a fresh object). */
  state(): StateBody {
    const body: StateBody = {
      orderId: this.#orderId,
      orderUpdateId: this.#orderUpdateId,
      lastNodeId: this.#lastNodeId,
      lastNodeSequenceId: this.#lastNodeSequenceId,
      driving: this.#driving,
      paused: this.#paused,
      operatingMode: 'AUTOMATIC',
      nodeStates: this.#nodes.map((n) => {
        const s: StateBody['nodeStates'][number] = { nodeId: n.nodeId, sequenceId: n.sequenceId, released: n.released };
        if (n.nodeDescription !== undefined) s.nodeDescription = n.nodeDescription;
        // The 2.0.0 state schema requires theta here (docs/protocol.md, defect 3): mirror the position only with it.
        const p = n.nodePosition;
        if (p !== undefined && p.theta !== undefined) s.nodePosition = { x: p.x, y: p.y, theta: p.theta, mapId: p.mapId };
        return s;
      }),
      edgeStates: this.#edges.map((e) => {
        const s: StateBody['edgeStates'][number] = { edgeId: e.edgeId, sequenceId: e.sequenceId, released: e.released };
        if (e.edgeDescription !== undefined) s.edgeDescription = e.edgeDescription;
        return s;
      }),
      loads: [...this.#compartments.entries()]
        .sort(([a], [b]) => a - b)
        .map(([n, o]) => ({ loadId: o.parcelId, loadType: 'parcel', loadPosition: `compartment-${n}` })),
      actionStates: this.#actions.map((r) => {
        const s: ActionState = { actionId: r.action.actionId, actionType: r.action.actionType, actionStatus: r.status };
        if (r.action.actionDescription !== undefined) s.actionDescription = r.action.actionDescription;
        if (r.resultDescription !== undefined) s.resultDescription = r.resultDescription;
        return s;
      }),
      batteryState: { batteryCharge: this.#charge, charging: this.#charging },
      errors: this.#errors.map((e) => ({ ...e.entry, errorReferences: e.entry.errorReferences?.map((r) => ({ ...r })) ?? [] })),
      safetyState: { eStop: 'NONE', fieldViolation: false },
    };
    if (this.#voltage !== undefined) body.batteryState.batteryVoltage = this.#voltage;
    if (this.#pose !== undefined) {
      body.agvPosition = { ...this.#pose, positionInitialized: true };
      if (this.#localizationScore !== undefined) body.agvPosition.localizationScore = this.#localizationScore;
    }
    if (this.#velocity !== undefined) body.velocity = { ...this.#velocity };
    return body;
  }

  // ---- orders [VDA5050 §6.6] ----

  #onOrder(order: Order, nowMs: number, fx: MissionEffect[]): void {
    const refs = [{ referenceKey: 'orderId', referenceValue: order.orderId }, { referenceKey: 'orderUpdateId', referenceValue: String(order.orderUpdateId) }];
    const nodes = [...order.nodes].sort((a, b) => a.sequenceId - b.sequenceId);
    const edges = [...order.edges].sort((a, b) => a.sequenceId - b.sequenceId);

    // (1) Is the order valid? Beyond the schema: graph structure and delivery parameters [§6.6.4.1].
    const invalid = [...checkStructure(nodes, edges)];
    const delivery = deliveryActionsOf({ nodes, edges });
    if (!delivery.ok) invalid.push(...delivery.error.details);
    if (invalid.length > 0) {
      this.#addError('validationError', describe(invalid), [...refs, ...pathRefs(invalid, nodes, edges)]);
      return;
    }
    // Actions or fields the robot cannot do or use [§6.6.4.2].
    const unusable = this.#checkCapabilities(nodes, edges);
    if (unusable.length > 0) {
      this.#addError('orderError', unusable.map((u) => u.message).join('; '), [...refs, ...unusable.flatMap((u) => u.refs)]);
      return;
    }
    if (!delivery.ok) return; // reported above
    const decoded = new Map(delivery.value.map((d) => [d.actionId, d.action]));

    if (order.orderId !== this.#orderId || this.#orderId === '') {
      // (2) A new order. (3) Reject while still executing or waiting for an update.
      if (this.active) {
        this.#addError('orderError', `new order ${order.orderId} rejected: order ${this.#orderId} is still active (cancel it first)`, refs);
        return;
      }
      // (4) The start of a new order must be where the robot stands [§6.6.3.1].
      const first = nodes[0]!;
      if (!this.#isAt(first)) {
        this.#addError('orderError', `new order ${order.orderId} rejected: first node ${first.nodeId} is not within its deviation range of the robot`, [
          ...refs, { referenceKey: 'nodeId', referenceValue: first.nodeId },
        ]);
        return;
      }
      this.#clearOrderErrors();
      this.#orderId = order.orderId;
      this.#orderUpdateId = order.orderUpdateId;
      this.#actions = this.#actions.filter((r) => !TERMINAL.has(r.status)); // "kept until a new order is received"
      this.#nodes = nodes;
      this.#edges = edges;
      this.#addActionRecords(nodes, decoded);
      this.#baseEnd = lastReleased(nodes);
      this.#traverse(first, nowMs, fx);
      return;
    }

    // Same orderId: an update. (5) Deprecated → orderUpdateError [§6.6.4.3]; (6) same id → ignored.
    if (order.orderUpdateId < this.#orderUpdateId) {
      this.#addError('orderUpdateError', `order update ${order.orderUpdateId} of ${order.orderId} is older than the current ${this.#orderUpdateId}`, refs);
      return;
    }
    if (order.orderUpdateId === this.#orderUpdateId) return;

    // (7)/(8) The update must continue the current base: its first node is the base's last node (while active) or
    // the last traversed node (when the previous base is done), by nodeId and sequenceId.
    const first = nodes[0]!;
    const stitch = this.active ? this.#baseEnd : { nodeId: this.#lastNodeId, sequenceId: this.#lastNodeSequenceId };
    if (stitch === undefined || first.nodeId !== stitch.nodeId || first.sequenceId !== stitch.sequenceId) {
      const where = stitch === undefined ? 'nothing' : `${stitch.nodeId}/${stitch.sequenceId}`;
      this.#addError('orderUpdateError', `order update ${order.orderUpdateId} starts at ${first.nodeId}/${first.sequenceId}, not at the end of the current base (${where})`, [
        ...refs, { referenceKey: 'nodeId', referenceValue: first.nodeId },
      ]);
      return;
    }
    this.#clearOrderErrors();
    // Clear the horizon, then append; the stitching node keeps the content of the first transmission [§6.6.2].
    const horizonSeqs = new Set(this.#nodes.filter((n) => !n.released).map((n) => n.sequenceId));
    this.#nodes = this.#nodes.filter((n) => n.released);
    this.#edges = this.#edges.filter((e) => e.released);
    this.#actions = this.#actions.filter((r) => !(r.scope === 'node' && horizonSeqs.has(r.nodeSequenceId)));
    const added = nodes.slice(1);
    this.#nodes.push(...added);
    this.#edges.push(...edges);
    this.#addActionRecords(added, decoded);
    this.#orderUpdateId = order.orderUpdateId;
    this.#baseEnd = lastReleased(nodes) ?? this.#baseEnd;
    this.#pendingCancel = undefined;
  }

  #checkCapabilities(nodes: Node[], edges: Edge[]): Array<{ message: string; refs: Ref[] }> {
    const out: Array<{ message: string; refs: Ref[] }> = [];
    for (const n of nodes) {
      for (const a of n.actions) {
        if (!['loadParcels', 'handOverParcel', 'returnParcels', 'openCompartment'].includes(a.actionType)) {
          out.push({ message: `node ${n.nodeId}: action type ${a.actionType} is not supported`, refs: [{ referenceKey: 'actionId', referenceValue: a.actionId }, { referenceKey: 'actionType', referenceValue: a.actionType }] });
        }
        for (const c of compartmentsOf(a)) {
          if (c >= this.compartmentCount) {
            out.push({ message: `action ${a.actionId}: compartment ${c} does not exist (robot has ${this.compartmentCount})`, refs: [{ referenceKey: 'actionId', referenceValue: a.actionId }] });
          }
        }
      }
    }
    for (const e of edges) {
      for (const a of e.actions) {
        out.push({ message: `edge ${e.edgeId}: edge action ${a.actionType} is not supported`, refs: [{ referenceKey: 'actionId', referenceValue: a.actionId }, { referenceKey: 'edgeId', referenceValue: e.edgeId }] });
      }
      if (e.trajectory !== undefined) {
        out.push({ message: `edge ${e.edgeId}: trajectories are not supported (the robot plans its own path)`, refs: [{ referenceKey: 'edgeId', referenceValue: e.edgeId }] });
      }
    }
    return out;
  }

  #addActionRecords(nodes: Node[], decoded: Map<string, DeliveryAction>): void {
    for (const n of nodes) {
      for (const a of n.actions) {
        const rec: ActionRecord = { action: a, scope: 'node', nodeSequenceId: n.sequenceId, status: 'WAITING' };
        const d = decoded.get(a.actionId);
        if (d !== undefined) rec.delivery = d;
        this.#actions.push(rec);
      }
    }
  }

  #isAt(node: Node): boolean {
    const p = node.nodePosition;
    // Without a pose or a node position, only "standing on the last node" can be known.
    if (this.#pose === undefined || p === undefined) return this.#pose === undefined || (node.nodeId === this.#lastNodeId && !this.#driving);
    if (p.mapId !== this.#pose.mapId) return false;
    const allowed = p.allowedDeviationXy !== undefined && p.allowedDeviationXy > 0 ? p.allowedDeviationXy : this.#deviationM;
    return Math.hypot(p.x - this.#pose.x, p.y - this.#pose.y) <= allowed;
  }

  /** Node traversal [§6.10.2]: drop the node and the edge leading to it, update lastNode, trigger the node's actions. */
  #traverse(node: Node, nowMs: number, fx: MissionEffect[]): void {
    this.#nodes = this.#nodes.filter((n) => n.sequenceId !== node.sequenceId);
    this.#edges = this.#edges.filter((e) => e.sequenceId !== node.sequenceId - 1);
    this.#lastNodeId = node.nodeId;
    this.#lastNodeSequenceId = node.sequenceId;
    this.#startNodeActions(node.sequenceId, nowMs, fx);
  }

  #onArrived(nodeId: string, sequenceId: number, nowMs: number, fx: MissionEffect[]): void {
    const node = this.#nodes[0];
    if (!this.#driving || node === undefined || node.nodeId !== nodeId || node.sequenceId !== sequenceId || this.#target !== sequenceId) return;
    this.#driving = false;
    this.#target = undefined;
    this.#traverse(node, nowMs, fx);
  }

  /**
   * Starts the WAITING actions of a traversed node in list order. HARD actions run alone; NONE/SOFT ones run together
   * [§6.11 blockingType]: all SOFT hand-overs of a stop start at once, each with its own deadline, and the robot
   * drives on when every one of them is FINISHED or FAILED.
   */
  #startNodeActions(seq: number, nowMs: number, fx: MissionEffect[]): void {
    const here = this.#actions.filter((r) => r.scope === 'node' && r.nodeSequenceId === seq);
    for (const r of here) {
      const running = here.filter((o) => o.status === 'RUNNING' || o.status === 'INITIALIZING');
      if (running.some((o) => o.action.blockingType === 'HARD')) return;
      if (r.status !== 'WAITING') continue;
      if (r.action.blockingType === 'HARD' && running.length > 0) return;
      this.#startDelivery(r, nowMs, fx);
    }
  }

  /** Driving is allowed on the base when nothing blocks it. Issues the next `driveTo`. */
  #advance(nowMs: number, fx: MissionEffect[]): void {
    // Actions that finished may let the next ones at the current node start.
    if (this.#orderId !== '') this.#startNodeActions(this.#lastNodeSequenceId, nowMs, fx);
    this.#settleCancel();
    if (this.#driving || this.#paused || this.#fatal()) return;
    const blocked = this.#actions.some((r) =>
      (r.status === 'WAITING' && r.scope === 'node' && r.nodeSequenceId <= this.#lastNodeSequenceId) ||
      ((r.status === 'RUNNING' || r.status === 'INITIALIZING') && r.action.blockingType !== 'NONE'));
    if (blocked) return;
    const next = this.#nodes[0];
    const edge = this.#edges[0];
    if (next === undefined || !next.released || edge === undefined || !edge.released) return;
    const effect: Extract<MissionEffect, { type: 'driveTo' }> = {
      type: 'driveTo', nodeId: next.nodeId, sequenceId: next.sequenceId, edgeId: edge.edgeId, edgeSequenceId: edge.sequenceId,
    };
    const p = next.nodePosition;
    if (p !== undefined) {
      effect.position = { x: p.x, y: p.y, mapId: p.mapId };
      if (p.theta !== undefined) effect.position.theta = p.theta;
    }
    if (edge.maxSpeed !== undefined) effect.maxSpeedMps = edge.maxSpeed;
    this.#driving = true;
    this.#target = next.sequenceId;
    fx.push(effect);
  }

  #fatal(): boolean {
    return this.#errors.some((e) => e.entry.errorLevel === 'FATAL');
  }

  #stop(reason: 'pause' | 'cancel' | 'fault', fx: MissionEffect[]): void {
    if (!this.#driving) return;
    this.#driving = false;
    this.#target = undefined;
    fx.push({ type: 'stopDriving', reason });
  }

  // ---- instant actions [VDA5050 §6.8.1] ----

  #onInstant(a: InstantAction, nowMs: number, fx: MissionEffect[]): void {
    // A resent instant action (same actionId) is acknowledged by its existing state, never run twice.
    if (this.#actions.some((r) => r.action.actionId === a.actionId)) return;
    const rec: ActionRecord = { action: a, scope: 'instant', nodeSequenceId: -1, status: 'RUNNING' };
    this.#actions.push(rec);
    const ref = [{ referenceKey: 'actionId', referenceValue: a.actionId }];
    if (!SUPPORTED_INSTANT.has(a.actionType)) {
      this.#fail(rec, `unsupported instant action ${a.actionType}`);
      this.#addError('orderError', `instant action ${a.actionType} is not supported`, [...ref, { referenceKey: 'actionType', referenceValue: a.actionType }]);
      return;
    }
    switch (a.actionType) {
      case 'startPause':
        this.#paused = true;
        this.#stop('pause', fx);
        rec.status = 'FINISHED';
        break;
      case 'stopPause':
        this.#paused = false;
        rec.status = 'FINISHED';
        break;
      case 'cancelOrder':
        this.#cancel(rec, nowMs, fx);
        break;
      case 'startCharging':
        if (this.#driving) {
          this.#fail(rec, 'cannot charge while driving');
        } else if (this.#charging) rec.status = 'FINISHED';
        else fx.push({ type: 'startCharging' });
        break;
      case 'stopCharging':
        if (!this.#charging) rec.status = 'FINISHED';
        else fx.push({ type: 'stopCharging' });
        break;
      case 'stateRequest':
        rec.status = 'FINISHED';
        fx.push({ type: 'publishState' });
        break;
      case 'factsheetRequest':
        rec.status = 'FINISHED';
        fx.push({ type: 'publishFactsheet' });
        break;
    }
  }

  #finishInstant(actionType: string): void {
    for (const r of this.#actions) if (r.scope === 'instant' && r.action.actionType === actionType && r.status === 'RUNNING') r.status = 'FINISHED';
  }

  /** The hardware would not do what running instant actions of `actionType` wait for: they fail, with an error naming each. */
  #refuseInstant(actionType: string, errorType: string, reason: string): void {
    for (const r of this.#actions) {
      if (r.scope !== 'instant' || r.action.actionType !== actionType || r.status !== 'RUNNING') continue;
      this.#fail(r, reason);
      this.#addError(errorType, `${actionType} failed: ${reason}`, [{ referenceKey: 'actionId', referenceValue: r.action.actionId }]);
    }
  }

  /**
   * cancelOrder [§6.6.3]: stop, fail every action not yet done; an action that cannot be interrupted (a compartment
   * door is open) keeps RUNNING and the cancel reports RUNNING until it ends. Parcels stay aboard; orderId is kept.
   */
  #cancel(rec: ActionRecord, _nowMs: number, fx: MissionEffect[]): void {
    const others = this.#actions.filter((r) => r !== rec);
    const hasOrder = this.#nodes.length > 0 || others.some((r) => r.scope === 'node' && !TERMINAL.has(r.status));
    if (!hasOrder) {
      this.#fail(rec, 'no order to cancel');
      this.#addError('noOrderToCancel', 'cancelOrder received with no order to cancel', [{ referenceKey: 'actionId', referenceValue: rec.action.actionId }]);
      return;
    }
    this.#stop('cancel', fx);
    for (const r of others) {
      if (r.scope !== 'node' || TERMINAL.has(r.status)) continue;
      if (r.run?.kind === 'handOver' && r.run.phase === 'waitingCode') {
        fx.push({ type: 'keypad', show: false, actionId: r.action.actionId, parcelId: r.delivery?.actionType === 'handOverParcel' ? r.delivery.params.parcelId : '' });
        this.#fail(r, 'cancelled');
      } else if (r.status === 'RUNNING' && this.#doorsOf(r) > 0) {
        continue; // a door is open: finishes when it closes
      } else {
        this.#fail(r, 'cancelled');
      }
    }
    this.#nodes = [];
    this.#edges = [];
    this.#baseEnd = { nodeId: this.#lastNodeId, sequenceId: this.#lastNodeSequenceId };
    this.#pendingCancel = rec;
    this.#settleCancel();
  }

  #settleCancel(): void {
    const c = this.#pendingCancel;
    if (c === undefined) return;
    if (this.#actions.some((r) => r.scope === 'node' && !TERMINAL.has(r.status)) || this.#driving) return;
    c.status = 'FINISHED';
    this.#pendingCancel = undefined;
  }

  #doorsOf(r: ActionRecord): number {
    let n = 0;
    for (const owner of this.#openDoors.values()) if (owner === r) n++;
    return n;
  }

  // ---- delivery actions (docs/protocol.md) ----

  #startDelivery(r: ActionRecord, nowMs: number, fx: MissionEffect[]): void {
    const d = r.delivery;
    if (d === undefined) {
      this.#fail(r, 'unsupported action'); // unreachable: capability check rejects the order first
      return;
    }
    const id = r.action.actionId;
    switch (d.actionType) {
      case 'loadParcels': {
        for (const p of d.params.parcels) {
          if (this.#compartments.has(p.compartment)) return this.#fail(r, `compartment_fault: compartment ${p.compartment} is occupied`);
          if (this.#handedOver.has(p.parcelId)) return this.#fail(r, `already_handed_over: parcel ${p.parcelId}`);
          if (this.#findParcel(p.parcelId) !== undefined) return this.#fail(r, `compartment_fault: parcel ${p.parcelId} is already aboard`);
        }
        r.run = { kind: 'load', open: new Map(d.params.parcels.map((p) => [p.compartment, { parcelId: p.parcelId, code: p.code }])) };
        r.status = 'RUNNING';
        for (const p of d.params.parcels) this.#open(p.compartment, 'load', r, fx);
        return;
      }
      case 'handOverParcel': {
        const p = d.params;
        if (this.#handedOver.has(p.parcelId)) return this.#fail(r, 'already_handed_over');
        const occ = this.#compartments.get(p.compartment);
        if (occ === undefined || occ.parcelId !== p.parcelId) return this.#fail(r, 'parcel_not_aboard');
        if (occ.locked) return this.#fail(r, 'pickup_code_lockout');
        r.run = { kind: 'handOver', phase: 'waitingCode', deadlineMs: nowMs + p.waitForRecipientS * 1000, attempts: 0 };
        r.status = 'RUNNING';
        fx.push({ type: 'keypad', show: true, actionId: id, parcelId: p.parcelId });
        return;
      }
      case 'returnParcels': {
        for (const p of d.params.parcels) {
          const occ = this.#compartments.get(p.compartment);
          if (occ === undefined || occ.parcelId !== p.parcelId) return this.#fail(r, `parcel_not_aboard: ${p.parcelId} in compartment ${p.compartment}`);
        }
        r.run = { kind: 'return', open: new Map(d.params.parcels.map((p) => [p.compartment, p.parcelId])) };
        r.status = 'RUNNING';
        for (const p of d.params.parcels) this.#open(p.compartment, 'return', r, fx);
        return;
      }
      case 'openCompartment':
        r.run = { kind: 'maintenance', compartment: d.params.compartment };
        r.status = 'RUNNING';
        this.#open(d.params.compartment, 'maintenance', r, fx);
        return;
    }
  }

  #open(compartment: number, purpose: CompartmentPurpose, r: ActionRecord, fx: MissionEffect[]): void {
    this.#openDoors.set(compartment, r);
    fx.push({ type: 'openCompartment', compartment, purpose, actionId: r.action.actionId });
  }

  #findParcel(parcelId: string): number | undefined {
    for (const [n, o] of this.#compartments) if (o.parcelId === parcelId) return n;
    return undefined;
  }

  /**
   * A keypad entry goes to the hand-over of its parcel: wrong codes and the lockout count per parcel, so recipients
   * served together at one stop cannot lock each other out.
   */
  #onKeypad(parcelId: string | undefined, code: string, fx: MissionEffect[]): void {
    const waiting = this.#actions.filter((a) => a.status === 'RUNNING' && a.run?.kind === 'handOver' && a.run.phase === 'waitingCode');
    let r: ActionRecord | undefined;
    if (parcelId !== undefined) {
      r = waiting.find((a) => a.delivery?.actionType === 'handOverParcel' && a.delivery.params.parcelId === parcelId);
    } else if (waiting.length > 1) {
      fx.push({ type: 'keypadFeedback', result: 'parcel_required' });
      return;
    } else r = waiting[0];
    const d = r?.delivery;
    if (r === undefined || r.run?.kind !== 'handOver' || d?.actionType !== 'handOverParcel') {
      fx.push({ type: 'keypadFeedback', result: 'not_waiting' });
      return;
    }
    const p = d.params;
    const run = r.run;
    const occ = this.#compartments.get(p.compartment);
    // The check is local: the salted hash travels with the action, so no network is needed [docs/protocol.md].
    if (occ !== undefined && !occ.locked && verifyPickupCode(code, p.code)) {
      run.phase = 'doorOpen';
      fx.push({ type: 'keypad', show: false, actionId: r.action.actionId, parcelId: p.parcelId });
      fx.push({ type: 'keypadFeedback', result: 'accepted' });
      this.#open(p.compartment, 'handOver', r, fx); // only this compartment
      return;
    }
    run.attempts++;
    if (run.attempts < p.maxAttempts) {
      fx.push({ type: 'keypadFeedback', result: 'wrong', attemptsLeft: p.maxAttempts - run.attempts });
      return;
    }
    if (occ !== undefined) occ.locked = true;
    fx.push({ type: 'lockParcel', parcelId: p.parcelId, compartment: p.compartment });
    fx.push({ type: 'keypad', show: false, actionId: r.action.actionId, parcelId: p.parcelId });
    fx.push({ type: 'keypadFeedback', result: 'locked', attemptsLeft: 0 });
    this.#fail(r, 'pickup_code_lockout');
    this.#addError('pickupCodeLockout', `${p.maxAttempts} wrong pickup codes for parcel ${p.parcelId}; the parcel is locked`, deliveryRefs(r.action.actionId, p.parcelId));
  }

  #onClosed(compartment: number, occupied: boolean, fx: MissionEffect[]): void {
    const r = this.#openDoors.get(compartment);
    this.#openDoors.delete(compartment);
    const run = r?.run;
    if (r === undefined || run === undefined || r.status !== 'RUNNING') return;
    switch (run.kind) {
      case 'load': {
        const parcel = run.open.get(compartment);
        run.open.delete(compartment);
        if (parcel === undefined) return;
        if (!occupied) {
          this.#failDoors(r, fx);
          return this.#fail(r, `compartment_fault: compartment ${compartment} reports empty after loading ${parcel.parcelId}`);
        }
        this.#compartments.set(compartment, { parcelId: parcel.parcelId, code: parcel.code, locked: false });
        if (run.open.size === 0) r.status = 'FINISHED';
        return;
      }
      case 'handOver': {
        const d = r.delivery;
        if (d?.actionType !== 'handOverParcel') return;
        if (occupied) return this.#fail(r, 'compartment_fault: the door closed with the parcel still inside; it stays aboard');
        this.#compartments.delete(compartment);
        this.#handedOver.add(d.params.parcelId);
        r.status = 'FINISHED';
        return;
      }
      case 'return': {
        const parcelId = run.open.get(compartment);
        run.open.delete(compartment);
        if (parcelId === undefined) return;
        if (occupied) {
          this.#failDoors(r, fx);
          return this.#fail(r, `compartment_fault: compartment ${compartment} still holds ${parcelId} after return`);
        }
        this.#compartments.delete(compartment); // forgets the parcel, its hash and any lock
        if (run.open.size === 0) r.status = 'FINISHED';
        return;
      }
      case 'maintenance':
        if (!occupied) this.#compartments.delete(compartment);
        r.status = 'FINISHED';
        return;
    }
  }

  /** The action failed while other doors are open: those doors now belong to no action (closing them changes nothing). */
  #failDoors(r: ActionRecord, _fx: MissionEffect[]): void {
    for (const [n, owner] of this.#openDoors) if (owner === r) this.#openDoors.delete(n);
  }

  #onTick(nowMs: number, fx: MissionEffect[]): void {
    for (const r of this.#actions) {
      const run = r.run;
      const d = r.delivery;
      if (r.status !== 'RUNNING' || run?.kind !== 'handOver' || run.phase !== 'waitingCode' || d?.actionType !== 'handOverParcel') continue;
      if (nowMs < run.deadlineMs) continue;
      fx.push({ type: 'keypad', show: false, actionId: r.action.actionId, parcelId: d.params.parcelId });
      this.#fail(r, 'recipient_no_show');
      this.#addError('recipientNoShow', `nobody entered the right code for parcel ${d.params.parcelId} within ${d.params.waitForRecipientS} s; it stays aboard`, deliveryRefs(r.action.actionId, d.params.parcelId));
    }
  }

  #fail(r: ActionRecord, reason: DeliveryFailureReason | string): void {
    r.status = 'FAILED';
    r.resultDescription = reason;
    delete r.run;
  }

  // ---- errors [VDA5050 §6.10.5] ----

  #addError(errorType: string, description: string, refs: Ref[], life: ErrorLife = 'untilOrder', level: 'WARNING' | 'FATAL' = 'WARNING'): void {
    const errorDescription = description.length > MAX_DESCRIPTION ? `${description.slice(0, MAX_DESCRIPTION - 1)}…` : description;
    this.#errors.push({ entry: { errorType, errorLevel: level, errorDescription, errorReferences: refs.slice(0, 8) }, life });
    while (this.#errors.length > this.#maxErrors) {
      const i = this.#errors.findIndex((e) => e.life !== 'fault');
      this.#errors.splice(i >= 0 ? i : 0, 1);
    }
  }

  #clearOrderErrors(): void {
    this.#errors = this.#errors.filter((e) => e.life === 'fault');
  }
}

function lastReleased(nodes: Node[]): { nodeId: string; sequenceId: number } | undefined {
  let last: Node | undefined;
  for (const n of nodes) if (n.released) last = n;
  return last === undefined ? undefined : { nodeId: last.nodeId, sequenceId: last.sequenceId };
}

/**
 * The order's graph structure [§6.6.1, §6.7]: nodes on even and edges on odd sequenceIds, each edge joining its
 * neighbours, the base a released prefix (at least the first node), actionIds unique.
 */
function checkStructure(nodes: Node[], edges: Edge[]): ProtocolErrorDetail[] {
  const bad: ProtocolErrorDetail[] = [];
  if (nodes.length === 0) return [{ path: '/nodes', message: 'an order needs at least one node' }];
  if (edges.length !== nodes.length - 1) bad.push({ path: '/edges', message: `${nodes.length} nodes need ${nodes.length - 1} edges, got ${edges.length}` });
  if (!nodes[0]!.released) bad.push({ path: '/nodes/0/released', message: 'the first node must be released (base)' });
  let horizon = false;
  nodes.forEach((n, i) => {
    if (n.sequenceId % 2 !== 0) bad.push({ path: `/nodes/${i}/sequenceId`, message: `node ${n.nodeId}: sequenceId ${n.sequenceId} must be even` });
    if (i > 0 && n.sequenceId !== nodes[i - 1]!.sequenceId + 2) bad.push({ path: `/nodes/${i}/sequenceId`, message: `node ${n.nodeId}: sequenceIds must run without gaps` });
    if (!n.released) horizon = true;
    else if (horizon) bad.push({ path: `/nodes/${i}/released`, message: `node ${n.nodeId}: a released node follows the horizon` });
  });
  edges.forEach((e, i) => {
    const from = nodes[i];
    const to = nodes[i + 1];
    if (from === undefined || to === undefined) return;
    if (e.sequenceId !== from.sequenceId + 1) bad.push({ path: `/edges/${i}/sequenceId`, message: `edge ${e.edgeId}: sequenceId ${e.sequenceId} must be ${from.sequenceId + 1}` });
    if (e.startNodeId !== from.nodeId || e.endNodeId !== to.nodeId) bad.push({ path: `/edges/${i}`, message: `edge ${e.edgeId} must join ${from.nodeId} → ${to.nodeId}` });
    if (e.released !== to.released) bad.push({ path: `/edges/${i}/released`, message: `edge ${e.edgeId}: released must match its end node` });
  });
  const ids = new Set<string>();
  for (const a of [...nodes.flatMap((n) => n.actions), ...edges.flatMap((e) => e.actions)]) {
    if (ids.has(a.actionId)) bad.push({ path: '/nodes', message: `actionId ${a.actionId} is used twice` });
    ids.add(a.actionId);
  }
  return bad;
}

function compartmentsOf(a: Action): number[] {
  const out: number[] = [];
  for (const p of a.actionParameters ?? []) {
    if (p.key === 'compartment' && typeof p.value === 'number') out.push(p.value);
    if (p.key === 'parcels' && Array.isArray(p.value)) {
      for (const v of p.value) {
        const c = (v as { compartment?: unknown } | null)?.compartment;
        if (typeof c === 'number') out.push(c);
      }
    }
  }
  return out;
}

function describe(details: ProtocolErrorDetail[]): string {
  return details.slice(0, 5).map((d) => `${d.path || '/'}: ${d.message}`).join('; ');
}

/** errorReferences for the actions a validation problem points into (`/nodes/2/actions/0/...` → its actionId). */
function pathRefs(details: ProtocolErrorDetail[], nodes: Node[], edges: Edge[]): Ref[] {
  const refs: Ref[] = [];
  for (const d of details) {
    const m = /^\/(nodes|edges)\/(\d+)\/actions\/(\d+)/.exec(d.path);
    if (m === null) continue;
    const list = m[1] === 'nodes' ? nodes : edges;
    const id = list[Number(m[2])]?.actions[Number(m[3])]?.actionId;
    if (id !== undefined && !refs.some((r) => r.referenceValue === id)) refs.push({ referenceKey: 'actionId', referenceValue: id });
  }
  return refs;
}

function deliveryRefs(actionId: string, parcelId: string): Ref[] {
  return [{ referenceKey: 'actionId', referenceValue: actionId }, { referenceKey: 'parcelId', referenceValue: parcelId }];
}
