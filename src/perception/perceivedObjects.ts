import type { PerceptionConfig } from '../core/config/perceptionConfig.js';
import type { Observation } from '../core/Observation.js';
import { clusterPoints } from './clusterPoints.js';
import { filterRobotPoints } from './filterRobotPoints.js';
import { farthestPointSample } from './farthestPointSample.js';
import { gatherPoints } from './gatherPoints.js';
import { perceiveCloud } from './perceiveCloud.js';
import type { SupportPlane } from './fitSupportPlane.js';

/** Samples taken of what perception keeps: enough for a few objects' centres, cheap enough for every tick. */
const SAMPLES = 64;
/** Fewer samples than this are strays (a few noisy depth pixels), not an object. */
const MIN_CLUSTER_POINTS = 3;

/**
 * Where the cameras see objects, in the cloud's (base) frame, largest first: the clusters of
 * what the perception stage keeps of the observation's cloud (workspace crop, support plane
 * removed, the robot's own points filtered where the observation carries its link shapes),
 * each by its middle. Empty when nothing is kept. Generic: no task, colour or scene constant.
 * A goal picture taken with the arm out of the workspace yields where the objects should be;
 * one whose arm is in view yields the arm as one more cluster (restingObjects leaves it out).
 */
export function perceivedObjects(observation: Observation, perception: PerceptionConfig): [number, number, number][] {
  return perceivedClusters(observation, perception).map((c) => c.middle);
}

/** A perceived object: its middle, and how high its lowest sample is above the support plane (undefined without a plane). */
export interface PerceivedCluster {
  readonly middle: [number, number, number];
  readonly bottom: number | undefined;
  /** Its samples (perception's farthest-point samples of the kept cloud), [n, 3] in the cloud's frame. */
  readonly samples: Float32Array;
  /** The support plane the cloud showed, when one was found and applied. */
  readonly plane: SupportPlane | undefined;
}

/** `perceivedObjects` with each cluster's lowest height above the support plane: what rests on the table starts at 0. */
export function perceivedClusters(observation: Observation, perception: PerceptionConfig): PerceivedCluster[] {
  const cloud = observation.points;
  if (cloud === undefined) return [];
  // The self-filter keeps the hand from being taken for an object whenever the shapes come with the cloud.
  const withFilter = { ...perception, selfFilter: { ...perception.selfFilter, enabled: true } };
  const perceived = perceiveCloud(cloud, withFilter, SAMPLES, observation.robotShapes);
  if (perceived.kept === 0) return [];
  const count = Math.min(SAMPLES, perceived.kept);
  const plane = perceived.stats.plane?.applied === true ? perceived.stats.plane : undefined;
  return clusterPoints(perceived.points, count, perception.objects.clusterRadius, Math.min(MIN_CLUSTER_POINTS, count)).map((members) => ({
    middle: middleOf(perceived.points, members, plane),
    bottom: plane === undefined ? undefined : Math.min(...members.map((i) => heightAbove(plane, perceived.points, i))),
    samples: gatherPoints(perceived.points, Int32Array.from(members)),
    plane,
  }));
}

/**
 * Middles of the perceived objects that rest on the support plane (perception.objects.restHeight),
 * largest first; every cluster counts where no plane was found.
 */
export function restingObjects(observation: Observation, perception: PerceptionConfig): [number, number, number][] {
  return restingClusters(observation, perception).map((c) => c.middle);
}

function restingClusters(observation: Observation, perception: PerceptionConfig): PerceivedCluster[] {
  const { restHeight } = perception.objects;
  return perceivedClusters(observation, perception).filter((c) => c.bottom === undefined || c.bottom <= restHeight);
}

/** The largest resting object's middle, or undefined when perception sees none. */
export function perceivedObject(observation: Observation, perception: PerceptionConfig): [number, number, number] | undefined {
  return restingObjects(observation, perception)[0];
}

/** The largest resting object seen close up: its middle and its own points, centred on that middle. */
export interface ObjectView {
  readonly middle: [number, number, number];
  /** [count, 3]: farthest-point samples of the object's points minus `middle`, metres (cycled when it has fewer). */
  readonly points: Float32Array;
  /** The object's points in the cloud before sampling. */
  readonly kept: number;
}

