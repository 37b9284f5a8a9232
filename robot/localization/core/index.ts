// Public door of the localization core: the EKF and the scan-to-map matcher, pure and ROS-free.
export { Ekf2D, defaultEkfParams, invert3, validateEkfParams, wrapAngle } from './Ekf2D.ts';
export type { EkfParams, EkfUpdateOutcome } from './Ekf2D.ts';
export { ScanMatcher, defaultScanMatcherParams, validateScanMatcherParams } from './ScanMatcher.ts';
export type { LaserScanData, ScanMatchFailure, ScanMatchResult, ScanMatcherParams } from './ScanMatcher.ts';
export { SegmentGrid, createNearestSegment, pointSegmentDistance } from './SegmentGrid.ts';
export type { NearestSegment } from './SegmentGrid.ts';
export { castScanBruteForce, rectangleSegments } from './syntheticWorld.ts';
