import type { RobotShape } from '../../core/Observation.js';

type Vec3 = readonly [number, number, number];

/**
 * How far behind an object's middle, against the planar unit `direction` it is to be pushed,
 * the tool must stand so that none of the robot's own shapes (the self-filter's, at the
 * current joint state) comes within `margin` of the object's perceived points, whichever way
 * the arm turns the hand about the vertical on the way there (metres). The shapes counted are
 * the hand's: those within `near` of the tool (not the base, not the upper arm) that reach the
 * object's height band once the tool is brought down to `standHeight`; each counts by its
 * farthest horizontal reach from the tool's vertical axis. Undefined when no shape counts
 * (nothing of the hand could touch the object there).
 *
 * Why: practice shows where knocks began (the stance's median distance), which is where the
 * fingers already touch; the hand must come down beside the object clear of it first. This is
 * the robot's description and the perceived cloud, no constant of the scene.
 */
export function stanceClearance(
  objectPoints: Float32Array,
  middle: Vec3,
  direction: readonly [number, number],
  shapes: readonly RobotShape[],
  tool: Vec3,
  standHeight: number,
  margin: number,
  near: number,
): number | undefined {
  let behind = 0;
  let bottom = Infinity;
  let top = -Infinity;
  for (let i = 0; i < objectPoints.length / 3; i++) {
    const dx = objectPoints[3 * i] - middle[0];
    const dy = objectPoints[3 * i + 1] - middle[1];
    behind = Math.max(behind, -(dx * direction[0] + dy * direction[1]));
    bottom = Math.min(bottom, objectPoints[3 * i + 2]);
    top = Math.max(top, objectPoints[3 * i + 2]);
  }
  if (!(top >= bottom)) return undefined;
  const lift = standHeight - tool[2];
  let reach = -Infinity;
  for (const shape of shapes) {
    const { low, high, horizontal, distance } = extentAboutTool(shape, tool);
    if (distance > near) continue;
    // Brought down with the tool: does the shape meet the object's height band (with the margin)?
    if (low + lift > top + margin || high + lift < bottom - margin) continue;
    reach = Math.max(reach, horizontal);
  }
  return Number.isFinite(reach) ? behind + reach + margin : undefined;
}

/**
 * A shape's lowest and highest point, its farthest horizontal distance from the vertical through
 * `tool`, and about how close it comes to the tool (from its hull's points: a box's corners).
 */
function extentAboutTool(shape: RobotShape, tool: Vec3): { low: number; high: number; horizontal: number; distance: number } {
  const [cx, cy, cz] = shape.position;
  const r = shape.rotation;
  const axis = (i: number): Vec3 => [r[i], r[3 + i], r[6 + i]];
  // Points whose hull (grown by `radius`) is the shape: a sphere's centre, a capsule's two ends, a box's eight corners.
  let points: Vec3[];
  let radius = 0;
  if (shape.kind === 'sphere') {
    points = [[cx, cy, cz]];
    radius = shape.size[0];
  } else if (shape.kind === 'capsule') {
    const [ax, ay, az] = axis(2);
    const h = shape.size[1];
    points = [[cx + h * ax, cy + h * ay, cz + h * az], [cx - h * ax, cy - h * ay, cz - h * az]];
    radius = shape.size[0];
  } else {
    const [u, v, w] = [axis(0), axis(1), axis(2)];
    const [hu, hv, hw] = shape.size;
    points = [];
    const corner = (su: number, sv: number, sw: number, k: number): number => shape.position[k] + su * hu * u[k] + sv * hv * v[k] + sw * hw * w[k];
    for (const su of [-1, 1]) for (const sv of [-1, 1]) for (const sw of [-1, 1]) {
      points.push([corner(su, sv, sw, 0), corner(su, sv, sw, 1), corner(su, sv, sw, 2)]);
    }
  }
  let low = Infinity;
  let high = -Infinity;
  let horizontal = 0;
  let distance = Infinity;
  for (const p of points) {
    distance = Math.min(distance, Math.max(0, Math.hypot(p[0] - tool[0], p[1] - tool[1], p[2] - tool[2]) - radius));
    low = Math.min(low, p[2] - radius);
    high = Math.max(high, p[2] + radius);
    horizontal = Math.max(horizontal, Math.hypot(p[0] - tool[0], p[1] - tool[1]) + radius);
  }
  return { low, high, horizontal, distance };
}
