import { existsSync, readFileSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Vec3 } from '../../core/index.js';

/** Axis-aligned bounds of a mesh's vertices in its own frame, metres before the URDF's scale. */
export interface MeshBounds {
  readonly min: Vec3;
  readonly max: Vec3;
}

/**
 * The file a URDF mesh filename names: `package://pkg/rel` is looked up as `share/pkg/rel`
 * under each prefix of `AMENT_PREFIX_PATH` (how ROS 2 resolves it), then under each folder of
 * `packagePaths` as `pkg/rel`; `file://` URLs and plain paths are taken as they are. Throws
 * naming the filename and where it looked.
 */
export function resolveMeshPath(filename: string, packagePaths: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): string {
  const pkg = /^package:\/\/([^/]+)\/(.+)$/.exec(filename);
  if (pkg === null) {
    const path = filename.startsWith('file://') ? fileURLToPath(filename) : filename;
    if (!isAbsolute(path)) throw new RangeError(`mesh '${filename}' is neither a package:// URL nor an absolute path`);
    return path;
  }
  const [, name, rel] = pkg;
  const prefixes = (env.AMENT_PREFIX_PATH ?? '').split(delimiter).filter((p) => p !== '');
  const candidates = [...prefixes.map((p) => join(p, 'share', name, rel)), ...packagePaths.map((p) => join(p, name, rel))];
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) {
    throw new RangeError(
      `mesh '${filename}': package '${name}' not found (looked in ${candidates.length === 0 ? 'nothing: AMENT_PREFIX_PATH is empty and no package path is set' : candidates.join(', ')})`,
    );
  }
  return found;
}

/**
 * Vertex bounds of an STL file, binary or ASCII. Written here because a self-filter needs only
 * the bounds, which take a pass over the vertices; the npm STL readers build whole meshes for
 * three.js. Other mesh formats (COLLADA .dae, .obj) throw naming the file.
 */
export function stlBounds(path: string): MeshBounds {
  if (!/\.stl$/i.test(path)) throw new RangeError(`mesh '${path}': only STL meshes are read for the self-filter (give the link a primitive or an .stl collision mesh)`);
  const bytes = readFileSync(path);
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  const add = (x: number, y: number, z: number): void => {
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) return;
    const v = [x, y, z];
    for (let k = 0; k < 3; k++) {
      if (v[k] < min[k]) min[k] = v[k];
      if (v[k] > max[k]) max[k] = v[k];
    }
  };
  // A binary STL is an 80-byte header, a triangle count and 50 bytes a triangle. Its header
  // may begin with "solid" too, so the size decides, not the first word.
  const triangles = bytes.length >= 84 ? bytes.readUInt32LE(80) : -1;
  if (triangles >= 0 && bytes.length === 84 + 50 * triangles) {
    for (let t = 0; t < triangles; t++) {
      const at = 84 + 50 * t + 12; // past the facet normal
      for (let v = 0; v < 3; v++) add(bytes.readFloatLE(at + 12 * v), bytes.readFloatLE(at + 12 * v + 4), bytes.readFloatLE(at + 12 * v + 8));
    }
  } else {
    const text = bytes.toString('latin1');
    if (!/^\s*solid/.test(text)) throw new RangeError(`mesh '${path}': neither a binary STL (${bytes.length} bytes for ${triangles} triangles) nor an ASCII one`);
    for (const m of text.matchAll(/vertex\s+(\S+)\s+(\S+)\s+(\S+)/g)) add(Number(m[1]), Number(m[2]), Number(m[3]));
  }
  if (!(min[0] <= max[0])) throw new RangeError(`mesh '${path}': no vertices`);
  return { min, max };
}
