/**
 * Metric-frame types shared by maps, robot, fleet and sim. The metric frame is metres east (x) and north (y) of a
 * campus origin; the API and console speak GeoJSON lon/lat and convert at the edge (see LocalFrame).
 */

/** A point in the campus metric frame, metres. */
export interface Vec2 {
  x: number;
  y: number;
}

/** A planar pose: position in metres, heading in radians counter-clockwise from east (ROS REP 103 convention). */
export interface Pose2 {
  x: number;
  y: number;
  theta: number;
}

/** A line segment in the metric frame. */
export interface Segment {
  ax: number;
  ay: number;
  bx: number;
  by: number;
}

/** A moving round obstacle (pedestrian, other robot) for ray casting. */
export interface Circle {
  x: number;
  y: number;
  radiusM: number;
}
