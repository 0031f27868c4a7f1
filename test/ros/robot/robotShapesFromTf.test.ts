import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { quatFromAxisAngle, timestampFromSeconds } from '../../../src/core/index.js';
import type { RobotShapes } from '../../../src/core/index.js';
import { filterRobotPoints } from '../../../src/perception/index.js';
import { poseRobotShapes, robotModelShapes, TransformBuffer } from '../../../src/ros/index.js';
import { ARM_URDF, installPrefix } from './fixtures.js';

const close = (a: readonly number[], b: readonly number[], what: string): void =>
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-9, `${what}: [${a.join(', ')}] vs [${b.join(', ')}]`));

/** The arm straight up: link_1 at 0.1 m on the base, link_2 0.4 m above it turned a quarter about z. */
function armTf(prefix = ''): TransformBuffer {
  const tf = new TransformBuffer();
  const t = timestampFromSeconds(5);
  tf.set({ stamp: t, parent: 'world', child: `${prefix}base_link`, pose: { position: [0.5, 0, 0], quaternion: [1, 0, 0, 0] } }, true);
  tf.set({ stamp: t, parent: `${prefix}base_link`, child: `${prefix}link_1`, pose: { position: [0, 0, 0.1], quaternion: [1, 0, 0, 0] } }, false);
  tf.set({ stamp: t, parent: `${prefix}link_1`, child: `${prefix}link_2`, pose: { position: [0, 0, 0.4], quaternion: quatFromAxisAngle([0, 0, 1], Math.PI / 2) } }, false);
  return tf;
}

describe('robot shapes from the URDF and tf', () => {
  test('an STL mesh becomes the box of its scaled bounds, placed by its collision origin', () => {
    const model = robotModelShapes(ARM_URDF, [], { AMENT_PREFIX_PATH: installPrefix() });
    assert.deepEqual(model.skipped, []);
    const mesh = model.shapes[3];
    assert.equal(mesh.kind, 'box');
    close(mesh.size, [0.1, 0.02, 0.02], 'half sizes in metres');
    // Bounds centre (0.1, 0, 0) m in the mesh frame, turned a quarter about z, after the origin's 0.1 m in x.
    close(mesh.origin.position, [0.1, 0.1, 0], 'centre');
  });

  test('a mesh that cannot be found is left out and said why; the other shapes stay', () => {
    const model = robotModelShapes(ARM_URDF, [], {});
    assert.deepEqual(model.shapes.map((s) => `${s.link}:${s.kind}`), ['base_link:box', 'link_1:capsule', 'link_2:sphere']);
    assert.equal(model.skipped.length, 1);
    assert.match(model.skipped[0], /^link 'link_2': mesh 'package:\/\/test_arm_description\/meshes\/forearm.stl': package 'test_arm_description' not found/);
  });

  test("posed in the cloud's frame at its stamp, the shapes drop the arm's points and keep the rest", () => {
    const model = robotModelShapes(ARM_URDF, [], { AMENT_PREFIX_PATH: installPrefix() });
    const posed = poseRobotShapes(model.shapes, armTf('ur_'), 'world', timestampFromSeconds(5), { framePrefix: 'ur_' });
    if ('error' in posed) assert.fail(posed.error);
    const shapes: RobotShapes = posed.shapes;
    assert.equal(shapes.frameId, 'world');
    assert.deepEqual(shapes.stamp, timestampFromSeconds(5));
    assert.deepEqual(shapes.shapes.map((s) => s.kind), ['box', 'capsule', 'sphere', 'box']);
    close(shapes.shapes[1].position, [0.5, 0, 0.3], 'cylinder centre: 0.1 + 0.2 up');
    // The forearm box: link_2 at (0.5, 0, 0.5) turned a quarter, so its origin's (0.1, 0.1, 0) is (-0.1, 0.1, 0).
    close(shapes.shapes[3].position, [0.4, 0.1, 0.5], 'forearm centre');
    const points = Float32Array.of(
      0.5, 0.1, 0.02, // in the base box
      0.5, 0.02, 0.45, // in the cylinder's capsule
      0.33, 0.1, 0.5, // in the forearm box (its long side runs along world -x)
      0.8, 0.0, 0.02, // on the table, clear of the arm
      0.5, 0.3, 0.3, // beside the arm
    );
    const keep = filterRobotPoints(points, shapes, 0);
    assert.deepEqual([...keep], [3, 4]);
  });

  test('a link tf cannot place yet is named, and no partial shapes come out', () => {
    const model = robotModelShapes(ARM_URDF, [], {});
    const tf = armTf();
    const posed = poseRobotShapes(model.shapes, tf, 'world', timestampFromSeconds(5.5), { toleranceS: 0.05 });
    assert.ok('error' in posed);
    assert.match(posed.error, /^link 'link_1': transform 'base_link' -> 'link_1' is asked 500.0 ms after its newest sample/);
    const held = poseRobotShapes(model.shapes, tf, 'world', timestampFromSeconds(5.04), { toleranceS: 0.05 });
    assert.ok('shapes' in held);
  });
});
