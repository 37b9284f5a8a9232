/**
 * Ground-truth metrics of one robot in a closed-loop run, measured beside the stack (never fed into it): the
 * localization error of every published pose against the body's true pose (RMSE, max, share inside the 3σ
 * ellipse), and the true cross-track error against the current plan while the controller tracks a clear path.
 */
import { createPathProjection, createTrackedPath, projectOntoPath, type TrackedPath } from '../controller/core/index.ts';
import type { ControllerNode } from '../nodes/ControllerNode.ts';
import { createPoseEstimate, fromPath, fromPoseWithCovariance } from '../nodes/convert.ts';
import { TOPICS } from '../nodes/topics.ts';
import type { RosNode } from '../ros/index.ts';
import type { RobotBody } from '../../sim/world/index.ts';

/** 2-dof χ² at 3σ (Mahalanobis distance 3): the 3σ ellipse. */
const CHI2_3SIGMA_2DOF = 9;

export interface RunMetricsSummary {
  poses: number;
  locRmseM: number;
  locMaxErrM: number;
  /** Share of poses whose true position lies inside the estimate's 3σ ellipse. */
  within3Sigma: number;
  trueCrossTrackRmsM: number;
  trueCrossTrackMaxM: number;
  crossTrackSamples: number;
  distanceM: number;
}

export class RunMetrics {
  readonly #body: RobotBody;
  readonly #controller: ControllerNode | undefined;
  readonly #est = createPoseEstimate();
  readonly #proj = createPathProjection();
  #path: TrackedPath | undefined;
  #poses = 0;
  #sumSq = 0;
  #max = 0;
  #inside = 0;
  #ctSumSq = 0;
  #ctMax = 0;
  #ctN = 0;
  /** (time ms, error m) of every pose, for windows such as a GNSS outage. */
  readonly errors: Array<{ tMs: number; errM: number }> = [];

  constructor(node: RosNode, body: RobotBody, controller?: ControllerNode) {
    this.#body = body;
    this.#controller = controller;
    node.createSubscription('nav_msgs/msg/Path', TOPICS.plan, (m) => {
      this.#path = m.poses.length > 0 ? createTrackedPath(fromPath(m)) : undefined;
      this.#proj.segmentIndex = 0;
    });
    node.createSubscription('geometry_msgs/msg/PoseWithCovarianceStamped', TOPICS.pose, (m) => this.#onPose(m));
  }

  #onPose(m: Parameters<typeof fromPoseWithCovariance>[0]): void {
    const e = fromPoseWithCovariance(m, this.#est);
    const t = this.#body.truth;
    const ex = t.x - e.pose.x, ey = t.y - e.pose.y;
    const err2 = ex * ex + ey * ey;
    this.#poses++;
    this.#sumSq += err2;
    const err = Math.sqrt(err2);
    if (err > this.#max) this.#max = err;
    this.errors.push({ tMs: e.timeMs, errM: err });
    const c = e.covariance;
    const det = c[0]! * c[4]! - c[1]! * c[3]!;
    const nees = (c[4]! * ex * ex - (c[1]! + c[3]!) * ex * ey + c[0]! * ey * ey) / det;
    if (nees <= CHI2_3SIGMA_2DOF) this.#inside++;
    const path = this.#path;
    if (path && this.#controller?.status === 'tracking') {
      const p = projectOntoPath(path, t.x, t.y, this.#proj.segmentIndex, 3, this.#proj);
      const ct = Math.abs(p.lateralM);
      this.#ctSumSq += ct * ct;
      this.#ctN++;
      if (ct > this.#ctMax) this.#ctMax = ct;
    }
  }

  /** Largest localization error between two clock times, m. */
  maxErrorBetween(startMs: number, endMs: number): number {
    let m = 0;
    for (const e of this.errors) if (e.tMs >= startMs && e.tMs < endMs && e.errM > m) m = e.errM;
    return m;
  }

  summary(): RunMetricsSummary {
    return {
      poses: this.#poses,
      locRmseM: Math.sqrt(this.#sumSq / this.#poses),
      locMaxErrM: this.#max,
      within3Sigma: this.#inside / this.#poses,
      trueCrossTrackRmsM: Math.sqrt(this.#ctSumSq / this.#ctN),
      trueCrossTrackMaxM: this.#ctMax,
      crossTrackSamples: this.#ctN,
      distanceM: this.#body.distanceM,
    };
  }
}
