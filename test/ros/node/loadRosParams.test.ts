import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentNodeParamsSchema, loadRosParams, parameterDeclarations, parseRosParams, simRobotParamsSchema } from '../../../src/ros/node/index.js';

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
