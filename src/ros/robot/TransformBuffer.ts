import type { Pose, Timestamp } from '../../core/index.js';
import type { FrameTransform } from '../messages/tfMessage.js';
import { composePoses, inversePose, toSeconds } from '../../core/index.js';


export type LookupResult = { readonly pose: Pose } | { readonly error: string };

interface Sample {
  readonly t: number;
  readonly pose: Pose;
}

interface FrameEdge {
  parent: string;
  static?: Pose;
  // Time-ordered; kept for `cacheS` behind the newest.
  samples: Sample[];
}

// A tree deeper than this is a loop in what was published.
const MAX_DEPTH = 256;

/**
 * The frame tree of /tf and /tf_static, as tf2's buffer keeps it: each frame has one parent
 * (the latest message decides), static edges hold for all time, dynamic ones are kept for
 * `cacheS` seconds and interpolated between the two samples around the asked time (position
 * linearly, rotation by spherical interpolation). Written here because no maintained
 * JavaScript tf2 buffer exists outside browser visualisers.
 */
export class TransformBuffer {
  readonly #edges = new Map<string, FrameEdge>();
  readonly #cacheS: number;

  constructor(cacheS = 10) {
    if (!(cacheS > 0)) throw new RangeError(`TransformBuffer: cacheS must be > 0, got ${cacheS}`);
    this.#cacheS = cacheS;
  }

  /** Adds one transform; a static one replaces the edge's history. */
  set(transform: FrameTransform, isStatic: boolean): void {
    const { parent, child } = transform;
    if (parent === '' || child === '') throw new RangeError(`transform with an empty frame name (parent '${parent}', child '${child}')`);
    if (parent === child) throw new RangeError(`transform from frame '${child}' to itself`);
    let edge = this.#edges.get(child);
    if (edge === undefined || edge.parent !== parent) {
      edge = { parent, samples: [] };
      this.#edges.set(child, edge);
    }
    if (isStatic) {
      edge.static = transform.pose;
      edge.samples = [];
      return;
    }
    delete edge.static;
    const t = toSeconds(transform.stamp);
    const s = edge.samples;
    let i = s.length;
    while (i > 0 && s[i - 1].t > t) i--;
    if (i > 0 && s[i - 1].t === t) s[i - 1] = { t, pose: transform.pose };
    else s.splice(i, 0, { t, pose: transform.pose });
    const oldest = s[s.length - 1].t - this.#cacheS;
    let drop = 0;
    while (drop < s.length - 1 && s[drop].t < oldest) drop++;
    if (drop > 0) s.splice(0, drop);
  }

  /** Frames known so far (children and parents). */
  frames(): Set<string> {
    const out = new Set<string>();
    for (const [child, edge] of this.#edges) out.add(child).add(edge.parent);
    return out;
  }

  /**
   * The pose of frame `source` in frame `target` at `stamp`. A dynamic edge whose samples end
   * before (or start after) `stamp` holds its nearest sample when within `toleranceS`, and
   * otherwise fails naming the edge and the gap, as tf2's extrapolation error does.
   */
  lookup(target: string, source: string, stamp: Timestamp, toleranceS = 0): LookupResult {
    if (target === source) return { pose: { position: [0, 0, 0], quaternion: [1, 0, 0, 0] } };
    const t = toSeconds(stamp);
    const up = (frame: string): string[] | string => {
      const chain = [frame];
      for (let f = frame; this.#edges.has(f); ) {
        f = this.#edges.get(f)!.parent;
        chain.push(f);
        if (chain.length > MAX_DEPTH) return `frames above '${frame}' form a loop`;
      }
      return chain;
    };
    const fromSource = up(source);
    const fromTarget = up(target);
    if (typeof fromSource === 'string') return { error: fromSource };
    if (typeof fromTarget === 'string') return { error: fromTarget };
    const common = fromSource.find((f) => fromTarget.includes(f));
    if (common === undefined) {
      const known = this.#edges.size === 0 ? 'no transform has arrived' : `'${source}' is under '${fromSource[fromSource.length - 1]}', '${target}' under '${fromTarget[fromTarget.length - 1]}'`;
      return { error: `no transform from '${source}' to '${target}': ${known}` };
    }
    // Pose of `frame` in `common`, composing edges from the common frame down.
    const inCommon = (chain: readonly string[]): LookupResult => {
      let pose: Pose = { position: [0, 0, 0], quaternion: [1, 0, 0, 0] };
      for (let i = chain.indexOf(common) - 1; i >= 0; i--) {
        const edge = this.#edges.get(chain[i])!;
        const step = this.#edgeAt(chain[i], edge, t, toleranceS, stamp);
        if ('error' in step) return step;
        pose = composePoses(pose, step.pose);
      }
      return { pose };
    };
    const s = inCommon(fromSource);
    if ('error' in s) return s;
    const g = inCommon(fromTarget);
    if ('error' in g) return g;
    return { pose: composePoses(inversePose(g.pose), s.pose) };
  }

  #edgeAt(child: string, edge: FrameEdge, t: number, toleranceS: number, stamp: Timestamp): LookupResult {
    if (edge.static !== undefined) return { pose: edge.static };
    const s = edge.samples;
    const name = `'${edge.parent}' -> '${child}'`;
    if (s.length === 0) return { error: `no transform ${name} yet` };
    const first = s[0];
    const last = s[s.length - 1];
    if (t <= first.t) {
      return first.t - t <= toleranceS ? { pose: first.pose } : { error: `transform ${name} is asked ${ms(first.t - t)} before its oldest sample (stamp ${toSeconds(stamp).toFixed(3)} s)` };
    }
    if (t >= last.t) {
      return t - last.t <= toleranceS ? { pose: last.pose } : { error: `transform ${name} is asked ${ms(t - last.t)} after its newest sample (stamp ${toSeconds(stamp).toFixed(3)} s)` };
    }
    let hi = 1;
    while (s[hi].t < t) hi++;
    const a = s[hi - 1];
    const b = s[hi];
    return { pose: interpolatePose(a.pose, b.pose, (t - a.t) / (b.t - a.t)) };
  }
}

function ms(seconds: number): string {
  return `${(seconds * 1000).toFixed(1)} ms`;
}

/** Position linearly, rotation by slerp on the shorter arc. */
export function interpolatePose(a: Pose, b: Pose, w: number): Pose {
  const qa = a.quaternion;
  let qb = b.quaternion;
  let dot = qa[0] * qb[0] + qa[1] * qb[1] + qa[2] * qb[2] + qa[3] * qb[3];
  if (dot < 0) {
    qb = [-qb[0], -qb[1], -qb[2], -qb[3]];
    dot = -dot;
  }
  let wa = 1 - w;
  let wb = w;
  if (dot < 0.9995) {
    const theta = Math.acos(Math.min(1, dot));
    const sin = Math.sin(theta);
    wa = Math.sin((1 - w) * theta) / sin;
    wb = Math.sin(w * theta) / sin;
  }
  const q = [0, 1, 2, 3].map((i) => wa * qa[i] + wb * qb[i]);
  const n = Math.hypot(...q);
  const pa = a.position;
  const pb = b.position;
  return {
    position: [pa[0] + (pb[0] - pa[0]) * w, pa[1] + (pb[1] - pa[1]) * w, pa[2] + (pb[2] - pa[2]) * w],
    quaternion: [q[0] / n, q[1] / n, q[2] / n, q[3] / n],
  };
}
