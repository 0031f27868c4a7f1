import type { Observable } from 'rxjs';
import { NEVER } from 'rxjs';
import type { Action } from '../../src/core/Action.js';
import { makeActionSpace } from '../../src/core/Action.js';
import type { Proprioception, RgbImage } from '../../src/core/Observation.js';
import { timestampFromSeconds } from '../../src/core/Timestamp.js';
import type { ActionSink } from '../../src/agent/Sink.js';
import type { SensorSource } from '../../src/agent/Source.js';

/** Messages stamped with their virtual time in milliseconds, so marbles and stamps agree. */
export function rgbAt(ms: number): RgbImage {
  return { stamp: timestampFromSeconds(ms / 1000), frameId: 'cam', width: 1, height: 1, data: new Uint8Array([ms % 256, 0, 0]) };
}

export function proprioAt(ms: number): Proprioception {
  return {
    stamp: timestampFromSeconds(ms / 1000),
    frameId: 'base_link',
    jointNames: ['j'],
    positions: new Float64Array([ms]),
    velocities: new Float64Array([0]),
    endEffector: { position: [0, 0, 0], quaternion: [1, 0, 0, 0] },
    gripper: 1,
  };
}

export const testSpace = makeActionSpace('ee_delta', ['dx', 'dy', 'dz', 'gripper'], [-1, -1, -1, -1], [1, 1, 1, 1]);

export function testSource(streams: { rgb$?: Observable<RgbImage>; proprio$?: Observable<Proprioception> }): SensorSource {
  return { name: 'test', actionSpace: testSpace, goal$: NEVER, ...streams };
}

/** A sink that records what it was sent and every safe stop. */
export class RecordingSink implements ActionSink {
  readonly sent: Action[] = [];
  readonly stops: string[] = [];
  send(action: Action): Action {
    this.sent.push(action);
    return action;
  }
  safeStop(reason: string): void {
    this.stops.push(reason);
  }
}
