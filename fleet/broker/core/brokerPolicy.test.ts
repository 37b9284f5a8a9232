import { describe, expect, it } from 'vitest';
import type { BrokerIdentity } from './brokerPolicy.ts';
import { authorizePublish, authorizeSubscribe, parseSharedSubscription } from './brokerPolicy.ts';

const robot: BrokerIdentity = { kind: 'robot', manufacturer: 'acme', serialNumber: 'SN-1' };
const fleet: BrokerIdentity = { kind: 'fleet', username: 'fleet' };

describe('authorizePublish', () => {
  const table: Array<[string, BrokerIdentity | undefined, string, string]> = [
    ['robot own state', robot, 'uagv/v2/acme/SN-1/state', 'allowed'],
    ['robot own visualization', robot, 'uagv/v2/acme/SN-1/visualization', 'allowed'],
    ['robot own connection', robot, 'uagv/v2/acme/SN-1/connection', 'allowed'],
    ['robot own factsheet', robot, 'uagv/v2/acme/SN-1/factsheet', 'allowed'],
    ['robot other serial', robot, 'uagv/v2/acme/SN-2/state', 'other_robot'],
    ['robot other manufacturer', robot, 'uagv/v2/evil/SN-1/state', 'other_robot'],
    ['robot its own order', robot, 'uagv/v2/acme/SN-1/order', 'wrong_topic_kind'],
    ['robot own instantActions', robot, 'uagv/v2/acme/SN-1/instantActions', 'wrong_topic_kind'],
    ['robot unknown topic', robot, 'uagv/v2/acme/SN-1/debug', 'wrong_topic_kind'],
    ['robot wrong interface', robot, 'other/v2/acme/SN-1/state', 'bad_topic'],
    ['robot wrong version', robot, 'uagv/v1/acme/SN-1/state', 'bad_topic'],
    ['robot extra level', robot, 'uagv/v2/acme/SN-1/state/x', 'bad_topic'],
    ['robot short topic', robot, 'uagv/v2/acme/SN-1', 'bad_topic'],
    ['robot wildcard', robot, 'uagv/v2/acme/+/state', 'wildcard_not_allowed'],
    ['robot $SYS', robot, '$SYS/broker/x', 'system_topic'],
    ['fleet order', fleet, 'uagv/v2/acme/SN-7/order', 'allowed'],
    ['fleet instantActions', fleet, 'uagv/v2/other/X/instantActions', 'allowed'],
    ['fleet forging state', fleet, 'uagv/v2/acme/SN-7/state', 'wrong_topic_kind'],
    ['fleet wildcard order', fleet, 'uagv/v2/acme/#', 'wildcard_not_allowed'],
    ['fleet empty serial', fleet, 'uagv/v2/acme//order', 'bad_topic'],
    ['nobody', undefined, 'uagv/v2/acme/SN-1/state', 'not_authenticated'],
  ];
  it.each(table)('%s', (_name, identity, topic, expected) => {
    const decision = authorizePublish(identity, topic);
    expect(decision.allowed ? 'allowed' : decision.reason).toBe(expected);
  });

  it('uses the configured interface name', () => {
    expect(authorizePublish(robot, 'campus/v2/acme/SN-1/state', { interfaceName: 'campus' }).allowed).toBe(true);
    expect(authorizePublish(robot, 'uagv/v2/acme/SN-1/state', { interfaceName: 'campus' }).allowed).toBe(false);
  });
});

describe('authorizeSubscribe', () => {
  const table: Array<[string, BrokerIdentity | undefined, string, string]> = [
    ['robot own order', robot, 'uagv/v2/acme/SN-1/order', 'allowed'],
    ['robot own instantActions', robot, 'uagv/v2/acme/SN-1/instantActions', 'allowed'],
    ['robot other robot order', robot, 'uagv/v2/acme/SN-2/order', 'other_robot'],
    ['robot other manufacturer order', robot, 'uagv/v2/evil/SN-1/order', 'other_robot'],
    ['robot + serial', robot, 'uagv/v2/acme/+/order', 'wildcard_not_allowed'],
    ['robot + topic', robot, 'uagv/v2/acme/SN-1/+', 'wildcard_not_allowed'],
    ['robot #', robot, '#', 'wildcard_not_allowed'],
    ['robot own state', robot, 'uagv/v2/acme/SN-1/state', 'wrong_topic_kind'],
    ['robot shared', robot, '$share/g/uagv/v2/acme/SN-1/order', 'shared_not_allowed'],
    ['robot $SYS', robot, '$SYS/#', 'system_topic'],
    ['fleet all states', fleet, 'uagv/v2/+/+/state', 'allowed'],
    ['fleet one robot connection', fleet, 'uagv/v2/acme/SN-1/connection', 'allowed'],
    ['fleet factsheets', fleet, 'uagv/v2/+/+/factsheet', 'allowed'],
    ['fleet shared visualization', fleet, '$share/fleet/uagv/v2/+/+/visualization', 'allowed'],
    ['fleet shared bad group', fleet, '$share//uagv/v2/+/+/state', 'bad_topic'],
    ['fleet shared no filter', fleet, '$share/fleet', 'bad_topic'],
    ['fleet #', fleet, 'uagv/v2/#', 'wildcard_not_allowed'],
    ['fleet + topic level', fleet, 'uagv/v2/+/+/+', 'wrong_topic_kind'],
    ['fleet reading orders', fleet, 'uagv/v2/+/+/order', 'wrong_topic_kind'],
    ['fleet partial wildcard', fleet, 'uagv/v2/ac+/+/state', 'bad_topic'],
    ['fleet $SYS', fleet, '$SYS/broker/clients', 'system_topic'],
    ['nobody', undefined, 'uagv/v2/+/+/state', 'not_authenticated'],
  ];
  it.each(table)('%s', (_name, identity, filter, expected) => {
    const decision = authorizeSubscribe(identity, filter);
    expect(decision.allowed ? 'allowed' : decision.reason).toBe(expected);
  });
});

describe('parseSharedSubscription', () => {
  it('splits group and filter, and refuses malformed ones', () => {
    expect(parseSharedSubscription('$share/g1/a/b')).toEqual({ group: 'g1', filter: 'a/b' });
    expect(parseSharedSubscription('a/b')).toBeUndefined();
    expect(parseSharedSubscription('$share/+/a')).toBeUndefined();
    expect(parseSharedSubscription('$share/g')).toBeUndefined();
  });
});
