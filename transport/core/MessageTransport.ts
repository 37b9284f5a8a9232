/**
 * The publish/subscribe port that robot and fleet code speak VDA 5050 through. Two implementations: MQTT (mqtt.js
 * against aedes, Mosquitto or any broker) and an in-process broker for the simulator's fast mode and for tests, so
 * the code under test is the same in both (STYLE.md §16).
 */
export type Qos = 0 | 1;

export interface PublishOptions {
  qos?: Qos;
  retain?: boolean;
}

export type MessageHandler = (topic: string, payload: Buffer) => void;

export interface Subscription {
  readonly filter: string;
  unsubscribe(): Promise<void>;
}

export type ConnectionStatus = 'connected' | 'disconnected';

export interface MessageTransport {
  readonly clientId: string;
  publish(topic: string, payload: Buffer | string, options?: PublishOptions): Promise<void>;
  /** `filter` may use `+`/`#` wildcards and the `$share/<group>/` prefix. */
  subscribe(filter: string, handler: MessageHandler, options?: { qos?: Qos }): Promise<Subscription>;
  /** Called on every connection change after the first connect (reconnects, broker restarts). */
  onStatus(listener: (status: ConnectionStatus) => void): void;
  /** Closes cleanly: the last will is NOT sent. */
  close(): Promise<void>;
}

/** What a client asks the broker to publish for it if it vanishes without closing (VDA 5050 `connection` topic). */
export interface LastWill {
  topic: string;
  payload: Buffer | string;
  qos?: Qos;
  retain?: boolean;
}
