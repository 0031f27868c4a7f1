import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { protobufFromBinaryDescriptor } from '@mcap/support';
import { agentSchemaData, decodeAgentRecord, encodeAgentRecord } from '../../src/bag/agentRecords.js';
import { AGENT_TOPICS } from '../../src/bag/topics.js';

describe('agent records (msgs/jepa_agent.proto)', () => {
  test('every record type round-trips, and decodes from its schema alone', () => {
    const stamp = { sec: 12, nanosec: 345 };
    const plan = { stamp, episode: 1, step: 2, planner: 'cem', horizon: 2, actionDim: 2, actions: [0.5, -0.25, 0, 1], predictedCost: 1.5, planningMs: 3.25 };
    const bytes = encodeAgentRecord('jepa_agent.Plan', plan);
    assert.deepEqual(decodeAgentRecord('jepa_agent.Plan', bytes), plan);
    assert.deepEqual(decodeAgentRecord('jepa_agent.Plan', bytes, agentSchemaData('jepa_agent.Plan')), plan);
    const weights = { stamp, weights: [{ name: 'rgb', value: 0.25 }, { name: 'proprio', value: 0.75 }] };
    assert.deepEqual(decodeAgentRecord('jepa_agent.ModalityWeights', encodeAgentRecord('jepa_agent.ModalityWeights', weights)), weights);
    const end = { stamp, kind: 1 as const, episode: 3, seed: 9, task: 'push', split: 'train', steps: 40, success: true };
    assert.deepEqual(decodeAgentRecord('jepa_agent.EpisodeMarker', encodeAgentRecord('jepa_agent.EpisodeMarker', end)), end);
    for (const type of Object.values(AGENT_TOPICS)) {
      const root = protobufFromBinaryDescriptor(agentSchemaData(type));
      assert.equal(root.lookupType(type).fullName, `.${type}`);
    }
  });

  test('bad records and bytes: errors name the type', () => {
    assert.throws(() => encodeAgentRecord('jepa_agent.Losses', { stamp: { sec: 1, nanosec: 0 }, trainStep: 1, terms: 'x' as never }), /agent record jepa_agent\.Losses: terms: array expected/);
    assert.throws(() => decodeAgentRecord('jepa_agent.Transition', Uint8Array.of(0x0a, 0xff)), /agent record jepa_agent\.Transition: cannot decode 2 bytes/);
    assert.throws(() => decodeAgentRecord('jepa_agent.Transition', new Uint8Array(3), agentSchemaData('jepa_agent.Losses').subarray(0, 3)), /not a protobuf FileDescriptorSet|no type jepa_agent\.Transition/);
  });
});
