import { quatToMatrix } from '../../core/index.js';
import type { CameraIntrinsics, Pose } from '../../core/index.js';
import type { DoubleBuffer, IntBuffer, MainModule, MjData, MjModel } from 'mujoco-js';
import type { CameraFrame } from './CameraFrame.js';
import type { Lighting } from './Lighting.js';
import { pinholeIntrinsics } from './pinholeIntrinsics.js';
import { GEOM_TYPE, surfaceNormal } from './surfaceNormal.js';

export interface RayCameraOptions {
  readonly width: number;
  readonly height: number;
  /** Vertical field of view, degrees, edge to edge. */
  readonly fovyDeg: number;
  /** Farthest depth (metres along the optical axis) that returns; default 10. */
  readonly maxRange?: number;
  /** Which of MuJoCo's six geom groups the camera sees; default all. */
  readonly geomGroups?: readonly [boolean, boolean, boolean, boolean, boolean, boolean];
}

/** mj_multiRay as the module really accepts it (its d.ts says number[] and any). */
type MultiRay = (
  m: MjModel,
  d: MjData,
  pnt: Float64Array,
  vec: Float64Array,
  geomgroup: Uint8Array,
  flgStatic: number,
  bodyexclude: number,
  geomid: IntBuffer,
  dist: DoubleBuffer,
  nray: number,
  cutoff: number,
) => void;

/**
 * A pinhole RGB-D camera made of MuJoCo rays (mujoco-js has no OpenGL renderer): one
 * mj_multiRay per frame gives the geom and distance per pixel; colour is the geom's colour
 * shaded by its normal, computed analytically per primitive type and from the depth image
 * for meshes. Ray directions are precomputed in the camera frame and only rotated per frame.
 *
 * `render` needs `data` with current kinematics (after mj_forward or mj_step). Call `delete`
 * when done: the ray output buffers live in wasm memory.
 */
export class RayCamera {
  readonly width: number;
  readonly height: number;
  readonly intrinsics: CameraIntrinsics;
  readonly maxRange: number;
  readonly #model: MjModel;
  readonly #multiRay: MultiRay;
  readonly #geomGroups: Uint8Array;
  /** Unit ray directions in the optical frame, 3 per pixel. */
  readonly #dirCam: Float64Array;
  /** The same rotated into the world for the current frame. */
  readonly #dirWorld: Float64Array;
  readonly #origin = new Float64Array(3);
  readonly #normal = new Float64Array(3);
  readonly #needsNormal: Uint8Array;
  /** Ray length cutoff such that no hit within maxRange depth is missed at the image corners. */
  readonly #cutoff: number;
  #geomId: IntBuffer | undefined;
  #dist: DoubleBuffer | undefined;
  /** Six geom-group flags in wasm memory (two int32 words), see #castRays. */
  #groupFlags: IntBuffer | undefined;

  constructor(mj: MainModule, model: MjModel, options: RayCameraOptions) {
    const { width, height, fovyDeg } = options;
    this.intrinsics = pinholeIntrinsics(width, height, fovyDeg);
    this.width = width;
    this.height = height;
    this.maxRange = options.maxRange ?? 10;
    if (!(this.maxRange > 0)) throw new RangeError(`RayCamera: maxRange must be > 0 metres, got ${options.maxRange}`);
    const groups = options.geomGroups ?? [true, true, true, true, true, true];
    if (groups.length !== 6) throw new RangeError(`RayCamera: geomGroups must have 6 entries, got ${groups.length}`);
    checkGeomTypes(mj);
    this.#model = model;
    this.#multiRay = mj.mj_multiRay.bind(mj) as unknown as MultiRay;
    this.#geomGroups = Uint8Array.from(groups, (g) => (g ? 1 : 0));

    const n = width * height;
    const { fx, fy, cx, cy } = this.intrinsics;
    this.#dirCam = new Float64Array(3 * n);
    let minZ = 1;
    for (let v = 0, i = 0; v < height; v++) {
      for (let u = 0; u < width; u++, i++) {
        const x = (u - cx) / fx, y = (v - cy) / fy;
        const len = Math.sqrt(x * x + y * y + 1);
        this.#dirCam[3 * i] = x / len;
        this.#dirCam[3 * i + 1] = y / len;
        this.#dirCam[3 * i + 2] = 1 / len;
        if (1 / len < minZ) minZ = 1 / len;
      }
    }
    this.#cutoff = this.maxRange / minZ;
    this.#dirWorld = new Float64Array(3 * n);
    this.#needsNormal = new Uint8Array(n);
    this.#geomId = new mj.IntBuffer(n);
    this.#dist = new mj.DoubleBuffer(n);
    this.#groupFlags = new mj.IntBuffer(2);
  }

