import type { HeaderMsg } from './rosTypes.js';

/**
 * How errors name a message: its type and topic when the caller knows the topic, else its
 * frame, e.g. "sensor_msgs/Image on /camera/image_raw" or "sensor_msgs/Image (frame 'cam')".
 */
export function sourceLabel(type: string, header: HeaderMsg, topic?: string): string {
  return topic !== undefined && topic !== '' ? `${type} on ${topic}` : `${type} (frame '${header.frame_id}')`;
}
