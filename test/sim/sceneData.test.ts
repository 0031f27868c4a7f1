import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSceneData, SIM_DATA_DIR } from '../../src/sim/sceneData.js';
import { SimEnv } from '../../src/sim/SimEnv.js';
import { simConfig } from './fixtures.js';

function copyOfSimDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jepa-sim-'));
  cpSync(SIM_DATA_DIR, dir, { recursive: true });
  return dir;
}

test('the shipped scene data loads and validates', () => {
  const data = loadSceneData('tabletop');
  assert.ok(data.sceneXml.includes('<mujoco'));
  assert.ok(Object.keys(data.objects.shapes).length >= 6);
  assert.ok(data.splits.splits.train);
});

test('a missing scene file names the path', () => {
  assert.throws(() => loadSceneData('no_such_scene'), /scene file .*no_such_scene\.xml cannot be read/);
});

test('a malformed JSON data file names the file', () => {
  const dir = copyOfSimDir();
  writeFileSync(join(dir, 'tasks.json'), '{ "reach": ');
  assert.throws(() => loadSceneData('tabletop', dir), /tasks\.json: not valid JSON/);
});

test('a wrong key in a data file names the key', () => {
  const dir = copyOfSimDir();
  const tasks = JSON.parse(readFileSync(join(dir, 'tasks.json'), 'utf8'));
  tasks.push.successDistance = -1;
  writeFileSync(join(dir, 'tasks.json'), JSON.stringify(tasks));
  assert.throws(() => loadSceneData('tabletop', dir), /tasks\.json: 'push\.successDistance'/);
});

test('a split naming an unknown shape is an error', () => {
  const dir = copyOfSimDir();
  const splits = JSON.parse(readFileSync(join(dir, 'splits.json'), 'utf8'));
  splits.families.objects.train.shapes.push('teapot');
  writeFileSync(join(dir, 'splits.json'), JSON.stringify(splits));
  assert.throws(() => loadSceneData('tabletop', dir), /names 'teapot', which objects\.json does not define/);
});

test('a malformed MJCF scene is a clear error at reset, naming the file', async () => {
  const dir = copyOfSimDir();
  writeFileSync(join(dir, 'broken.xml'), '<mujoco><worldbody><geom type="plane" size="1 1 .1"</worldbody></mujoco>');
  const env = await SimEnv.create(simConfig('scene=broken'), { dataDir: dir });
  assert.throws(() => env.reset(0), /scene .*broken\.xml: MuJoCo could not load it: .*XML parse error/);
  env.close();
});
