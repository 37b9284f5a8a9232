import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { officialSchemas } from '../generated/schemas.ts';
import { fixture } from '../test/loadFixture.ts';
import { parseMessage } from './parseMessage.ts';
import { sharedValidator } from './SchemaValidator.ts';
import { repairFactsheet200 } from './schemaRepairs.ts';

/** The published file, compiled as is (no repairs), to show each defect is real. */
function rawValid(version: '2.0.0' | '2.1.0', topic: 'instantActions' | 'factsheet' | 'state', message: unknown): boolean {
  const ajv = new Ajv2020({ strict: false, allowUnionTypes: true, validateFormats: false });
  return ajv.validate(officialSchemas[version][topic], message) as boolean;
}

describe('DEFECT instantActions-2.0.0 (validate every 2.x instantActions against the 2.1.0 file)', () => {
  it('the published 2.0.0 file rejects a correct 2.0 message and accepts an empty one', () => {
    const correct = fixture('instantActions', '2.0.0');
    expect(rawValid('2.0.0', 'instantActions', correct)).toBe(false);
    expect(rawValid('2.0.0', 'instantActions', {})).toBe(true);
  });

  it('we accept the correct 2.0 message and reject the shapes the defective file would let through', () => {
    expect(parseMessage('instantActions', fixture('instantActions', '2.0.0')).ok).toBe(true);
    const r = parseMessage('instantActions', { ...fixture('instantActions', '2.0.0'), actions: undefined });
    expect(!r.ok && r.error.details).toContainEqual({ path: '/actions', message: 'is required' });
    const named = fixture('instantActions', '2.0.0');
    named.actions[0].actionName = named.actions[0].actionType;
    delete named.actions[0].actionType;
    const r2 = parseMessage('instantActions', named);
    expect(!r2.ok && r2.error.details).toContainEqual({ path: '/actions/0/actionType', message: 'is required' });
  });
});

describe('DEFECT factsheet-2.0.0 (fields listed outside `properties`)', () => {
  it('the published 2.0.0 file does not check field contents', () => {
    const m = fixture('factsheet', '2.0.0');
    m.typeSpecification.agvKinematic = 42;
    expect(rawValid('2.0.0', 'factsheet', m)).toBe(true);
  });

  it('we check them, at the top level and inside protocolLimits.maxArrayLens', () => {
    const m = fixture('factsheet', '2.0.0');
    m.typeSpecification.agvKinematic = 42;
    m.protocolLimits.maxArrayLens['order.nodes'] = 'many';
    const r = parseMessage('factsheet', m);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.details).toEqual(
      expect.arrayContaining([
        { path: '/typeSpecification/agvKinematic', message: 'must be string' },
        { path: '/protocolLimits/maxArrayLens/order.nodes', message: 'must be integer' },
      ]),
    );
  });

  it('the repair moves field schemas under properties and leaves keywords alone', () => {
    const repaired = repairFactsheet200(officialSchemas['2.0.0'].factsheet);
    expect(Object.keys(repaired.properties as object)).toContain('typeSpecification');
    expect(repaired.required).toEqual(officialSchemas['2.0.0'].factsheet.required);
    expect(repaired).not.toHaveProperty('typeSpecification');
  });
});

describe('DEFECT state-2.0.0-theta (nodeStates[].nodePosition.theta required only by the 2.0.0 state file)', () => {
  const withoutTheta = () => {
    const m = fixture('state', '2.0.0');
    delete m.nodeStates[1].nodePosition.theta;
    return m;
  };

  it('what we send must carry theta: outbound checks the file as published', () => {
    expect(rawValid('2.0.0', 'state', withoutTheta())).toBe(false);
    expect(sharedValidator().validate('state', '2.0.0', withoutTheta(), 'outbound')).toEqual([
      { path: '/nodeStates/1/nodePosition/theta', message: 'is required' },
    ]);
  });

  it('what we receive may omit it, as the standard text and the order schema allow', () => {
    expect(parseMessage('state', withoutTheta()).ok).toBe(true);
    const m21 = withoutTheta();
    m21.version = '2.1.0';
    expect(sharedValidator().validate('state', '2.1.0', m21, 'outbound')).toEqual([]);
  });
});
