import { AppError } from '../../common/core/AppError.ts';

/**
 * A map that cannot be used at all (unreadable file, no drivable ways, wrong top-level structure). Names the file,
 * the feature or OSM id when one is to blame, and the reason. Non-fatal defects are `MapProblem`s instead.
 */
export class MapValidationError extends AppError {
  readonly file: string;
  readonly featureId: string | undefined;
  readonly reason: string;

  constructor(file: string, reason: string, options: { featureId?: string; cause?: unknown } = {}) {
    const where = options.featureId === undefined ? file : `${file} (${options.featureId})`;
    super('MAP_INVALID', `${where}: ${reason}`, { cause: options.cause });
    this.file = file;
    this.featureId = options.featureId;
    this.reason = reason;
  }

  /** The OSM id (e.g. `way/123`) when the feature came from OpenStreetMap; same value as featureId. */
  get osmId(): string | undefined {
    return this.featureId;
  }
}