/**
 * The object-centred view of the point cloud (a fovea for the point encoder): the largest
 * resting object's points at the cloud's full density, not the few the scene-wide sampling
 * leaves it (25-110 of 16384 input points for a 5 cm object in the simulation's 128 px depth
 * camera, 3-16 after sampling the workspace to 512), expressed relative to its middle so
 * that what the view shows is the object's shape and size, not where it lies. The object's
 * points are those of the input cloud within perception.objects.clusterRadius / 2 of its
 * cluster's samples, above the support plane's tolerance, outside the robot's link shapes
 * where the observation carries them. Undefined when perception sees no resting object.
 */
export function perceivedObjectView(observation: Observation, perception: PerceptionConfig, count: number, out?: Float32Array): ObjectView | undefined {
  const cloud = observation.points;
  const cluster = restingClusters(observation, perception)[0];
  if (cloud === undefined || cluster === undefined) return undefined;
  const { samples, plane } = cluster;
  const radius = perception.objects.clusterRadius / 2;
  const near = radius ** 2;
  const ns = samples.length / 3;
  // The samples' box grown by the radius: most of the cloud is rejected by six comparisons.
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let j = 0; j < ns; j++) {
    for (let k = 0; k < 3; k++) {
      lo[k] = Math.min(lo[k], samples[3 * j + k] - radius);
      hi[k] = Math.max(hi[k], samples[3 * j + k] + radius);
    }
  }
  const p = cloud.positions;
  const members: number[] = [];
  for (let i = 0; i < cloud.count; i++) {
    const x = p[3 * i], y = p[3 * i + 1], z = p[3 * i + 2];
    // NaN fails every comparison, so non-finite points are rejected here too.
    if (!(x >= lo[0] && x <= hi[0] && y >= lo[1] && y <= hi[1] && z >= lo[2] && z <= hi[2])) continue;
    if (plane !== undefined && plane.normal[0] * x + plane.normal[1] * y + plane.normal[2] * z + plane.offset <= perception.supportPlane.tolerance) continue;
    for (let j = 0; j < ns; j++) {
      if ((x - samples[3 * j]) ** 2 + (y - samples[3 * j + 1]) ** 2 + (z - samples[3 * j + 2]) ** 2 <= near) {
        members.push(i);
        break;
      }
    }
  }
  let pts = gatherPoints(p, Int32Array.from(members));
  if (observation.robotShapes !== undefined) pts = gatherPoints(pts, filterRobotPoints(pts, observation.robotShapes, perception.selfFilter.padding));
  const kept = pts.length / 3;
  if (kept === 0) return undefined;
  const { middle } = cluster;
  for (let i = 0; i < kept; i++) for (let k = 0; k < 3; k++) pts[3 * i + k] -= middle[k];
  const points = out === undefined ? new Float32Array(3 * count) : out.subarray(0, 3 * count);
  farthestPointSample(pts, kept, count, points);
  return { middle, points, kept };
}

/**
 * The middle of some samples: horizontally their mean (farthest-point samples spread evenly
 * over the object), vertically half their top height above the support plane, so the hand
 * sweeps through the object rather than over its top (the camera sees mostly tops).
 */
function middleOf(p: Float32Array, members: readonly number[], plane: SupportPlane | undefined): [number, number, number] {
  const c: [number, number, number] = [0, 0, 0];
  for (const i of members) for (let k = 0; k < 3; k++) c[k] += p[3 * i + k] / members.length;
  if (plane === undefined) return c;
  let top = 0;
  for (const i of members) top = Math.max(top, heightAbove(plane, p, i));
  // Move the centre along the plane normal to half the top height.
  const shift = top / 2 - (plane.normal[0] * c[0] + plane.normal[1] * c[1] + plane.normal[2] * c[2] + plane.offset);
  return [c[0] + shift * plane.normal[0], c[1] + shift * plane.normal[1], c[2] + shift * plane.normal[2]];
}

function heightAbove(plane: SupportPlane, p: Float32Array, i: number): number {
  return plane.normal[0] * p[3 * i] + plane.normal[1] * p[3 * i + 1] + plane.normal[2] * p[3 * i + 2] + plane.offset;
}
