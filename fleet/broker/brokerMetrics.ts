import type { Counter, Gauge, Metrics } from '../observability/index.ts';

/** MQTT-side security and input metrics, shared by the embedded broker and the fleet's MQTT ingest. */
export interface BrokerMetrics {
  /** Refused connects, publishes and subscribes, by action and reason. */
  denied: Counter;
  /** Messages the fleet received but rejected (bad JSON, schema violation, wrong topic), by reason. */
  rejectedMessages: Counter;
  connectedClients: Gauge;
}

export function brokerMetrics(metrics: Metrics): BrokerMetrics {
  return {
    denied: metrics.counter('fleet_mqtt_denied_total', 'MQTT operations refused by broker authentication or ACL, by action and reason', ['action', 'reason']),
    rejectedMessages: metrics.counter('fleet_mqtt_rejected_messages_total', 'MQTT messages received by the fleet and rejected as invalid, by reason', ['reason']),
    connectedClients: metrics.gauge('fleet_mqtt_connected_clients', 'Clients connected to the embedded broker'),
  };
}
