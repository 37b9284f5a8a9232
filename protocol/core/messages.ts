/**
 * Hand-written discriminated unions over the generated VDA 5050 types (protocol/generated/, from the 2.0.0 schemas).
 * A 2.1.x message is typed with the same 2.0 shape: 2.1 only adds optional fields, which stay on the object.
 */
import type { Connection } from '../generated/connection.ts';
import type { Factsheet } from '../generated/factsheet.ts';
import type { InstantActions } from '../generated/instantActions.ts';
import type { Order } from '../generated/order.ts';
import type { State } from '../generated/state.ts';
import type { Visualization } from '../generated/visualization.ts';
import type { SchemaVersion, VdaTopic } from './vdaTopics.ts';

export type { Connection, Factsheet, InstantActions, Order, State, Visualization };
export type { Action, ActionParameter, Edge, Node } from '../generated/order.ts';
export type { ActionState, Error as VdaError, ErrorReference, Load, NodeState } from '../generated/state.ts';
export type { AgvPosition, Velocity } from '../generated/visualization.ts';

/** The payload type of each topic. */
export interface VdaMessageMap {
  order: Order;
  instantActions: InstantActions;
  state: State;
  visualization: Visualization;
  connection: Connection;
  factsheet: Factsheet;
}

/** A validated message, tagged by its topic; `schemaVersion` is the schema set it was validated against. */
export type VdaMessage = { [K in VdaTopic]: { topic: K; schemaVersion: SchemaVersion; message: VdaMessageMap[K] } }[VdaTopic];
export type VdaMessageOf<K extends VdaTopic> = Extract<VdaMessage, { topic: K }>;

/** The header fields every message carries [VDA5050 §6.4]; builders fill them. */
export type HeaderKeys = 'headerId' | 'timestamp' | 'version' | 'manufacturer' | 'serialNumber';
/** A message body: the payload without its header. */
export type VdaBody<K extends VdaTopic> = Omit<VdaMessageMap[K], HeaderKeys>;
