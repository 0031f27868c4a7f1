import { EMPTY, mergeMap, of } from 'rxjs';
import type { Observable } from 'rxjs';
import type { RosMessageMap, RosMessageType } from '../messages/index.js';
import { getMessageCodec } from '../messages/index.js';
import type { QosProfile, RosTransport } from '../transport/index.js';
import type { BadMessageLog } from './BadMessageLog.js';

/**
 * Messages on `topic` decoded from CDR and converted, as an Observable. A message that fails
 * to decode or convert is counted and logged by `bad` (named by the transport's full topic
 * name) and skipped: the stream goes on.
 */
export function decodeTopic<K extends RosMessageType, T>(
  transport: RosTransport,
  topic: string,
  type: K,
  qos: QosProfile,
  convert: (message: RosMessageMap[K], topic: string) => T,
  bad: BadMessageLog,
): Observable<T> {
  const codec = getMessageCodec(type);
  return transport.subscribe(topic, type, qos).pipe(
    mergeMap((bytes) => {
      try {
        return of(convert(codec.decode(bytes), topic));
      } catch (error) {
        bad.record(topic, error);
        return EMPTY;
      }
    }),
  );
}
