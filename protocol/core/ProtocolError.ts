import { AppError } from '../../common/core/AppError.ts';

/**
 * Every way a VDA 5050 message or parameter can be bad. Stable strings: fleet counters, logs and tests match on them.
 * - `PROTOCOL_NOT_JSON`: the payload is not UTF-8 JSON (or not a JSON object).
 * - `PROTOCOL_TOO_LARGE`: the payload exceeds the size limit; it was not parsed.
 * - `PROTOCOL_SCHEMA`: the message fails the official JSON schema; `details` lists each bad field.
 * - `PROTOCOL_TOPIC`: an MQTT topic is malformed or names an unknown VDA 5050 topic.
 * - `PROTOCOL_VERSION`: the header `version` is not a 2.x version we accept.
 * - `PROTOCOL_HEADER_MISMATCH`: the header's manufacturer/serialNumber differ from the topic's.
 * - `PROTOCOL_ACTION_PARAMS`: a delivery custom action's `actionParameters` are missing or wrong.
 * - `PROTOCOL_CODE_HASH`: a pickup-code hash or its scrypt parameters are malformed or out of bounds.
 * - `PROTOCOL_INVALID_ARGUMENT`: a builder was called with arguments that cannot make a valid message.
 */
export type ProtocolErrorCode =
  | 'PROTOCOL_NOT_JSON'
  | 'PROTOCOL_TOO_LARGE'
  | 'PROTOCOL_SCHEMA'
  | 'PROTOCOL_TOPIC'
  | 'PROTOCOL_VERSION'
  | 'PROTOCOL_HEADER_MISMATCH'
  | 'PROTOCOL_ACTION_PARAMS'
  | 'PROTOCOL_CODE_HASH'
  | 'PROTOCOL_INVALID_ARGUMENT';

/** One bad field: `path` is a JSON pointer into the message (`/nodes/2/nodeId`, `''` for the whole message). */
export interface ProtocolErrorDetail {
  path: string;
  message: string;
}

/** A bad VDA 5050 message, topic or parameter. The message names the first problem; `details` lists them all. */
export class ProtocolError extends AppError {
  declare readonly code: ProtocolErrorCode;
  readonly details: readonly ProtocolErrorDetail[];

  constructor(
    code: ProtocolErrorCode,
    message: string,
    options: { details?: readonly ProtocolErrorDetail[]; cause?: unknown } = {},
  ) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.details = options.details ?? [];
  }
}

/** Formats details as `path: message` lines, the form logs and error messages use. */
export function formatDetails(details: readonly ProtocolErrorDetail[]): string {
  return details.map((d) => `${d.path === '' ? '/' : d.path}: ${d.message}`).join('; ');
}
