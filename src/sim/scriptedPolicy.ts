import type { ActionSpace } from '../core/Action.js';
import type { Vec3 } from '../core/Pose.js';
import type { TrueState } from './SimEnv.js';

/**
 * Hand-written controllers that read the true state: they prove each task is solvable in
 * this scene (tests), give demonstrations, and an upper bound for reports. Never used by the
 * agent. They speak the `ee_delta` action space.
 */
export interface ScriptedPolicy {
  act(state: TrueState): Float32Array;
}

export function scriptedPolicy(task: TrueState['task'], space: ActionSpace): ScriptedPolicy {
  if (space.kind !== 'ee_delta') throw new RangeError(`scripted policies need the ee_delta action space, got ${space.kind}`);
  const maxStep = space.high[0];
  const toward = (from: Vec3, to: Vec3, grip: number): Float32Array => {
    const out = new Float32Array(4);
    for (let i = 0; i < 3; i++) out[i] = Math.max(-maxStep, Math.min(maxStep, to[i] - from[i]));
    out[3] = grip;
    return out;
  };
  switch (task) {
    case 'reach':
      return { act: (s) => toward(s.toolPosition, s.goal.position, 1) };
    case 'push':
      return pushPolicy(toward);
    case 'pick':
      return pickPolicy(toward);
  }
}

function taskObject(s: TrueState): Vec3 {
  const obj = s.objects.find((o) => o.name === s.goal.objectName);
  if (!obj) throw new Error(`scripted ${s.task}: the goal names object '${s.goal.objectName}', which is not in the scene`);
  return obj.position;
}

type Toward = (from: Vec3, to: Vec3, grip: number) => Float32Array;

function pushPolicy(toward: Toward): ScriptedPolicy {
  const behind = 0.07; // tool centre behind the object centre while pushing: clear of the largest object
  const pushHeight = 0.02;
  const travelHeight = 0.09;
  let phase: 'approach' | 'descend' | 'push' = 'approach';
  return {
    act(s) {
      const o = taskObject(s);
      const g = s.goal.position;
      const dx = g[0] - o[0];
      const dy = g[1] - o[1];
      const n = Math.hypot(dx, dy) || 1;
      const dir = [dx / n, dy / n];
      const pre: Vec3 = [o[0] - dir[0] * behind, o[1] - dir[1] * behind, pushHeight];
      const t = s.toolPosition;
      const lateral = Math.abs((t[0] - o[0]) * -dir[1] + (t[1] - o[1]) * dir[0]);
      if (phase === 'push' && lateral > 0.03) phase = 'approach';
      if (phase === 'approach') {
        const above: Vec3 = [pre[0], pre[1], travelHeight];
        if (Math.hypot(t[0] - above[0], t[1] - above[1]) < 0.015) phase = 'descend';
        return toward(t, [pre[0], pre[1], Math.max(travelHeight, t[2])], 0);
      }
      if (phase === 'descend') {
        if (t[2] - pushHeight < 0.01) phase = 'push';
        return toward(t, pre, 0);
      }
      const through: Vec3 = [g[0] - dir[0] * (behind - 0.04), g[1] - dir[1] * (behind - 0.04), pushHeight];
      return toward(t, through, 0);
    },
  };
}

function pickPolicy(toward: Toward): ScriptedPolicy {
  let phase: 'above' | 'descend' | 'close' | 'lift' = 'above';
  let closing = 0;
  return {
    act(s) {
      const o = taskObject(s);
      const t = s.toolPosition;
      switch (phase) {
        case 'above': {
          const above: Vec3 = [o[0], o[1], o[2] + 0.08];
          if (Math.hypot(t[0] - above[0], t[1] - above[1]) < 0.01) phase = 'descend';
          return toward(t, above, 1);
        }
        case 'descend': {
          const at: Vec3 = [o[0], o[1], Math.max(0.016, o[2] - 0.005)];
          if (Math.abs(t[2] - at[2]) < 0.006) phase = 'close';
          return toward(t, at, 1);
        }
        case 'close':
          if (++closing > 8) phase = 'lift';
          return new Float32Array([0, 0, 0, -1]);
        case 'lift':
          return toward(t, [t[0], t[1], (s.goal.restZ ?? o[2]) + 0.12], -1);
      }
    },
  };
}
