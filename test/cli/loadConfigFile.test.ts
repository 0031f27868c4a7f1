import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadConfigFile } from '../../src/cli/loadConfigFile.js';
import { ConfigError, parseConfig } from '../../src/core/config/Config.js';
import { tempDir } from '../bag/fixtures.js';
import { runs, timed, valueOrNamedError } from '../property.js';

describe('loadConfigFile', () => {
  const { dir, cleanup } = tempDir('config-file-');
  after(cleanup);

  test('YAML and JSON files give their mapping; an empty file is no override; other shapes are named errors', () => {
    const yaml = join(dir, 'run.yaml');
    writeFileSync(yaml, 'sim:\n  task: push\nseed: 3\n');
    assert.deepEqual(loadConfigFile(yaml), { sim: { task: 'push' }, seed: 3 });
    const json = join(dir, 'run.json');
    writeFileSync(json, '{"seed": 4}');
    assert.deepEqual(loadConfigFile(json), { seed: 4 });
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, '');
    assert.deepEqual(loadConfigFile(empty), {});
    const list = join(dir, 'list.yaml');
    writeFileSync(list, '- 1\n- 2\n');
    assert.throws(() => loadConfigFile(list), (e: Error) => e instanceof ConfigError && /config file .*list\.yaml: expected a mapping of keys at the top level/.test(e.message));
    assert.throws(() => loadConfigFile(join(dir, 'missing.yaml')), /config file .*missing\.yaml cannot be read/);
  });
});

describe('loadConfigFile properties', () => {
  const { dir, cleanup } = tempDir('config-file-prop-');
  after(cleanup);
  let n = 0;
  const key = fc.oneof(fc.constantFrom('seed', 'sim', 'task', 'camera', 'width', 'plan', 'horizon', '__proto__', 'constructor'), fc.string({ maxLength: 6 }));
  const tree = fc.letrec<{ node: unknown }>((tie) => ({ node: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })) })).node;

  test('any file text, YAML or JSON: a mapping that parses to a config or a ConfigError naming the file or key, in bounded time', () => {
    fc.assert(
      fc.property(fc.oneof(tree.map((t) => stringify(t)), tree.map((t) => JSON.stringify(t) ?? ''), fc.string({ maxLength: 80 })), fc.boolean(), (text, asJson) => {
        const path = join(dir, `c${n++}.${asJson ? 'json' : 'yaml'}`);
        writeFileSync(path, text);
        const { value: raw, ms } = timed(() => valueOrNamedError(() => loadConfigFile(path), new RegExp(`^config file ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`)));
        assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
        if (raw === undefined) return;
        assert.ok(typeof raw === 'object' && raw !== null && !Array.isArray(raw));
        valueOrNamedError(() => parseConfig(raw, path), new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
      }),
      runs(200),
    );
  });

  test('a YAML alias bomb is refused at once, naming the file', () => {
    const lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (let i = 0; i < 9; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
    const path = join(dir, 'bomb.yaml');
    writeFileSync(path, lines.join('\n'));
    const { ms } = timed(() => assert.throws(() => loadConfigFile(path), /bomb\.yaml is not valid YAML: .*alias/i));
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  });
});