  /** Renders from `pose` (the optical frame in the world). The returned arrays are the caller's. */
  render(data: MjData, pose: Pose, lighting: Lighting): CameraFrame {
    const geomIdBuffer = this.#geomId, distBuffer = this.#dist, groupBuffer = this.#groupFlags;
    if (!geomIdBuffer || !distBuffer || !groupBuffer) throw new Error('RayCamera.render: the camera was deleted');
    const { width, height } = this;
    const n = width * height;
    const dirCam = this.#dirCam, dir = this.#dirWorld, origin = this.#origin;

    const [r0, r1, r2, r3, r4, r5, r6, r7, r8] = quatToMatrix(pose.quaternion);
    for (let k = 0; k < 3 * n; k += 3) {
      const x = dirCam[k], y = dirCam[k + 1], z = dirCam[k + 2];
      dir[k] = r0 * x + r1 * y + r2 * z;
      dir[k + 1] = r3 * x + r4 * y + r5 * z;
      dir[k + 2] = r6 * x + r7 * y + r8 * z;
    }
    const ox = pose.position[0], oy = pose.position[1], oz = pose.position[2];
    origin[0] = ox;
    origin[1] = oy;
    origin[2] = oz;
    this.#castRays(data, geomIdBuffer, distBuffer, groupBuffer);

    // Views into wasm memory are taken after the call: any allocation may move the heap.
    const hitGeom = geomIdBuffer.GetView() as Int32Array;
    const hitDist = distBuffer.GetView() as Float64Array;
    const model = this.#model;
    const geomType = model.geom_type as Int32Array;
    const geomSize = model.geom_size as Float64Array;
    const xpos = data.geom_xpos as Float64Array;
    const xmat = data.geom_xmat as Float64Array;
    const colors = geomColors(model);

    const light = unitTowardLight(lighting);
    const lx = light[0], ly = light[1], lz = light[2];
    const ambient = lighting.ambient, diffuse = lighting.diffuse, specular = (lighting.specular ?? 0) * 255;
    const bgR = lighting.background[0] * 255, bgG = lighting.background[1] * 255, bgB = lighting.background[2] * 255;

    // A clamped view does the 0..255 clamp and rounding of shaded colours for free.
    const rgbClamped = new Uint8ClampedArray(3 * n);
    const depth = new Float32Array(n);
    const segmentation = new Int32Array(n);
    const needsNormal = this.#needsNormal;
    const normal = this.#normal;
    const maxRange = this.maxRange;
    let fallbackCount = 0;

    for (let i = 0, k = 0; i < n; i++, k += 3) {
      const g = hitGeom[i];
      const t = hitDist[i];
      const z = t * dirCam[k + 2];
      if (g < 0 || z > maxRange) {
        depth[i] = NaN;
        segmentation[i] = -1;
        rgbClamped[k] = bgR;
        rgbClamped[k + 1] = bgG;
        rgbClamped[k + 2] = bgB;
        continue;
      }
      depth[i] = z;
      segmentation[i] = g;
      const dx = dir[k], dy = dir[k + 1], dz = dir[k + 2];
      if (!surfaceNormal(geomType[g], g, geomSize, xpos, xmat, ox + t * dx, oy + t * dy, oz + t * dz, normal)) {
        needsNormal[i] = 1;
        fallbackCount++;
        continue;
      }
      shade(rgbClamped, k, colors, g, normal[0], normal[1], normal[2], dx, dy, dz, lx, ly, lz, ambient, diffuse, specular);
    }

    if (fallbackCount > 0) {
      // Meshes and height fields: normals from neighbouring hits on the same geom.
      for (let i = 0; i < n; i++) {
        if (needsNormal[i] === 0) continue;
        needsNormal[i] = 0;
        const k = 3 * i;
        const g = segmentation[i];
        depthNormal(i, width, height, segmentation, hitDist, dir, normal);
        shade(rgbClamped, k, colors, g, normal[0], normal[1], normal[2], dir[k], dir[k + 1], dir[k + 2], lx, ly, lz, ambient, diffuse, specular);
      }
    }

    return {
      width,
      height,
      rgb: new Uint8Array(rgbClamped.buffer),
      depth,
      segmentation,
      intrinsics: this.intrinsics,
      pose: { position: [ox, oy, oz], quaternion: [pose.quaternion[0], pose.quaternion[1], pose.quaternion[2], pose.quaternion[3]] },
    };
  }

