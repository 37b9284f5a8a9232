/** robot/bridge: VDA 5050 over MQTT for one robot. The public door. */
export { VdaBridge } from './VdaBridge.ts';
export type { BridgeCounters, VdaBridgeOptions } from './VdaBridge.ts';
export { connectRobotTransport, connectionWill } from './connectRobotTransport.ts';
export type { RobotTransportOptions } from './connectRobotTransport.ts';
export { defaultFactsheet } from './defaultFactsheet.ts';
export type { FactsheetOptions } from './defaultFactsheet.ts';
