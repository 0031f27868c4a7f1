import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BagWriter } from '../../src/bag/BagWriter.js';
import { toNanoseconds } from '../../src/core/index.js';
import { frame, tempDir } from './fixtures.js';

// With ROS 2 sourced, the real rosbag2 reads what we write. Skips, saying why, otherwise.
const ros2 = (() => {
  if (process.env.ROS_DISTRO === undefined) return 'ROS 2 is not sourced (ROS_DISTRO unset)';
  try {
    execFileSync('ros2', ['bag', '--help'], { stdio: 'ignore', timeout: 30_000 });
    return undefined;
  } catch {
    return `ROS 2 ${process.env.ROS_DISTRO} is sourced but \`ros2 bag\` does not run`;
  }
})();

describe('rosbag2 interop', () => {
  const { dir: root, cleanup } = tempDir();
  after(cleanup);

  test('`ros2 bag info -s mcap` reads the ROS files of a bag', { skip: ros2 }, async () => {
    const dir = join(root, 'ros');
    const writer = await BagWriter.create({ dir });
    for (let k = 0; k < 5; k++) {
      const f = frame(k);
      await writer.write({ topic: '/camera/color/image_raw', logTime: toNanoseconds(f.stamp), publishTime: toNanoseconds(f.stamp), payload: { kind: 'rgb', image: f.rgb } });
    }
    await writer.close();
    const out = execFileSync('ros2', ['bag', 'info', '-s', 'mcap', dir], { encoding: 'utf8', timeout: 60_000 });
    assert.match(out, /Messages:\s+5/);
    assert.match(out, /\/camera\/color\/image_raw \| Type: sensor_msgs\/msg\/Image \| Count: 5 \| Serialization Format: cdr/);
  });
});