  /**
   * mujoco-js 0.0.7 reads a TypedArray `geomgroup` at the wasm address given by its
   * byteOffset (it expects a view into wasm memory): a plain Uint8Array makes MuJoCo read
   * whatever lies at address 0 (seen: groups 0-3 on, 4-5 off, whatever was asked). So the
   * flags live in a wasm buffer, and the view is rebuilt per call because a view taken before
   * wasm memory grew is detached, and a detached view's byteOffset reads as 0.
   */
  #castRays(data: MjData, geomIdBuffer: IntBuffer, distBuffer: DoubleBuffer, groupBuffer: IntBuffer): void {
    const words = groupBuffer.GetView() as Int32Array;
    const groups = new Uint8Array(words.buffer, words.byteOffset, 6);
    groups.set(this.#geomGroups);
    const n = this.width * this.height;
    this.#multiRay(this.#model, data, this.#origin, this.#dirWorld, groups, 1, -1, geomIdBuffer, distBuffer, n, this.#cutoff);
  }

  /** Frees the wasm-side ray buffers. Safe to call twice; render afterwards throws. */
  delete(): void {
    this.#geomId?.delete();
    this.#dist?.delete();
    this.#groupFlags?.delete();
    this.#geomId = undefined;
    this.#dist = undefined;
    this.#groupFlags = undefined;
  }
}

/** Throws if the module's mjtGeom codes differ from the ones surfaceNormal switches on. */
function checkGeomTypes(mj: MainModule): void {
  const codes = mj.mjtGeom as unknown as Record<string, { value: number }>;
  for (const [name, value] of Object.entries(GEOM_TYPE)) {
    const got = codes[`mjGEOM_${name.toUpperCase()}`]?.value;
    if (got !== value) throw new Error(`RayCamera: mjGEOM_${name.toUpperCase()} is ${got} in this MuJoCo build, expected ${value}`);
  }
}

/**
 * RGB (0..255) per geom, read every frame because randomisation writes model.geom_rgba.
 * MuJoCo's own rule: a material's colour, unless the geom's rgba differs from the default grey.
 */
function geomColors(model: MjModel): Float32Array {
  const ngeom = model.ngeom;
  const rgba = model.geom_rgba as Float32Array;
  const matId = model.geom_matid as Int32Array;
  const matRgba = model.mat_rgba as Float32Array;
  const out = new Float32Array(3 * ngeom);
  for (let g = 0; g < ngeom; g++) {
    let src = rgba, o = 4 * g;
    const isDefault = rgba[o] === 0.5 && rgba[o + 1] === 0.5 && rgba[o + 2] === 0.5 && rgba[o + 3] === 1;
    if (matId[g] >= 0 && isDefault) {
      src = matRgba;
      o = 4 * matId[g];
    }
    out[3 * g] = src[o] * 255;
    out[3 * g + 1] = src[o + 1] * 255;
    out[3 * g + 2] = src[o + 2] * 255;
  }
  return out;
}

function unitTowardLight(lighting: Lighting): [number, number, number] {
  const [x, y, z] = lighting.direction;
  const len = Math.hypot(x, y, z);
  if (!(len > 0)) throw new RangeError(`RayCamera.render: lighting.direction must be non-zero, got [${x}, ${y}, ${z}]`);
  return [-x / len, -y / len, -z / len];
}

