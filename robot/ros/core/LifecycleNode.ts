/**
 * ROS 2 managed-node lifecycle on top of any RosNode (so it behaves the same on the in-process bus and on rclnodejs):
 * unconfigured → configure → inactive → activate → active → deactivate → inactive → cleanup → unconfigured, and
 * shutdown → finalized from any state. Publishers made with `createLifecyclePublisher` stay silent unless the node is
 * active, as Nav2 nodes' do. A transition callback that throws or returns 'failure' leaves the state unchanged and
 * is logged as an error, so a missing required parameter fails configure loudly.
 */
import type { Publisher, QosProfile, RosNode } from './RosPort.ts';
import type { Msg, MsgTypeName } from './types.ts';

export type LifecycleState = 'unconfigured' | 'inactive' | 'active' | 'finalized';
export type LifecycleTransition = 'configure' | 'activate' | 'deactivate' | 'cleanup' | 'shutdown';

/** What a transition callback returns; `void` counts as success. */
export type CallbackReturn = 'success' | 'failure' | void;

export interface LifecycleCallbacks {
  onConfigure?(): CallbackReturn;
  onActivate?(): CallbackReturn;
  onDeactivate?(): CallbackReturn;
  onCleanup?(): CallbackReturn;
  onShutdown?(): CallbackReturn;
}

export type TransitionResult = { ok: true; state: LifecycleState } | { ok: false; state: LifecycleState; reason: string };

const TRANSITIONS: Record<LifecycleTransition, { from: readonly LifecycleState[]; to: LifecycleState }> = {
  configure: { from: ['unconfigured'], to: 'inactive' },
  activate: { from: ['inactive'], to: 'active' },
  deactivate: { from: ['active'], to: 'inactive' },
  cleanup: { from: ['inactive'], to: 'unconfigured' },
  shutdown: { from: ['unconfigured', 'inactive', 'active'], to: 'finalized' },
};

const CALLBACK: Record<LifecycleTransition, keyof LifecycleCallbacks> = {
  configure: 'onConfigure',
  activate: 'onActivate',
  deactivate: 'onDeactivate',
  cleanup: 'onCleanup',
  shutdown: 'onShutdown',
};

/** A publisher that drops messages unless its lifecycle node is active; `dropped` counts them. */
export interface LifecyclePublisher<T extends MsgTypeName> extends Publisher<T> {
  readonly dropped: number;
}

export class LifecycleNode {
  readonly node: RosNode;
  readonly #callbacks: LifecycleCallbacks;
  #state: LifecycleState = 'unconfigured';

  constructor(node: RosNode, callbacks: LifecycleCallbacks = {}) {
    this.node = node;
    this.#callbacks = callbacks;
  }

  get state(): LifecycleState {
    return this.#state;
  }

  get isActive(): boolean {
    return this.#state === 'active';
  }

  configure(): TransitionResult {
    return this.trigger('configure');
  }

  activate(): TransitionResult {
    return this.trigger('activate');
  }

  deactivate(): TransitionResult {
    return this.trigger('deactivate');
  }

  cleanup(): TransitionResult {
    return this.trigger('cleanup');
  }

  shutdown(): TransitionResult {
    return this.trigger('shutdown');
  }

  /** configure then activate, stopping at the first failure: what `robot run` does at start-up. */
  startUp(): TransitionResult {
    const r = this.configure();
    return r.ok ? this.activate() : r;
  }

  trigger(transition: LifecycleTransition): TransitionResult {
    const { from, to } = TRANSITIONS[transition];
    if (!from.includes(this.#state)) {
      return { ok: false, state: this.#state, reason: `cannot ${transition} from state '${this.#state}'` };
    }
    // Shutting down an active node deactivates it first, so its publishers fall silent before its resources go.
    const previous = this.#state;
    if (transition === 'shutdown' && previous === 'active') this.#state = 'inactive';
    let outcome: CallbackReturn;
    try {
      outcome = this.#callbacks[CALLBACK[transition]]?.call(this.#callbacks);
    } catch (error) {
      this.#state = previous;
      const reason = `${transition} failed: ${error instanceof Error ? error.message : String(error)}`;
      this.node.getLogger().error(reason);
      return { ok: false, state: this.#state, reason };
    }
    if (outcome === 'failure') {
      this.#state = previous;
      const reason = `${transition} failed: its callback returned failure`;
      this.node.getLogger().error(reason);
      return { ok: false, state: this.#state, reason };
    }
    this.#state = to;
    return { ok: true, state: to };
  }

  /** A publisher on the underlying node that only publishes while this node is active. */
  createLifecyclePublisher<T extends MsgTypeName>(type: T, topic: string, qos?: QosProfile): LifecyclePublisher<T> {
    const inner = this.node.createPublisher(type, topic, qos);
    const active = () => this.#state === 'active';
    let dropped = 0;
    return {
      type: inner.type,
      topic: inner.topic,
      get dropped() {
        return dropped;
      },
      publish(msg: Msg<T>): void {
        if (active()) inner.publish(msg);
        else dropped++;
      },
    };
  }
}
