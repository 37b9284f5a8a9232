/**
 * The factsheet [VDA5050 §6.15 (2.0: factsheet topic)] of our delivery robot: what a master needs to drive it, above
 * all the delivery custom actions and the instant actions it accepts under protocolFeatures.agvActions.
 */
import type { VdaBody } from '../../protocol/index.ts';

export interface FactsheetOptions {
  seriesName?: string;
  compartmentCount?: number;
  speedMaxMps?: number;
  statePeriodMs?: number;
  visualizationPeriodMs?: number;
}

type AgvAction = VdaBody<'factsheet'>['protocolFeatures']['agvActions'][number];

/** Builds the factsheet body; every field is checked against the 2.0.0 schema when the bridge sends it. */
export function defaultFactsheet(options: FactsheetOptions = {}): VdaBody<'factsheet'> {
  const compartments = options.compartmentCount ?? 6;
  const instant = (actionType: string, actionDescription: string): AgvAction => ({ actionType, actionDescription, actionScopes: ['INSTANT'] });
  return {
    typeSpecification: {
      seriesName: options.seriesName ?? 'CampusBot C1',
      seriesDescription: `${compartments}-compartment sidewalk delivery robot`,
      agvKinematic: 'DIFF',
      agvClass: 'CARRIER',
      maxLoadMass: 30,
      localizationTypes: ['NATURAL'],
      navigationTypes: ['AUTONOMOUS'],
    },
    physicalParameters: {
      speedMin: 0, speedMax: options.speedMaxMps ?? 1.8, accelerationMax: 0.8, decelerationMax: 1.5,
      heightMin: 0.9, heightMax: 0.9, width: 0.65, length: 0.95,
    },
    protocolLimits: {
      maxStringLens: { msgLen: 262144, topicSerialLen: 64, topicElemLen: 64, idLen: 128, idNumericalOnly: false, enumLen: 32, loadIdLen: 128 },
      maxArrayLens: {
        'order.nodes': 200, 'order.edges': 199, 'node.actions': 4, 'edge.actions': 0, 'actions.actionsParameters': 5,
        instantActions: 8, 'trajectory.knotVector': 0, 'trajectory.controlPoints': 0, 'state.nodeStates': 200,
        'state.edgeStates': 199, 'state.loads': compartments, 'state.actionStates': 256, 'state.errors': 16,
        'state.information': 0, 'error.errorReferences': 8, 'information.infoReferences': 0,
      },
      timing: {
        minOrderInterval: 0.5,
        minStateInterval: 0,
        defaultStateInterval: (options.statePeriodMs ?? 1000) / 1000,
        visualizationInterval: (options.visualizationPeriodMs ?? 200) / 1000,
      },
    },
    protocolFeatures: {
      optionalParameters: [{ parameter: 'order.edges.maxSpeed', support: 'SUPPORTED' }],
      agvActions: [
        {
          actionType: 'loadParcels', actionDescription: 'Load parcels at the hub (docs/protocol.md)', actionScopes: ['NODE'],
          actionParameters: [{ key: 'parcels', valueDataType: 'ARRAY' }],
        },
        {
          actionType: 'handOverParcel', actionDescription: 'Hand a parcel to a recipient after a local pickup-code check', actionScopes: ['NODE'],
          actionParameters: [
            { key: 'parcelId', valueDataType: 'STRING' },
            { key: 'compartment', valueDataType: 'INTEGER' },
            { key: 'code', valueDataType: 'STRING' },
            { key: 'waitForRecipientS', valueDataType: 'NUMBER' },
            { key: 'maxAttempts', valueDataType: 'INTEGER', isOptional: true },
          ],
        },
        {
          actionType: 'returnParcels', actionDescription: 'Empty compartments at the hub', actionScopes: ['NODE'],
          actionParameters: [{ key: 'parcels', valueDataType: 'ARRAY' }],
        },
        {
          actionType: 'openCompartment', actionDescription: 'Maintenance: open one compartment without a code', actionScopes: ['NODE'],
          actionParameters: [{ key: 'compartment', valueDataType: 'INTEGER' }],
        },
        instant('startPause', 'Pause driving'),
        instant('stopPause', 'Resume driving'),
        instant('cancelOrder', 'Cancel the current order; parcels stay aboard'),
        instant('startCharging', 'Start charging at a dock'),
        instant('stopCharging', 'Stop charging'),
        instant('stateRequest', 'Publish a state now'),
        instant('factsheetRequest', 'Publish the factsheet now'),
      ],
    },
    agvGeometry: {},
    loadSpecification: { loadPositions: Array.from({ length: compartments }, (_, i) => `compartment-${i}`) },
  };
}
