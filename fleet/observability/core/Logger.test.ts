import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../clock/index.ts';
import { createLogger, createMemoryLogger } from './Logger.ts';

describe('Logger', () => {
  it('writes JSON lines with clock time, level, message, bindings and fields', () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 2, 3, 4, 5));
    const { logger, records } = createMemoryLogger(clock);
    logger.child({ component: 'http' }).child({ requestId: 'r1' }).info('request', { status: 200 });
    expect(records()).toEqual([{ time: '2026-01-02T03:04:05.000Z', level: 'info', msg: 'request', component: 'http', requestId: 'r1', status: 200 }]);
  });

  it('drops records below the level', () => {
    const lines: string[] = [];
    const logger = createLogger({ clock: new VirtualClock(0), level: 'warn', sink: (l) => lines.push(l) });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['w', 'e']);
    expect(logger.isLevelEnabled('info')).toBe(false);
  });

  it('never writes a code or a token, whether in fields, bindings or the message', () => {
    const { logger, lines } = createMemoryLogger(new VirtualClock(0));
    const token = 'fleet_Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1u';
    logger.child({ authorization: `Bearer ${token}` }).warn(`bad token ${token} for /track/TrackTok3n12345678`, { pickupCode: '482913', body: { code: '482913' } });
    const text = lines.join('\n');
    expect(text).not.toContain('482913');
    expect(text).not.toContain(token);
    expect(text).not.toContain('TrackTok3n12345678');
  });

  it('does not let fields overwrite time or level', () => {
    const { logger, records } = createMemoryLogger(new VirtualClock(0));
    logger.error('x', { level: 'debug', time: 'then' });
    expect(records()[0]).toMatchObject({ level: 'error', time: '1970-01-01T00:00:00.000Z' });
  });
});
