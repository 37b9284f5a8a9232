/** protocol/: VDA 5050 messages, topics, validation and the delivery custom actions. The public door. */
export { ProtocolError, formatDetails } from './core/ProtocolError.ts';
export type { ProtocolErrorCode, ProtocolErrorDetail } from './core/ProtocolError.ts';
export {
  CHEAP_SCRYPT_PARAMS,
  DEFAULT_PICKUP_CODE_LENGTH,
  STRONG_SCRYPT_PARAMS,
  checkCodeHash,
  checkScryptParams,
  constantTimeEqual,
  generatePickupCode,
  hashPickupCode,
  isPickupCodeFormat,
  verifyPickupCode,
} from './core/pickupCode.ts';
export type { CodeHash, ScryptParams } from './core/pickupCode.ts';
export { SCHEMA_VERSIONS, VDA_TOPICS, WIRE_VERSION, isVdaTopic } from './core/vdaTopics.ts';
export type { SchemaVersion, VdaTopic } from './core/vdaTopics.ts';
export type * from './core/messages.ts';
export {
  DEFAULT_INTERFACE_NAME,
  DEFAULT_MAJOR_VERSION,
  buildTopic,
  checkTopicLevel,
  parseTopic,
  subscriptionFilter,
} from './core/topics.ts';
export type { TopicOptions, TopicParts } from './core/topics.ts';
export { SchemaValidator, isDateTime, schemaVersionOf, sharedValidator } from './core/SchemaValidator.ts';
export type { Direction } from './core/SchemaValidator.ts';
export {
  DEFAULT_MAX_MESSAGE_BYTES,
  parseConnection,
  parseFactsheet,
  parseInstantActions,
  parseMessage,
  parseOrder,
  parseState,
  parseTopicMessage,
  parseVisualization,
} from './core/parseMessage.ts';
export type { ParseOptions } from './core/parseMessage.ts';
export { MessageMemo } from './core/MessageMemo.ts';
export type { MemberCheck, MemberPlan } from './core/MessageMemo.ts';
export { MessageBuilder, encodeMessage } from './core/MessageBuilder.ts';
export type { MessageBuilderOptions } from './core/MessageBuilder.ts';
export {
  DEFAULT_MAX_ATTEMPTS,
  DELIVERY_ACTION_TYPES,
  DELIVERY_BLOCKING_TYPE,
  DELIVERY_BLOCKING_TYPES,
  DELIVERY_FAILURE_REASONS,
  ERROR_TYPES,
  MAX_COMPARTMENT,
  STANDARD_INSTANT_ACTIONS,
  decodeCodeHash,
  decodeDeliveryAction,
  deliveryActionsOf,
  encodeCodeHash,
  encodeDeliveryAction,
  isDeliveryActionType,
} from './core/deliveryActions.ts';
export type {
  DeliveryAction,
  DeliveryActionType,
  DeliveryFailureReason,
  ErrorType,
  HandOverParcelParams,
  LoadParcelsParams,
  OpenCompartmentParams,
  OrderDeliveryAction,
  ParcelLoad,
  ReturnParcelsParams,
  StandardInstantAction,
} from './core/deliveryActions.ts';
