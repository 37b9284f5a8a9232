import { AppError } from '../../../common/core/AppError.ts';

/**
 * A fault in ETA input or model state. Codes: `ETA_BAD_INPUT` (a feature row that is not finite, has the wrong
 * width, or a log record that does not parse), `ETA_NOT_TRAINED` (predict/save before train or load),
 * `ETA_MODEL_FILE` (model.json / weights.bin missing or inconsistent).
 */
export class EtaError extends AppError {}
