import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveMeshPath, stlBounds } from '../../../src/ros/index.js';
import { asciiStl, binaryStl, FOREARM_TRIANGLES, installPrefix } from './fixtures.js';

describe('mesh bounds for the self-filter', () => {
  test('binary and ASCII STL give the same vertex bounds, a binary one whose header says "solid" too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jepa-stl-'));
    const files = {
      binary: binaryStl(FOREARM_TRIANGLES),
      solidHeader: binaryStl(FOREARM_TRIANGLES, 'solid exported by a CAD tool'),
      ascii: asciiStl(FOREARM_TRIANGLES),
    };
    for (const [name, bytes] of Object.entries(files)) {
      const path = join(dir, `${name}.STL`);
      writeFileSync(path, bytes);
      assert.deepEqual(stlBounds(path), { min: [0, -20, -20], max: [200, 20, 20] }, name);
    }
  });

  test('package:// resolves under AMENT_PREFIX_PATH, then the package paths; file:// and absolute paths as they are', () => {
    const prefix = installPrefix();
    const mesh = join(prefix, 'share', 'test_arm_description', 'meshes', 'forearm.stl');
    const url = 'package://test_arm_description/meshes/forearm.stl';
    assert.equal(resolveMeshPath(url, [], { AMENT_PREFIX_PATH: `/nonexistent:${prefix}` }), mesh);
    assert.equal(resolveMeshPath(url, [join(prefix, 'share')], {}), mesh);
    assert.equal(resolveMeshPath(pathToFileURL(mesh).href, [], {}), mesh);
    assert.equal(resolveMeshPath(mesh, [], {}), mesh);
    assert.throws(() => resolveMeshPath(url, [], {}), /package 'test_arm_description' not found \(looked in nothing: AMENT_PREFIX_PATH is empty/);
    assert.throws(() => resolveMeshPath(url, ['/opt/none'], { AMENT_PREFIX_PATH: '/opt/ros' }), /looked in \/opt\/ros\/share\/test_arm_description\/meshes\/forearm.stl, \/opt\/none\/test_arm_description/);
    assert.throws(() => resolveMeshPath('meshes/forearm.stl', [], {}), /neither a package:\/\/ URL nor an absolute path/);
  });

  test('other formats, truncated and empty files are refused naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jepa-stl-'));
    assert.throws(() => stlBounds(join(dir, 'arm.dae')), /arm.dae': only STL meshes are read/);
    const cut = join(dir, 'cut.stl');
    writeFileSync(cut, binaryStl(FOREARM_TRIANGLES).subarray(0, 120));
    assert.throws(() => stlBounds(cut), /cut.stl': neither a binary STL \(120 bytes for 2 triangles\) nor an ASCII one/);
    const empty = join(dir, 'empty.stl');
    writeFileSync(empty, 'solid nothing\nendsolid nothing\n');
    assert.throws(() => stlBounds(empty), /empty.stl': no vertices/);
  });
});
