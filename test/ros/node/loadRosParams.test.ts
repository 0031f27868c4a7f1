import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentNodeParamsSchema, loadRosParams, parameterDeclarations, parseRosParams, RosParamsError, simRobotParamsSchema } from '../../../src/ros/node/index.js';
import { runs, timed, valueOrNamedError } from '../../property.js';

const YAML = `
/**:
  ros__parameters:
    control_rate_hz: 15.0
    topics:
      rgb: /all/image
jepa_agent:
  ros__parameters:
    topics:
      rgb: /cam/image
      points: ""
    joint_names: [j1, j2]
    qos.sensor_depth: 3
other_node:
  ros__parameters:
    not_ours: 1
`;

describe('parseRosParams', () => {
  test('merges /**, the node section (dotted or nested keys) and overrides over the defaults', () => {
    const p = parseRosParams(agentNodeParamsSchema, 'jepa_agent', YAML, ['action_interface=twist', 'limits.max_ee_delta=0.01'], 'test.yaml');
    assert.equal(p.control_rate_hz, 15);
    assert.equal(p.topics.rgb, '/cam/image');
    assert.equal(p.topics.points, '');
    assert.equal(p.topics.joint_states, '/joint_states');
    assert.deepEqual(p.joint_names, ['j1', 'j2']);
    assert.equal(p.qos.sensor_depth, 3);
    assert.equal(p.action_interface, 'twist');
    assert.equal(p.limits.max_ee_delta, 0.01);
  });

  test('a namespaced section (/ns/jepa_agent) is ours too', () => {
    const p = parseRosParams(agentNodeParamsSchema, 'jepa_agent', '/arm/jepa_agent:\n  ros__parameters:\n    planner: mppi\n');
    assert.equal(p.planner, 'mppi');
  });

  test('errors name the source, the node, the parameter and the value', () => {
    assert.throws(
      () => parseRosParams(agentNodeParamsSchema, 'jepa_agent', 'jepa_agent:\n  ros__parameters:\n    control_rate_hz: -1\n    colour: red\n', [], 'params file x.yaml'),
      /^RosParamsError: params file x\.yaml \(node jepa_agent\): parameter 'control_rate_hz': .* \(got -1\); unknown parameter 'colour'$/,
    );
    assert.throws(() => parseRosParams(agentNodeParamsSchema, 'jepa_agent', 'jepa_agent: 3\n'), /section 'jepa_agent' must hold a 'ros__parameters' mapping/);
    assert.throws(() => parseRosParams(agentNodeParamsSchema, 'jepa_agent', undefined, ['action_interface']), /override 'action_interface': expected name=value/);
    assert.throws(() => parseRosParams(agentNodeParamsSchema, 'jepa_agent', undefined, ['action_interface=fly']), /parameter 'action_interface': .*\(got "fly"\)/);
    assert.throws(() => parseRosParams(agentNodeParamsSchema, 'jepa_agent', 'a: [1\n'), /is not valid YAML/);
  });

  test('loadRosParams reads a file and names it when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'params-'));
    try {
      const file = join(dir, 'p.yaml');
      writeFileSync(file, YAML);
      assert.equal(loadRosParams(agentNodeParamsSchema, 'jepa_agent', file).topics.rgb, '/cam/image');
      assert.throws(() => loadRosParams(agentNodeParamsSchema, 'jepa_agent', join(dir, 'missing.yaml')), /^RosParamsError: params file .*missing\.yaml cannot be read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('launch/params', () => {
  test('every params file of the launch folder is valid for the nodes it configures', () => {
    const dir = new URL('../../../../launch/params/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length >= 4);
    for (const f of files) {
      const path = new URL(f, dir).pathname;
      assert.doesNotThrow(() => loadRosParams(agentNodeParamsSchema, 'jepa_agent', path), f);
      assert.doesNotThrow(() => loadRosParams(simRobotParamsSchema, 'jepa_sim_robot', path), f);
    }
  });
});

describe('viz parameter', () => {
  test('empty by default; [host:]port as a string; anything else named', () => {
    assert.equal(parseRosParams(agentNodeParamsSchema, 'jepa_agent', undefined).viz, '');
    assert.equal(parseRosParams(agentNodeParamsSchema, 'jepa_agent', undefined, ['viz="0.0.0.0:8765"']).viz, '0.0.0.0:8765');
    assert.equal(parseRosParams(agentNodeParamsSchema, 'jepa_agent', undefined, ['viz="8765"']).viz, '8765');
    assert.throws(() => parseRosParams(agentNodeParamsSchema, 'jepa_agent', undefined, ['viz="localhost"']), /parameter 'viz': expected \[host:\]port as a string/);
  });
});

describe('parameterDeclarations', () => {
  test('dotted names with ROS 2 types from the schema and descriptions', () => {
    const params = parseRosParams(agentNodeParamsSchema, 'jepa_agent', undefined);
    const decl = new Map(parameterDeclarations(agentNodeParamsSchema, params).map((d) => [d.name, d]));
    assert.equal(decl.get('topics.rgb')?.kind, 'string');
    assert.equal(decl.get('qos.sensor_depth')?.kind, 'integer');
    assert.equal(decl.get('control_rate_hz')?.kind, 'double', 'a double even when its value is whole');
    assert.equal(decl.get('control_rate_hz')?.value, 10);
    assert.equal(decl.get('joint_names')?.kind, 'string_array');
    assert.equal(decl.get('required_modalities')?.kind, 'string_array');
    assert.equal(decl.get('learn')?.kind, 'bool');
    assert.equal(decl.get('action_interface')?.kind, 'string');
    assert.match(decl.get('topics.estop')?.description ?? '', /e-stop|stops the arm/);
    assert.ok([...decl.values()].every((d) => d.description !== ''), 'every parameter is described');
  });
});

describe('parseRosParams properties', () => {
  const BUILTIN = new Set(Object.getOwnPropertyNames(Object.prototype));
  const polluted = (): string[] => Object.getOwnPropertyNames(Object.prototype).filter((k) => !BUILTIN.has(k));
  const key = fc.oneof(
    fc.constantFrom('control_rate_hz', 'topics', 'rgb', 'topics.rgb', 'joint_names', 'qos', 'qos.sensor_depth', 'limits', 'limits.max_ee_delta', 'action_interface', '__proto__', '__proto__.polluted', 'constructor', 'constructor.prototype.polluted', 'toString'),
    fc.string({ maxLength: 8 }),
  );
  const leaf = fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.string({ maxLength: 8 }), fc.constantFrom('/cam/image', 'twist', ''), fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }));
  const params = fc.letrec<{ tree: unknown }>((tie) => ({ tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.dictionary(key, tie('tree'), { maxKeys: 4 })) })).tree;
  const section = fc.oneof(fc.record({ ros__parameters: params }), params);
  const doc = fc.dictionary(fc.constantFrom('/**', 'jepa_agent', '/jepa_agent', '/ns/jepa_agent', 'other_node', '__proto__'), section, { maxKeys: 3 });
  const text = fc.oneof(doc.map((d) => stringify(d)), fc.string({ maxLength: 60 }), fc.constantFrom('[', 'a: b: c', '/**: 3', '{', '- 1\n- 2'));
  const override = fc.oneof(fc.tuple(key, fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('[', '{a: 1', '1.5', '!!binary x', '*x'))).map(([k, v]) => `${k}=${v}`), fc.string({ maxLength: 10 }));

  test('any params text and overrides: valid parameters or a RosParamsError naming the file, section or parameter; nothing global changes', () => {
    fc.assert(
      fc.property(text, fc.array(override, { maxLength: 3 }), (yaml, overrides) => {
        try {
          const { value, ms } = timed(() =>
            valueOrNamedError(() => {
              try {
                return parseRosParams(agentNodeParamsSchema, 'jepa_agent', yaml, overrides, 'params.yaml');
              } catch (error) {
                assert.ok(error instanceof RosParamsError, `a ${(error as Error).name}, not a RosParamsError: ${(error as Error).message}`);
                throw error;
              }
            }, /params\.yaml|parameter( override)? '/),
          );
          assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
          if (value !== undefined) assert.equal(agentNodeParamsSchema.safeParse(value).success, true);
          assert.deepEqual(polluted(), [], 'Object.prototype gained keys');
        } finally {
          for (const k of polluted()) delete (Object.prototype as Record<string, unknown>)[k];
        }
      }),
      runs(400),
    );
  });

  test('a YAML alias bomb is refused at once, naming the file', () => {
    const lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (let i = 0; i < 9; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
    lines.push('jepa_agent:\n  ros__parameters:\n    topics:\n      rgb: *j');
    const { ms } = timed(() => assert.throws(() => parseRosParams(agentNodeParamsSchema, 'jepa_agent', lines.join('\n'), [], 'bomb.yaml'), /^RosParamsError: bomb\.yaml is not valid YAML: .*alias/i));
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  });
});
