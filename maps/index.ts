/**
 * maps/: campus import (our GeoJSON, osmtogeojson GeoJSON, raw OSM XML), local metric frame, robot path graph,
 * A* routing, places and obstacles. The API speaks lon/lat; robots and the simulator work in metres.
 * See docs/maps.md.
 */
export { loadCampus, loadCampusFeatures, loadOverlay } from './adapters/loadCampus.ts';
export type { LoadCampusOptions } from './adapters/loadCampus.ts';
export { readOsmXml } from './adapters/readOsmXml.ts';
export { createCampusMap } from './core/CampusMap.ts';
export type { BBoxM, CampusMap, CampusMapOptions, ObstacleRing } from './core/CampusMap.ts';
export { areaKindFromTags } from './core/CampusFeatures.ts';
export type { AreaKind, CampusFeatures, MapArea, MapPoi, MapProblem, MapWay, Tags } from './core/CampusFeatures.ts';
export { classifyWay } from './core/classifyWay.ts';
export type { ClassifyOptions, WayClass, WayClassification } from './core/classifyWay.ts';
export { buildPathGraph } from './core/buildPathGraph.ts';
export type { BuildPathGraphOptions, BuildPathGraphResult } from './core/buildPathGraph.ts';
export { createRouter, NO_ROUTE } from './core/createRouter.ts';
export type { FoundRoute, NoRoute, RouteResult, Router, RouterOptions, Terminal } from './core/createRouter.ts';
export { derivePlaces } from './core/derivePlaces.ts';
export type { DerivePlacesOptions, Place, PlaceKind } from './core/derivePlaces.ts';
export { EdgeIndex } from './core/EdgeIndex.ts';
export type { EdgeSnap } from './core/EdgeIndex.ts';
export { featuresFromGeoJson, OSM_ATTRIBUTION } from './core/featuresFromGeoJson.ts';
export { featuresFromOsm } from './core/featuresFromOsm.ts';
export type { OsmData } from './core/featuresFromOsm.ts';
export { graphToGeoJson } from './core/graphToGeoJson.ts';
export { createLocalFrame } from './core/LocalFrame.ts';
export type { LocalFrame, LonLat } from './core/LocalFrame.ts';
export { MapValidationError } from './core/MapValidationError.ts';
export { NodeHeap } from './core/NodeHeap.ts';
export { ObstacleIndex, ObstacleIndexError } from './core/ObstacleIndex.ts';
export type { ObstacleIndexOptions } from './core/ObstacleIndex.ts';
export { parsePlacesOverlay } from './core/parsePlacesOverlay.ts';
export type { OverlayPoint, PlacesOverlay } from './core/parsePlacesOverlay.ts';
export type { PathGraph } from './core/PathGraph.ts';
export { renderSvg } from './core/renderSvg.ts';
export type { RenderSvgOptions } from './core/renderSvg.ts';
export { routeBetweenPoints } from './core/routeBetweenPoints.ts';
export type { PointRoute, PointRouteFailure, RouteBetweenPointsOptions } from './core/routeBetweenPoints.ts';
export { distanceToRingM, pointInRing, ringAreaM2, ringCentroid } from './core/ringGeometry.ts';
export type { Circle, Pose2, Segment, Vec2 } from './core/types.ts';
