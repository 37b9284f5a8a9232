/**
 * The six VDA 5050 2.x topics [VDA5050 §6.1] and the protocol versions we speak. One list so topic parsing, schema
 * selection and type generation never disagree.
 */
export const VDA_TOPICS = ['order', 'instantActions', 'state', 'visualization', 'connection', 'factsheet'] as const;
export type VdaTopic = (typeof VDA_TOPICS)[number];

/** Schema sets shipped in protocol/schemas/. 2.0.0 is what we send; 2.1.x is accepted on input. */
export const SCHEMA_VERSIONS = ['2.0.0', '2.1.0'] as const;
export type SchemaVersion = (typeof SCHEMA_VERSIONS)[number];

/** The version we put in every header we send: what deployed masters and AGVs speak. */
export const WIRE_VERSION = '2.0.0';

export function isVdaTopic(value: string): value is VdaTopic {
  return (VDA_TOPICS as readonly string[]).includes(value);
}

/** The schema file name of a topic in a schema set (2.0.0 named the factsheet `factsheet.json`). */
export function schemaFileName(version: SchemaVersion, topic: VdaTopic): string {
  if (topic === 'factsheet' && version === '2.0.0') return 'factsheet.json';
  return `${topic}.schema`;
}
