import type { SimEnv } from '../sim/SimEnv.js';
import type { Bitmap } from '../viz/Bitmap.js';
import { tileImages } from '../viz/tileImages.js';

/** Shortest side of the pictures in reports, pixels: large enough for a person to read, unlike the model's 64. */
export const FRAME_SIZE = 256;

/** The scene camera at the current state, rendered again (no noise) with its shorter side `size` px. */
export function sceneFrame(env: SimEnv, size = FRAME_SIZE): Bitmap {
  const frame = env.render('scene', scaled(env, size));
  return { width: frame.width, height: frame.height, rgb: frame.rgb };
}

/** The goal (left) beside the current state (right), both rendered by the scene camera at `size` px. */
export function goalBesideAchieved(env: SimEnv, size = FRAME_SIZE): Bitmap {
  const goal = env.renderGoal('scene', scaled(env, size));
  return tileImages([{ width: goal.width, height: goal.height, rgb: goal.rgb }, sceneFrame(env, size)], { gap: 4 });
}

/** Frames of one episode in rows of `columns` (e.g. every k-th tick). */
export function sequenceSheet(frames: readonly Bitmap[], columns = 6): Bitmap {
  if (frames.length === 0) throw new RangeError('sequence sheet: no frames were rendered');
  return tileImages(frames, { columns, gap: 4 });
}

/** The scene camera's size scaled so its shorter side is `size`, keeping its aspect. */
function scaled(env: SimEnv, size: number): { width: number; height: number } {
  const { width, height } = env.config.camera;
  const k = size / Math.min(width, height);
  return { width: Math.round(width * k), height: Math.round(height * k) };
}
