// A recorder in its own process, for the kill -9 test (BagRecorder.test.ts): records frames
// forever and prints how many were written so far. Does nothing unless BAG_RECORD_CHILD_OUT
// is set, so the test runner can load it harmlessly.
import { BagRecorder } from '../../src/bag/BagRecorder.js';
import { toNanoseconds } from '../../src/core/index.js';
import { frame } from './fixtures.js';

const out = process.env.BAG_RECORD_CHILD_OUT;
if (out !== undefined) {
  const recorder = await BagRecorder.start({ dir: out, chunkBytes: 16 << 10 });
  let k = 0;
  const tick = (): void => {
    for (let i = 0; i < 5; i++, k++) {
      const f = frame(k);
      recorder.write({ topic: '/rgb', logTime: toNanoseconds(f.stamp), publishTime: 0n, payload: { kind: 'rgb', image: f.rgb } });
    }
    const s = recorder.stats();
    process.stdout.write(`${s.written}\n`);
    setTimeout(tick, 5);
  };
  tick();
}
