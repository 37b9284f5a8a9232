import { readFile } from 'node:fs/promises';
import { EtaError } from '../core/EtaError.ts';
import { parseTripLogRecord } from '../core/tripLog.ts';
import type { TripLogRecord } from '../core/tripLog.ts';

/**
 * Reads a trip log written as JSON Lines (one TripLogRecord per line; blank lines and `#` comments skipped), the
 * format the simulator is to write. Throws EtaError (ETA_BAD_INPUT) naming the file and line of a bad record.
 */
export async function readTripLog(file: string): Promise<TripLogRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new EtaError('ETA_BAD_INPUT', `cannot read trip log ${file}: ${(e as Error).message}`, { cause: e });
  }
  const out: TripLogRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      throw new EtaError('ETA_BAD_INPUT', `${file}:${i + 1}: not valid JSON: ${(e as Error).message}`, { cause: e });
    }
    out.push(parseTripLogRecord(json, `${file}:${i + 1}`));
  }
  return out;
}
