import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Pose, Quat, Vec3 } from '../../core/index.js';
import { quatMultiply } from '../../core/index.js';

/**
 * One collision primitive of a URDF link, in the link's frame. The kinds are those of
 * `RobotShape`: a URDF cylinder becomes the capsule that covers it (same radius, half length
 * half the cylinder's, so its caps reach past the ends by one radius: a self-filter should
 * rather drop a few object points than keep the arm's); a mesh is not read here and waits for
 * its bounds (`mesh`), see `meshBounds.ts`.
 */
export type LinkCollision =
  | { readonly link: string; readonly origin: Pose; readonly kind: 'sphere' | 'capsule' | 'box'; readonly size: readonly number[] }
  | { readonly link: string; readonly origin: Pose; readonly kind: 'mesh'; readonly filename: string; readonly scale: Vec3 };

export interface UrdfCollisions {
  readonly robotName: string;
  readonly collisions: readonly LinkCollision[];
}

// Elements a URDF may repeat; everything else is read as one object.
const REPEATED = new Set(['link', 'collision', 'joint']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  isArray: (name) => REPEATED.has(name),
});

/**
 * The collision geometry of every link of a URDF document (the text `robot_state_publisher`
 * publishes on /robot_description). Links without a collision element have no shape. Throws
 * a TypeError naming the link and attribute when the document or one of its collision
 * elements is malformed.
 */
export function urdfCollisions(urdf: string): UrdfCollisions {
  const valid = XMLValidator.validate(urdf);
  if (valid !== true) throw new TypeError(`URDF is not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  const doc = parser.parse(urdf) as { robot?: { name?: string; link?: readonly RawLink[] } };
  const robot = doc.robot;
  if (robot === undefined || typeof robot !== 'object') throw new TypeError('URDF has no <robot> root element');
  const collisions: LinkCollision[] = [];
  for (const link of robot.link ?? []) {
    if (typeof link.name !== 'string' || link.name === '') throw new TypeError('URDF: a <link> has no name');
    const name = link.name;
    const where = `URDF link '${name}'`;
    (link.collision ?? []).forEach((c, i) => {
      const at = `${where}, collision ${i}`;
      const origin = originPose(c.origin, at);
      const g = c.geometry;
      if (g === undefined || typeof g !== 'object') throw new TypeError(`${at}: no <geometry>`);
      if (g.box !== undefined) {
        const [x, y, z] = numbers(g.box.size, 3, `${at}: box size`, true);
        collisions.push({ link: name, origin, kind: 'box', size: [x / 2, y / 2, z / 2] });
      } else if (g.sphere !== undefined) {
        collisions.push({ link: name, origin, kind: 'sphere', size: numbers(g.sphere.radius, 1, `${at}: sphere radius`, true) });
      } else if (g.cylinder !== undefined) {
        const [radius] = numbers(g.cylinder.radius, 1, `${at}: cylinder radius`, true);
        const [length] = numbers(g.cylinder.length, 1, `${at}: cylinder length`, true);
        collisions.push({ link: name, origin, kind: 'capsule', size: [radius, length / 2] });
      } else if (g.mesh !== undefined) {
        if (typeof g.mesh.filename !== 'string' || g.mesh.filename === '') throw new TypeError(`${at}: mesh has no filename`);
        const [sx, sy, sz] = g.mesh.scale === undefined ? [1, 1, 1] : numbers(g.mesh.scale, 3, `${at}: mesh scale`, true);
        collisions.push({ link: name, origin, kind: 'mesh', filename: g.mesh.filename, scale: [sx, sy, sz] });
      } else {
        throw new TypeError(`${at}: geometry is none of box, sphere, cylinder, mesh (has ${Object.keys(g).join(', ') || 'nothing'})`);
      }
    });
  }
  return { robotName: typeof robot.name === 'string' ? robot.name : '', collisions };
}

interface RawLink {
  readonly name?: unknown;
  readonly collision?: readonly {
    readonly origin?: { readonly xyz?: unknown; readonly rpy?: unknown };
    readonly geometry?: {
      readonly box?: { readonly size?: unknown };
      readonly sphere?: { readonly radius?: unknown };
      readonly cylinder?: { readonly radius?: unknown; readonly length?: unknown };
      readonly mesh?: { readonly filename?: unknown; readonly scale?: unknown };
    };
  }[];
}

function originPose(origin: { readonly xyz?: unknown; readonly rpy?: unknown } | undefined, at: string): Pose {
  const [x, y, z] = origin?.xyz === undefined ? [0, 0, 0] : numbers(origin.xyz, 3, `${at}: origin xyz`, false);
  const [roll, pitch, yaw] = origin?.rpy === undefined ? [0, 0, 0] : numbers(origin.rpy, 3, `${at}: origin rpy`, false);
  return { position: [x, y, z], quaternion: quatFromRpy(roll, pitch, yaw) };
}

/** URDF's fixed-axis roll, pitch, yaw: rotate about x, then the fixed y, then the fixed z. */
export function quatFromRpy(roll: number, pitch: number, yaw: number): Quat {
  const half = (a: number): [number, number] => [Math.cos(a / 2), Math.sin(a / 2)];
  const [cr, sr] = half(roll);
  const [cp, sp] = half(pitch);
  const [cy, sy] = half(yaw);
  return quatMultiply(quatMultiply([cy, 0, 0, sy], [cp, 0, sp, 0]), [cr, sr, 0, 0]);
}

function numbers(value: unknown, count: number, what: string, positive: boolean): number[] {
  const text = typeof value === 'string' ? value.trim() : '';
  const parts = text === '' ? [] : text.split(/\s+/);
  const values = parts.map(Number);
  if (values.length !== count || values.some((v) => !Number.isFinite(v) || (positive && !(v > 0)))) {
    throw new TypeError(`${what} must be ${count} finite${positive ? ' positive' : ''} number${count > 1 ? 's' : ''}, got ${value === undefined ? 'nothing' : `'${String(value)}'`}`);
  }
  return values;
}
