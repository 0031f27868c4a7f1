import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type protobuf from 'protobufjs';
import { protobufFromBinaryDescriptor } from '@mcap/support';
import { agentProtoRoot, agentSchemaData, decodeAgentRecord, encodeAgentRecord } from '../../src/bag/agentRecords.js';
import type { AgentRecordType } from '../../src/bag/topics.js';
import { mutate, mutations, runs, timed, valueOrNamedError } from '../property.js';
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

describe('agent records properties', () => {
  const TYPES = Object.values(AGENT_TOPICS) as AgentRecordType[];
  const ascii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 8 });

  /** Any record of a protobuf type, every field set (so that decoding with defaults gives it back as it was). */
  function recordOf(t: protobuf.Type): fc.Arbitrary<Record<string, unknown>> {
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of t.fieldsArray) {
      f.resolve();
      let one: fc.Arbitrary<unknown>;
      if (f.resolvedType !== null && 'fieldsArray' in f.resolvedType) one = recordOf(f.resolvedType);
      else if (f.resolvedType !== null) one = fc.constantFrom(...Object.values((f.resolvedType as protobuf.Enum).values));
      else {
        switch (f.type) {
          case 'string': one = ascii; break;
          case 'float': one = fc.float({ noNaN: true }); break;
          case 'double': one = fc.double({ noNaN: true }); break;
          case 'int32': one = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }); break;
          case 'uint32': one = fc.integer({ min: 0, max: 2 ** 32 - 1 }); break;
          case 'uint64': one = fc.nat({ max: Number.MAX_SAFE_INTEGER }); break;
          case 'bool': one = fc.boolean(); break;
          default: throw new Error(`no arbitrary for ${f.type}`);
        }
      }
      if (f.name === 'nanosec') one = fc.integer({ min: 0, max: 999_999_999 });
      shape[f.name] = f.repeated ? fc.array(one, { maxLength: 4 }) : one;
    }
    return fc.record(shape, { noNullPrototype: true });
  }

  for (const type of TYPES) {
    test(`${type}: any record round-trips, with and without its schema`, () => {
      fc.assert(
        fc.property(recordOf(agentProtoRoot().lookupType(type)), (record) => {
          const bytes = encodeAgentRecord(type, record as never);
          const back = decodeAgentRecord(type, bytes);
          // float fields come back as float32.
          assert.deepEqual(JSON.stringify(back), JSON.stringify(decodeAgentRecord(type, bytes, agentSchemaData(type))));
          assert.deepEqual(encodeAgentRecord(type, back as never), bytes);
        }),
        runs(30),
      );
    });
  }

  test('damaged bytes, or a damaged schema: a record with a stamp the agent can use, or an error naming the type, quickly', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TYPES).chain((type) => fc.tuple(fc.constant(type), recordOf(agentProtoRoot().lookupType(type)))),
        mutations(),
        fc.boolean(),
        ([type, record], damage, schemaDamaged) => {
          const clean = encodeAgentRecord(type, record as never);
          const bytes = schemaDamaged ? clean : mutate(clean, damage);
          const schema = schemaDamaged ? mutate(agentSchemaData(type), damage) : agentSchemaData(type);
          const { value, ms } = timed(() => valueOrNamedError(() => decodeAgentRecord(type, bytes, schema), /^agent record( jepa_agent\.\w+)?: /));
          assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
          if (value === undefined) return;
          const { stamp } = value as { stamp: { sec: number; nanosec: number } };
          assert.ok(stamp !== null && Number.isInteger(stamp.sec) && Number.isInteger(stamp.nanosec) && stamp.nanosec >= 0 && stamp.nanosec < 1e9, `stamp ${JSON.stringify(stamp)}`);
          assert.equal(agentProtoRoot().lookupType(type).verify(value as unknown as Record<string, unknown>), null);
        },
      ),
      runs(300),
    );
  });
});
