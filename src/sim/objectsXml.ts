import type { Quat } from '../core/Pose.js';
import { quatMultiply, quatRotate } from '../core/Pose.js';
import type { ObjectCatalogue, ShapeSpec } from './sceneData.js';

/** One object of an episode: what it is, how it looks and where it starts. */
export interface ObjectInstance {
  /** Body name in the model: object_0, object_1, ... */
  readonly name: string;
  readonly shape: string;
  readonly scale: number;
  /** RGBA in [0, 1]. */
  readonly rgba: readonly [number, number, number, number];
  /** Position of the body on the table (x, y); z is derived so that it rests on the top. */
  readonly x: number;
  readonly y: number;
  /** Orientation of the body: yaw about z applied after `rest`. */
  readonly quaternion: Quat;
}

/**
 * MJCF fragment (an <include> of the scene) with the episode's objects. Generated rather
 * than edited in place because sizes and shapes change collision geometry, which MuJoCo
 * only derives at compile time.
 */
export function objectsXml(objects: readonly ObjectInstance[], catalogue: ObjectCatalogue): string {
  const assets: string[] = [];
  const bodies: string[] = [];
  for (const obj of objects) {
    const shape = shapeOf(catalogue, obj.shape);
    if (shape.mesh) {
      assets.push(
        `    <mesh name="${obj.name}_mesh" vertex="${shape.mesh.map(fmt).join(' ')}" scale="${fmt(obj.scale)} ${fmt(obj.scale)} ${fmt(obj.scale)}"/>`,
      );
    }
    const z = restHeight(shape, obj.scale, obj.quaternion) + 0.001;
    const geoms = shape.geoms.map((g, i) => {
      const attrs = [`name="${obj.name}_g${i}"`, 'class="object"', `type="${g.type}"`];
      if (g.type === 'mesh') attrs.push(`mesh="${obj.name}_mesh"`);
      else if (g.size) attrs.push(`size="${g.size.map((v) => fmt(v * obj.scale)).join(' ')}"`);
      if (g.pos) attrs.push(`pos="${g.pos.map((v) => fmt(v * obj.scale)).join(' ')}"`);
      if (g.quat) attrs.push(`quat="${g.quat.map(fmt).join(' ')}"`);
      attrs.push(`rgba="${obj.rgba.map(fmt).join(' ')}"`);
      return `      <geom ${attrs.join(' ')}/>`;
    });
    bodies.push(
      [
        `    <body name="${obj.name}" pos="${fmt(obj.x)} ${fmt(obj.y)} ${fmt(z)}" quat="${obj.quaternion.map(fmt).join(' ')}">`,
        `      <freejoint name="${obj.name}"/>`,
        ...geoms,
        '    </body>',
      ].join('\n'),
    );
  }
  return [
    '<mujocoinclude>',
    assets.length > 0 ? `  <asset>\n${assets.join('\n')}\n  </asset>` : '',
    `  <worldbody>\n${bodies.join('\n')}\n  </worldbody>`,
    '</mujocoinclude>',
    '',
  ]
    .filter((l) => l !== '')
    .join('\n');
}

export function shapeOf(catalogue: ObjectCatalogue, name: string): ShapeSpec {
  const shape = catalogue.shapes[name];
  if (!shape) {
    throw new RangeError(`object shape '${name}' is not in the catalogue (known: ${Object.keys(catalogue.shapes).join(', ')})`);
  }
  return shape;
}

/**
 * Height of the body origin above the surface it rests on: minus the lowest point of its
 * geoms along world z, for the given body orientation. Exact for every primitive type.
 */
export function restHeight(shape: ShapeSpec, scale: number, bodyQuat: Quat): number {
  let lowest = Infinity;
  const down: [number, number, number] = [0, 0, -1];
  for (const g of shape.geoms) {
    const geomQuat = quatMultiply(bodyQuat, (g.quat ?? [1, 0, 0, 0]) as Quat);
    const center = quatRotate(bodyQuat, g.pos ? [g.pos[0] * scale, g.pos[1] * scale, g.pos[2] * scale] : [0, 0, 0]);
    // The geom's local axes expressed in world; support along -z is sum over axes.
    const axes = [quatRotate(geomQuat, [1, 0, 0]), quatRotate(geomQuat, [0, 1, 0]), quatRotate(geomQuat, [0, 0, 1])];
    const dz = axes.map((a) => a[2] * down[2]);
    const size = (g.size ?? []).map((v) => v * scale);
    let extent: number;
    switch (g.type) {
      case 'box':
        extent = Math.abs(dz[0]) * size[0] + Math.abs(dz[1]) * size[1] + Math.abs(dz[2]) * size[2];
        break;
      case 'sphere':
        extent = size[0];
        break;
      case 'capsule':
        extent = size[0] + Math.abs(dz[2]) * size[1];
        break;
      case 'cylinder':
        extent = size[0] * Math.sqrt(Math.max(0, 1 - dz[2] * dz[2])) + Math.abs(dz[2]) * size[1];
        break;
      case 'ellipsoid':
        extent = Math.hypot(dz[0] * size[0], dz[1] * size[1], dz[2] * size[2]);
        break;
      case 'mesh': {
        const v = shape.mesh ?? [];
        let minZ = Infinity;
        for (let i = 0; i < v.length; i += 3) {
          const p = quatRotate(geomQuat, [v[i] * scale, v[i + 1] * scale, v[i + 2] * scale]);
          minZ = Math.min(minZ, p[2]);
        }
        extent = -minZ;
        break;
      }
    }
    lowest = Math.min(lowest, center[2] - extent);
  }
  return -lowest;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}
