export type {
  ConnectionStatus, LastWill, MessageHandler, MessageTransport, PublishOptions, Qos, Subscription,
} from './core/MessageTransport.ts';
export { InMemoryBroker, InMemoryClient, TransportError } from './core/InMemoryBroker.ts';
export { shareGroup, stripShare, topicMatches } from './core/topicMatches.ts';
export { MqttTransport, type MqttTransportOptions } from './adapters/MqttTransport.ts';
