/**
 * Incremental parsing of one sender's stream of messages on one topic. A robot's consecutive states differ in a few
 * top-level members (headerId, timestamp, position, battery, now and then actionStates), while most of the ~3 KB
 * (nodeStates, edgeStates, loads, information) repeats byte for byte. JSON.parse of the whole payload is most of what
 * ingest costs, so a member whose bytes equal the previous valid message's is taken over, value and all, and only the
 * changed members are parsed and validated.
 *
 * Soundness: a member is reused only when its bytes — `"key":value` as they stood in a message that parsed and passed
 * the same schema — reappear at the same member position, followed by a separator. JSON is context-free at that level, so
 * the same bytes there mean the same value, and the official top-level schemas constrain each member on its own (the
 * plan is only built for schemas made of `type: object`, `required` and `properties`, without `$ref`). The
 * separators between members are checked here, and the changed members go through JSON.parse and their member's
 * validator. Anything unusual (no previous message, members added, dropped or reordered, an escaped or non-ASCII key,
 * a duplicate key, `__proto__`, a member that does not parse or validate) returns undefined, and the caller runs the full parse and full validation,
 * so every error is reported exactly as without a memo. Accepted messages may share unchanged members (objects and
 * arrays) with the sender's previous message: treat parsed messages as immutable.
 */
import type { SchemaVersion, VdaTopic } from './vdaTopics.ts';

/** Checks one member value against its `properties` subschema; true when valid. */
export type MemberCheck = (value: unknown) => boolean;

/** How a topic's top-level schema splits into independent member checks (see SchemaValidator.memberPlan). */
export interface MemberPlan {
  required: readonly string[];
  members: ReadonlyMap<string, MemberCheck>;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The last valid message: its bytes, where each member stood in them, and its parsed (and validated) members. Offsets
 * live in typed arrays that are swapped with a spare set, so a message costs no per-member allocation.
 */
interface Members {
  /** A copy of the payload (in a buffer that may be longer), so the sender's buffer can be reused or freed. */
  bytes: Buffer;
  keys: readonly string[];
  /** Offset of each key's opening quote. */
  starts: Int32Array;
  /** Offset just past each key's closing quote. */
  keyEnds: Int32Array;
  /** Offset just past each value. */
  ends: Int32Array;
  /** The message object as built last time (never handed out, so nobody else can change its members). */
  record: Record<string, unknown>;
}

/**
 * One sender's last valid message on one topic, for `parseMessage(…, { memo })`. Keep one per sender and topic (a
 * memo shared by two senders still gives correct results, only slower). Holds a copy of that payload.
 */
export class MessageMemo {
  #topic: VdaTopic | undefined;
  #schemaVersion: SchemaVersion | undefined;
  #last: Members | undefined;
  #spare: { starts: Int32Array; keyEnds: Int32Array; ends: Int32Array } | undefined;
  #scratch = Buffer.alloc(0);
  /** Messages parsed with reused members, and those that needed the full parse (for tests and benchmarks). */
  reused = 0;
  full = 0;

  /** Forgets the last message (the next one is parsed in full). */
  clear(): void {
    this.#last = undefined;
  }

