import type { ValidationIssue } from './errors.ts';

export interface RecipientInput {
  name: string;
  email?: string;
  phone?: string;
  /** Where this recipient's notifications go; else the service's default notification URL. */
  webhookUrl?: string;
}

export interface ParcelInput {
  /** Drop place id (a named place of the campus map). */
  destination: string;
  recipient: RecipientInput;
  /** The sender's or carrier's own reference (shown to operators, searchable by them). */
  externalRef?: string;
  /** A first ETA to tell the recipient, if the caller has one (ms since epoch). */
  etaMs?: number;
}

export const MAX_BATCH = 10_000;

const PARCEL_FIELDS = new Set(['destination', 'recipient', 'externalRef', 'etaMs']);
const RECIPIENT_FIELDS = new Set(['name', 'email', 'phone', 'webhookUrl']);

/**
 * Checks one parcel input (untrusted JSON) and lists every problem, each at `prefix + field`. `isKnownPlace`, when
 * given, rejects destinations that are not places on the map.
 */
export function validateParcelInput(value: unknown, prefix: string, isKnownPlace?: (placeId: string) => boolean): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const at = (field: string) => (prefix === '' ? field : `${prefix}.${field}`);
  const add = (field: string, message: string) => issues.push({ path: at(field), message });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ path: prefix === '' ? 'parcel' : prefix, message: 'must be an object' });
    return issues;
  }
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) if (!PARCEL_FIELDS.has(k)) add(k, 'unknown field');

  if (v.destination === undefined || v.destination === null || v.destination === '') add('destination', 'required');
  else if (!isShortString(v.destination, 100)) add('destination', 'must be a place id (a string of at most 100 characters)');
  else if (isKnownPlace && !isKnownPlace(v.destination)) add('destination', `unknown place ${JSON.stringify(v.destination)}`);

  if (v.externalRef !== undefined && !isShortString(v.externalRef, 200)) add('externalRef', 'must be a string of at most 200 characters');
  if (v.etaMs !== undefined && (typeof v.etaMs !== 'number' || !Number.isFinite(v.etaMs) || v.etaMs < 0)) {
    add('etaMs', 'must be a time in ms since the epoch');
  }

  const r = v.recipient;
  if (r === undefined || r === null) add('recipient', 'required');
  else if (typeof r !== 'object' || Array.isArray(r)) add('recipient', 'must be an object');
  else {
    const rec = r as Record<string, unknown>;
    for (const k of Object.keys(rec)) if (!RECIPIENT_FIELDS.has(k)) add(`recipient.${k}`, 'unknown field');
    if (rec.name === undefined || rec.name === '') add('recipient.name', 'required');
    else if (!isShortString(rec.name, 200)) add('recipient.name', 'must be a string of at most 200 characters');
    if (rec.email !== undefined && !(isShortString(rec.email, 254) && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(rec.email))) {
      add('recipient.email', 'must be an e-mail address');
    }
    if (rec.phone !== undefined && !(typeof rec.phone === 'string' && /^\+?[0-9 ()-]{5,20}$/.test(rec.phone))) {
      add('recipient.phone', 'must be a phone number (digits, spaces, +, -, parentheses)');
    }
    if (rec.webhookUrl !== undefined && !isHttpUrl(rec.webhookUrl)) add('recipient.webhookUrl', 'must be an http(s) URL');
  }
  return issues;
}

/** Checks a batch: its size, then every element at `parcels[i]`. */
export function validateParcelBatch(values: unknown, isKnownPlace?: (placeId: string) => boolean): ValidationIssue[] {
  if (!Array.isArray(values)) return [{ path: 'parcels', message: 'must be an array' }];
  if (values.length === 0 || values.length > MAX_BATCH) {
    return [{ path: 'parcels', message: `must hold 1 to ${MAX_BATCH} parcels, got ${values.length}` }];
  }
  return values.flatMap((v, i) => validateParcelInput(v, `parcels[${i}]`, isKnownPlace));
}

function isShortString(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= max;
}

function isHttpUrl(v: unknown): boolean {
  if (typeof v !== 'string' || v.length > 2000) return false;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
