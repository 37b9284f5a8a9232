import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

describe('parseConfig', () => {
  it('names the fleet\'s MQTT shared-subscription group: default, environment, then flag', () => {
    expect(parseConfig([], {}).mqttShareGroup).toBe('fleet');
    expect(parseConfig([], { MQTT_SHARE_GROUP: 'campus-east' }).mqttShareGroup).toBe('campus-east');
    expect(parseConfig(['--mqtt-share-group', 'campus-west'], { MQTT_SHARE_GROUP: 'campus-east' }).mqttShareGroup).toBe('campus-west');
  });

  it('rejects a bad value naming the flag or variable', () => {
    expect(() => parseConfig(['--mqtt-port', 'eighty'], {})).toThrow(ConfigError);
    expect(() => parseConfig([], { MQTT_URL: 'http://broker' })).toThrow(/MQTT_URL/);
  });
});