  /**
   * The payload as a JSON object, parsed and validated, reusing the unchanged members of the last message: when that
   * message was `topic`, the new one has the same members in the same order and the same schema set
   * (`schemaVersionOf`), and every changed member parses and passes its check in `planFor(schemaSet)`. Otherwise
   * undefined: parse and validate it in full. The caller still checks the header.
   */
  parse(
    topic: VdaTopic,
    bytes: Uint8Array,
    planFor: (schemaVersion: SchemaVersion) => MemberPlan | undefined,
    schemaVersionOf: (value: Record<string, unknown>) => SchemaVersion | undefined,
  ): { value: Record<string, unknown>; schemaVersion: SchemaVersion } | undefined {
    const last = this.#last;
    const schemaVersion = this.#schemaVersion;
    if (last === undefined || this.#topic !== topic || schemaVersion === undefined) return undefined;
    const plan = planFor(schemaVersion);
    if (plan === undefined) return undefined;
    const count = last.keys.length;
    const spare = this.#spare ?? offsets(count);
    if (spare.starts.length < count) return undefined;
    const changed = scanAligned(bytes, last, spare);
    if (changed === undefined) return undefined;
    let parsed: Record<string, unknown> | undefined;
    if (changed.length > 0) {
      // The changed members as one small JSON object: one decode (which also rejects bad UTF-8) and one parse.
      let size = 2;
      for (const m of changed) size += spare.ends[m]! - spare.starts[m]! + 1;
      if (this.#scratch.length < size) this.#scratch = Buffer.allocUnsafeSlow(Math.max(size * 2, 1024));
      const scratch = this.#scratch;
      scratch[0] = OPEN_BRACE;
      let at = 1;
      for (let c = 0; c < changed.length; c++) {
        const m = changed[c]!;
        if (c > 0) scratch[at++] = COMMA;
        if (Buffer.isBuffer(bytes)) bytes.copy(scratch, at, spare.starts[m]!, spare.ends[m]!);
        else scratch.set(bytes.subarray(spare.starts[m]!, spare.ends[m]!), at);
        at += spare.ends[m]! - spare.starts[m]!;
      }
      scratch[at++] = CLOSE_BRACE;
      try {
        parsed = JSON.parse(utf8.decode(scratch.subarray(0, at))) as Record<string, unknown>;
      } catch {
        return undefined;
      }
      for (const m of changed) {
        const check = plan.members.get(last.keys[m]!);
        if (check !== undefined && !check(parsed[last.keys[m]!])) return undefined;
      }
    }
    // Same members as last time: copy that object and put in what changed.
    const record = { ...last.record };
    if (parsed !== undefined) for (const m of changed) record[last.keys[m]!] = parsed[last.keys[m]!];
    // The schema set follows `version`: when it changed, nothing validated before may be reused.
    if (schemaVersionOf(record) !== schemaVersion) return undefined;
    for (const key of plan.required) if (!Object.hasOwn(record, key)) return undefined;

    // Commit: the new message becomes the last one.
    this.#spare = { starts: last.starts, keyEnds: last.keyEnds, ends: last.ends };
    last.starts = spare.starts;
    last.keyEnds = spare.keyEnds;
    last.ends = spare.ends;
    if (last.bytes.length < bytes.length) last.bytes = Buffer.allocUnsafeSlow(Math.max(bytes.length * 2, 1024));
    last.bytes.set(bytes);
    last.record = record;
    this.reused++;
    return { value: { ...record }, schemaVersion };
  }

  /** Remembers a message that passed the full parse and validation, so the next one can reuse its members. */
  remember(topic: VdaTopic, schemaVersion: SchemaVersion, bytes: Uint8Array, value: unknown): void {
    this.full++;
    this.#last = undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const scanned = scanAll(bytes);
    if (scanned === undefined) return;
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    // The members as JSON.parse saw them, one key each, in order (a duplicate or `__proto__` key breaks this).
    if (keys.length !== scanned.count || keys.some((k, m) => k === '__proto__' || k !== scanned.keys[m])) return;
    const bytesCopy = Buffer.allocUnsafeSlow(Math.max(bytes.length * 2, 1024));
    bytesCopy.set(bytes);
    this.#topic = topic;
    this.#schemaVersion = schemaVersion;
    this.#spare = offsets(keys.length);
    this.#last = { bytes: bytesCopy, keys, starts: scanned.starts, keyEnds: scanned.keyEnds, ends: scanned.ends, record: { ...record } };
  }
}

function offsets(count: number): { starts: Int32Array; keyEnds: Int32Array; ends: Int32Array } {
  return { starts: new Int32Array(count), keyEnds: new Int32Array(count), ends: new Int32Array(count) };
}

/**
 * Walks the top level of `b`, expecting `last`'s members in `last`'s order: each member is either byte for byte the
 * same as before (taken over without looking into it) or has the same key and a value whose extent is found here
 * (JSON.parse checks its contents later). Fills `out` with the offsets; returns the indices of changed members, or
 * undefined when the shape differs or is malformed at the top level.
 */
function scanAligned(b: Uint8Array, last: Members, out: { starts: Int32Array; keyEnds: Int32Array; ends: Int32Array }): number[] | undefined {
  const n = b.length;
  const count = last.keys.length;
  const changed: number[] = [];
  let i = skipWs(b, 0);
  if (b[i] !== OPEN_BRACE) return undefined;
  i = skipWs(b, i + 1);
  for (let k = 0; k < count; k++) {
    const ls = last.starts[k]!;
    const len = last.ends[k]! - ls;
    out.starts[k] = i;
    out.keyEnds[k] = i + (last.keyEnds[k]! - ls);
    if (i + len < n && equalBytes(last.bytes, ls, b, i, len) && isSeparator(b[i + len]!)) {
      i += len;
    } else {
      const keyLen = last.keyEnds[k]! - ls;
      if (!equalBytes(last.bytes, ls, b, i, keyLen)) return undefined;
      let j = skipWs(b, i + keyLen);
      if (b[j] !== COLON) return undefined;
      j = skipValue(b, skipWs(b, j + 1));
      if (j < 0) return undefined;
      changed.push(k);
      i = j;
    }
    out.ends[k] = i;
    i = skipWs(b, i);
    const sep = b[i];
    if (k < count - 1) {
      if (sep !== COMMA) return undefined;
      i = skipWs(b, i + 1);
    } else if (sep !== CLOSE_BRACE || skipWs(b, i + 1) !== n) {
      return undefined;
    }
  }
  return changed;
}

/** Every top-level member's offsets and key, for a payload JSON.parse has accepted; undefined for odd shapes. */
function scanAll(b: Uint8Array): { count: number; keys: string[]; starts: Int32Array; keyEnds: Int32Array; ends: Int32Array } | undefined {
  const starts: number[] = [];
  const keyEnds: number[] = [];
  const ends: number[] = [];
  const keys: string[] = [];
  let i = skipWs(b, 0);
  if (b[i] !== OPEN_BRACE) return undefined;
  i = skipWs(b, i + 1);
  if (b[i] === CLOSE_BRACE) return undefined;
  for (;;) {
    if (b[i] !== QUOTE) return undefined;
    const keyClose = plainKeyEnd(b, i + 1);
    if (keyClose < 0) return undefined;
    starts.push(i);
    keyEnds.push(keyClose + 1);
    keys.push(Buffer.from(b.buffer, b.byteOffset + i + 1, keyClose - i - 1).toString('latin1'));
    let j = skipWs(b, keyClose + 1);
    if (b[j] !== COLON) return undefined;
    j = skipValue(b, skipWs(b, j + 1));
    if (j < 0) return undefined;
    ends.push(j);
    i = skipWs(b, j);
    if (b[i] === COMMA) {
      i = skipWs(b, i + 1);
      continue;
    }
    if (b[i] !== CLOSE_BRACE) return undefined;
    return { count: keys.length, keys, starts: Int32Array.from(starts), keyEnds: Int32Array.from(keyEnds), ends: Int32Array.from(ends) };
  }
}

function skipWs(b: Uint8Array, i: number): number {
  while (i < b.length) {
    const c = b[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

function isSeparator(c: number): boolean {
  return c === COMMA || c === CLOSE_BRACE || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** End (offset of the closing quote) of a key of printable ASCII without escapes, or -1. */
function plainKeyEnd(b: Uint8Array, i: number): number {
  for (; i < b.length; i++) {
    const c = b[i]!;
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c < 0x20 || c > 0x7e) return -1;
  }
  return -1;
}

/** Offset just past the JSON value at `i` (its extent only: JSON.parse checks its contents), or -1. */
function skipValue(b: Uint8Array, i: number): number {
  const n = b.length;
  if (i >= n) return -1;
  const first = b[i]!;
  if (first === QUOTE) return skipString(b, i);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    while (i < n) {
      const c = b[i]!;
      if (c === QUOTE) {
        i = skipString(b, i);
        if (i < 0) return -1;
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return -1;
  }
  const start = i;
  while (i < n && !isSeparator(b[i]!) && b[i] !== CLOSE_BRACKET) i++;
  return i > start ? i : -1;
}

function skipString(b: Uint8Array, i: number): number {
  const n = b.length;
  for (i++; i < n; i++) {
    const c = b[i]!;
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) i++;
  }
  return -1;
}

/** `len` bytes of the remembered payload `a` from `aStart` equal those of `b` from `bStart`. */
function equalBytes(a: Buffer, aStart: number, b: Uint8Array, bStart: number, len: number): boolean {
  if (aStart + len > a.length || bStart + len > b.length) return false;
  // Short members compare faster in JS than through a native call.
  if (len < 32) {
    for (let x = 0; x < len; x++) if (a[aStart + x] !== b[bStart + x]) return false;
    return true;
  }
  return a.compare(b, bStart, bStart + len, aStart, aStart + len) === 0;
}
