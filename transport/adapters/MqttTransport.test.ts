import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { afterAll, beforeAll } from 'vitest';
import { serviceSkipReason, services } from '../../test/services.ts';
import { runTransportContract } from '../transportContract.ts';
import { MqttTransport } from './MqttTransport.ts';

const settle = () => new Promise<void>((r) => setTimeout(r, 60));

let aedes: Aedes | undefined;
let server: Server | undefined;
let aedesUrl = '';

beforeAll(async () => {
  aedes = await Aedes.createBroker();
  server = createServer(aedes.handle);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const addr = server.address();
  aedesUrl = `mqtt://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server?.close(() => r()) ?? r());
  await new Promise<void>((r) => aedes?.close(() => r()) ?? r());
});

runTransportContract('mqtt.js ↔ aedes', async () => ({
  connect: (clientId, options) => MqttTransport.connect({ url: aedesUrl, clientId, ...(options?.will ? { will: options.will } : {}) }),
  settle,
  noSharedSubscriptions: 'aedes 1.x does not implement $share shared subscriptions; scale-out runs on Mosquitto or EMQX',
}));

runTransportContract('mqtt.js ↔ Mosquitto 127.0.0.1:1883', async () => {
  const skip = await serviceSkipReason('mosquitto');
  if (skip) return skip;
  const url = `mqtt://${services.mosquitto.host}:${services.mosquitto.port}`;
  return {
    connect: (clientId, options) => MqttTransport.connect({ url, clientId, ...(options?.will ? { will: options.will } : {}) }),
    settle,
  };
});
