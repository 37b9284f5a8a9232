/**
 * Ground truth beside one robot's stack, in bounded memory for a whole day: the localization error of every
 * published pose against the body's true pose, and the true cross-track error against the current plan while the
 * controller tracks it — running sums and maxima only (robot/closedLoop/RunMetrics keeps every error for its
 * outage windows, which a 16 h day at 5 Hz × 60 robots cannot afford).
 */
import { createPathProjection, createTrackedPath, projectOntoPath, type TrackedPath } from '../../robot/controller/core/index.ts';
import { createPoseEstimate, fromPath, fromPoseWithCovariance } from '../../robot/nodes/convert.ts';
import { TOPICS } from '../../robot/nodes/topics.ts';
import type { RosNode, Subscription } from '../../robot/ros/index.ts';
import type { RobotBody } from '../world/index.ts';

export interface GroundTruthSummary {
  poses: number;
  /** NaN until the first pose. */
  locRmseM: number;
  locMaxErrM: number;
  crossTrackSamples: number;
  /** NaN until the controller has tracked a plan. */
  crossTrackRmsM: number;
  crossTrackMaxM: number;
  /** Ground-truth distance driven, m. */
  distanceM: number;
}

/** The sample with the largest cross-track error while tracking: when, where, and where on which path. */
export interface CrossTrackWorst {
  errorM: number;
  tMs: number;
  x: number;
  y: number;
  /** Segment of the projection, of the path's segments. */
  segment: number;
  segments: number;
  pathLengthM: number;
  /** The path's first and last vertex. */
  fromX: number;
  fromY: number;
  toX: number;
  toY: number;
}

/** What the metric reads of the robot's controller (robot/nodes/ControllerNode). */
export interface TrackingController {
  readonly status: string;
  /** The path segment the controller has progressed to. */
  readonly progressSegment: number;
}

export class GroundTruthMetrics {
  readonly #node: RosNode;
  readonly #body: RobotBody;
  readonly #controller: TrackingController | undefined;
  readonly #est = createPoseEstimate();
  readonly #proj = createPathProjection();
  readonly #subs: Subscription[];
  #path: TrackedPath | undefined;
  #poses = 0;
  #sumSq = 0;
  #max = 0;
  #ctSumSq = 0;
  #ctMax = 0;
  #ctN = 0;
  #worst: CrossTrackWorst | undefined;

  constructor(node: RosNode, body: RobotBody, controller: TrackingController | undefined) {
    this.#node = node;
    this.#body = body;
    this.#controller = controller;
    this.#subs = [
      node.createSubscription('nav_msgs/msg/Path', TOPICS.plan, (m) => {
        this.#path = m.poses.length > 0 ? createTrackedPath(fromPath(m)) : undefined;
        this.#proj.segmentIndex = 0;
      }),
      node.createSubscription('geometry_msgs/msg/PoseWithCovarianceStamped', TOPICS.pose, (m) => this.#onPose(m)),
    ];
  }

  #onPose(m: Parameters<typeof fromPoseWithCovariance>[0]): void {
    const e = fromPoseWithCovariance(m, this.#est);
    const t = this.#body.truth;
    const ex = t.x - e.pose.x;
    const ey = t.y - e.pose.y;
    const err2 = ex * ex + ey * ey;
    this.#poses++;
    this.#sumSq += err2;
    if (err2 > this.#max * this.#max) this.#max = Math.sqrt(err2);
    const path = this.#path;
    if (path === undefined) return;
    // Projected on every pose, not only while counted: the search looks 3 m past the last projection, so skipping a
    // stretch spent passing an obstacle left it behind for the rest of the path (cross-track errors of hundreds of m).
    // And from no further back than the segment before the controller's: in the 60-robot day (issue #5) two robots'
    // projections stayed at the tip of a hairpin while they drove on 1.2 km home (669 and 1,209 m "off" their paths).
    const from = Math.max(this.#proj.segmentIndex, (this.#controller?.progressSegment ?? 0) - 1);
    const ct = Math.abs(projectOntoPath(path, t.x, t.y, from, 3, this.#proj).lateralM);
    if (this.#controller?.status === 'tracking') {
      this.#ctSumSq += ct * ct;
      this.#ctN++;
      if (ct > this.#ctMax) {
        this.#ctMax = ct;
        this.#worst = {
          errorM: ct, tMs: this.#node.getClock().now(), x: t.x, y: t.y, segment: this.#proj.segmentIndex, segments: path.count - 1,
          pathLengthM: path.lengthM, fromX: path.xy[0]!, fromY: path.xy[1]!, toX: path.xy[2 * path.count - 2]!, toY: path.xy[2 * path.count - 1]!,
        };
      }
    }
  }

  summary(): GroundTruthSummary {
    return {
      poses: this.#poses,
      locRmseM: Math.sqrt(this.#sumSq / this.#poses),
      locMaxErrM: this.#max,
      crossTrackSamples: this.#ctN,
      crossTrackRmsM: Math.sqrt(this.#ctSumSq / this.#ctN),
      crossTrackMaxM: this.#ctMax,
      distanceM: this.#body.distanceM,
    };
  }

  /** Raw sums, so a fleet (or a shard's owner) can pool robots exactly. */
  sums(): { poses: number; sumSqM2: number; maxM: number; ctN: number; ctSumSqM2: number; ctMaxM: number } {
    return { poses: this.#poses, sumSqM2: this.#sumSq, maxM: this.#max, ctN: this.#ctN, ctSumSqM2: this.#ctSumSq, ctMaxM: this.#ctMax };
  }

  /** The worst cross-track sample so far (undefined before the first sample while tracking). */
  worst(): CrossTrackWorst | undefined {
    return this.#worst === undefined ? undefined : { ...this.#worst };
  }

  destroy(): void {
    for (const s of this.#subs) this.#node.destroySubscription(s);
  }
}
