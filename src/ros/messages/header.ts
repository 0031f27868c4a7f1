import type { SensorHeader } from '../../core/index.js';
import type { HeaderMsg } from './rosTypes.js';
import { timestampFromRos, timestampToRos } from './time.js';

/**
 * std_msgs/Header to the stamp and frame every core modality carries; `label` (the message's
 * type and topic) names a malformed stamp in the error.
 */
export function sensorHeaderFromRos(header: HeaderMsg, label?: string): SensorHeader {
  return { stamp: timestampFromRos(header.stamp, label === undefined ? undefined : `${label}: header.stamp`), frameId: header.frame_id };
}

/** The stamp and frame of a core modality as std_msgs/Header. */
export function headerToRos(header: SensorHeader): HeaderMsg {
  return { stamp: timestampToRos(header.stamp), frame_id: header.frameId };
}
