/**
 * Test fixture (run as a child process by ParcelService.crash.test.ts, which SIGKILLs it mid-work): creates parcels in
 * batches of 50 and moves some along the lifecycle, printing a line after each commit so the parent knows what was
 * acknowledged before the kill.
 */
import { SystemClock } from '../../../clock/index.ts';
import { CHEAP_SCRYPT_PARAMS } from '../../../protocol/index.ts';
import { openStore } from '../../store/index.ts';
import { ParcelService } from '../ParcelService.ts';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: crashWriter <sqlite file>');
const clock = new SystemClock();
const store = await openStore({ databaseUrl: file, clock });
const service = new ParcelService({
  store,
  clock,
  publicBaseUrl: 'https://fleet.example.edu',
  notifyUrl: 'http://127.0.0.1:9/hook',
  codePolicy: { hashParams: CHEAP_SCRYPT_PARAMS },
});
for (let batch = 0; ; batch++) {
  const inputs = Array.from({ length: 50 }, (_, i) => ({ destination: 'library', recipient: { name: `R${batch}-${i}` } }));
  const { parcels } = await service.createBatch(inputs, { idempotencyKey: `batch-${batch}` });
  process.stdout.write(`created ${batch}\n`);
  for (const { parcel } of parcels.slice(0, 5)) {
    await service.applyEvent(parcel.id, { type: 'assign', robotSerial: 'R1' }, { actor: 'dispatch' });
    await service.applyEvent(parcel.id, { type: 'load' }, { actor: 'R1' });
  }
}