/**
 * Lambert plus a Phong highlight, with the normal turned to face the viewer. Phong rather than
 * Blinn-Phong because its reflection vector needs no normalisation (no sqrt per pixel).
 */
function shade(
  out: Uint8ClampedArray,
  k: number,
  colors: Float32Array,
  g: number,
  nx: number,
  ny: number,
  nz: number,
  dx: number,
  dy: number,
  dz: number,
  lx: number,
  ly: number,
  lz: number,
  ambient: number,
  diffuse: number,
  specular: number,
): void {
  // Seen from behind (a plane from below, a ray starting inside a geom): shade the side seen.
  let nd = nx * dx + ny * dy + nz * dz;
  if (nd > 0) {
    nx = -nx;
    ny = -ny;
    nz = -nz;
    nd = -nd;
  }
  const cosL = nx * lx + ny * ly + nz * lz;
  let intensity = ambient;
  let highlight = 0;
  if (cosL > 0) {
    intensity += diffuse * cosL;
    if (specular > 0) {
      // Cosine between the reflected light 2(n.l)n - l and the view direction -d.
      const cosR = -2 * cosL * nd + (lx * dx + ly * dy + lz * dz);
      if (cosR > 0) {
        // cosR^8 by three squarings: Math.pow would cost more than the rest of the pixel.
        let p = cosR * cosR;
        p *= p;
        p *= p;
        highlight = specular * p;
      }
    }
  }
  out[k] = colors[3 * g] * intensity + highlight;
  out[k + 1] = colors[3 * g + 1] * intensity + highlight;
  out[k + 2] = colors[3 * g + 2] * intensity + highlight;
}

/**
 * Normal at pixel i from the cross product of the image-space tangents of the hit points,
 * using neighbours on the same geom only (so edges do not blend surfaces). Faces the camera
 * when no neighbour qualifies.
 */
function depthNormal(
  i: number,
  width: number,
  height: number,
  segmentation: Int32Array,
  dist: Float64Array,
  dir: Float64Array,
  out: Float64Array,
): void {
  const g = segmentation[i];
  const u = i % width, v = (i - u) / width;
  const k = 3 * i;
  const t = dist[i];
  const px = t * dir[k], py = t * dir[k + 1], pz = t * dir[k + 2];
  let ax = 0, ay = 0, az = 0, bx = 0, by = 0, bz = 0;
  let haveA = false, haveB = false;
  // Tangent along u: forward difference, else backward.
  if (u + 1 < width && segmentation[i + 1] === g) {
    const j = 3 * (i + 1), s = dist[i + 1];
    ax = s * dir[j] - px; ay = s * dir[j + 1] - py; az = s * dir[j + 2] - pz;
    haveA = true;
  } else if (u > 0 && segmentation[i - 1] === g) {
    const j = 3 * (i - 1), s = dist[i - 1];
    ax = px - s * dir[j]; ay = py - s * dir[j + 1]; az = pz - s * dir[j + 2];
    haveA = true;
  }
  // Tangent along v.
  if (v + 1 < height && segmentation[i + width] === g) {
    const j = 3 * (i + width), s = dist[i + width];
    bx = s * dir[j] - px; by = s * dir[j + 1] - py; bz = s * dir[j + 2] - pz;
    haveB = true;
  } else if (v > 0 && segmentation[i - width] === g) {
    const j = 3 * (i - width), s = dist[i - width];
    bx = px - s * dir[j]; by = py - s * dir[j + 1]; bz = pz - s * dir[j + 2];
    haveB = true;
  }
  if (haveA && haveB) {
    const nx = ay * bz - az * by, ny = az * bx - ax * bz, nz = ax * by - ay * bx;
    const len = Math.sqrt(nx * nx + ny * ny + nz * nz);
    if (len > 0) {
      out[0] = nx / len;
      out[1] = ny / len;
      out[2] = nz / len;
      return;
    }
  }
  out[0] = -dir[k];
  out[1] = -dir[k + 1];
  out[2] = -dir[k + 2];
}
