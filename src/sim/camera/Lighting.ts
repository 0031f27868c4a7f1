import type { Vec3 } from '../../core/index.js';

/**
 * One directional light plus ambient light, enough for the agent to see shape from shading
 * and for domain randomisation to vary it. No shadows: mj_multiRay casts from one origin,
 * and a shadow ray per pixel would cost more than the rest of the frame.
 */
export interface Lighting {
  /** World direction from the light toward the scene (need not be unit length). */
  readonly direction: Vec3;
  /** Fraction of the surface colour lit regardless of orientation. */
  readonly ambient: number;
  /** Lambertian term: fraction of the colour at normal incidence. */
  readonly diffuse: number;
  /** Phong highlight strength (0..1 of full white), exponent 8; default 0. */
  readonly specular?: number;
  /** RGB in 0..1 where no geom is hit. */
  readonly background: readonly [number, number, number];
}

/** A light from above, slightly behind and to the side of a camera facing +x. */
export const DEFAULT_LIGHTING: Lighting = {
  direction: [0.3, 0.2, -1],
  ambient: 0.35,
  diffuse: 0.65,
  specular: 0.1,
  background: [0.55, 0.65, 0.8],
};
