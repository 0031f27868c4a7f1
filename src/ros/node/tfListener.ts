import { EMPTY, ignoreElements, merge, share } from 'rxjs';
import type { Observable } from 'rxjs';
import { frameTransformsFromRos } from '../messages/index.js';
import { TransformBuffer } from '../robot/index.js';
import type { RosTransport } from '../transport/index.js';
import { DEFAULT_QOS, LATCHED_QOS } from '../transport/index.js';
import type { BadMessageLog } from './BadMessageLog.js';
import { decodeTopic } from './decodeTopic.js';

// tf2's own listener subscribes /tf reliable with a deep history: bursts of one message per
// broadcaster must not push each other out.
const TF_QOS = { ...DEFAULT_QOS, depth: 100 };
// A buffer as long as tf2's default: clouds arrive late, never by seconds.
const TF_CACHE_S = 10;

export interface TfListener {
  readonly buffer: TransformBuffer;
  /** Feeds `buffer` from /tf and /tf_static while subscribed (shared); emits nothing. */
  readonly updates$: Observable<never>;
}

/**
 * The frame tree the node knows, as tf2's TransformListener keeps it: every message on
 * `/tf` (dynamic) and `/tf_static` (latched) goes into one buffer. A message with a bad
 * transform is counted by `bad` and none of its transforms is kept.
 */
export function tfListener(transport: RosTransport, topics: { readonly tf: string; readonly tf_static: string }, bad: BadMessageLog): TfListener {
  const buffer = new TransformBuffer(TF_CACHE_S);
  const feed = (topic: string, isStatic: boolean): Observable<never> =>
    topic === ''
      ? EMPTY
      : decodeTopic(transport, topic, 'tf2_msgs/msg/TFMessage', isStatic ? LATCHED_QOS : TF_QOS, (msg, name) => {
          for (const x of frameTransformsFromRos(msg, name)) buffer.set(x, isStatic);
        }, bad).pipe(ignoreElements());
  return { buffer, updates$: merge(feed(topics.tf, false), feed(topics.tf_static, true)).pipe(share()) };
}
