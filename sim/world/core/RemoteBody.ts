/**
 * A robot simulated in another World (another shard's), as this World meets it: its footprint at the pose the caller
 * last gave it (`place`). Local robots' LiDAR sees it as the same circle as a local robot, pedestrians walk around it
 * (it is in `World.robots`), and contacts between it and a local robot are counted here when `countsContactWith`
 * says so. It does not move by itself and has no sensors: its own World steps it.
 */
import type { Circle, Pose2 } from '../../../maps/core/types.ts';
import { DEFAULT_FOOTPRINT, footprintCover, type Footprint, type FootprintCover } from './Footprint.ts';

export interface RemoteBodyOptions {
  id: string;
  start: Pose2;
  footprint?: Footprint;
  /**
   * Whether this World counts a contact or near miss between its robot `localId` and this one. The World holding that
   * robot as a remote body must answer the opposite for the pair, so the pair counts once over both.
   */
  countsContactWith: (localId: string) => boolean;
}

export class RemoteBody {
  readonly id: string;
  readonly footprint: Footprint;
  readonly cover: FootprintCover;
  /** Where it stood when last placed (mutated in place, so holders of this object see every move). */
  readonly truth: Pose2;
  /** Its circumscribed circle at `truth`, for LiDAR (reused object). */
  readonly circle: Circle;
  readonly countsContactWith: (localId: string) => boolean;

  constructor(options: RemoteBodyOptions) {
    this.id = options.id;
    this.footprint = options.footprint ?? DEFAULT_FOOTPRINT;
    this.cover = footprintCover(this.footprint);
    const { x, y, theta } = options.start;
    this.truth = { x, y, theta };
    this.circle = { x, y, radiusM: this.cover.circumscribedM };
    this.countsContactWith = options.countsContactWith;
  }

  place(x: number, y: number, theta: number): void {
    this.truth.x = x;
    this.truth.y = y;
    this.truth.theta = theta;
    this.circle.x = x;
    this.circle.y = y;
  }
}
