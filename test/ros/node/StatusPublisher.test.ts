import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { firstValueFrom } from 'rxjs';
import { DEFAULT_QOS, getMessageCodec, InProcessBus, InProcessTransport } from '../../../src/ros/index.js';
import { StatusPublisher, statusJson } from '../../../src/ros/node/index.js';
import { nodeParams, recordingLogger } from './fixtures.js';

const header = { stamp: { sec: 1, nanosec: 2 }, frame_id: 'base_link' };
const error = { header, error: 0.25, mean_error: 0.5 };

describe('StatusPublisher', () => {
  test('publishes our own messages when the middleware knows them', async () => {
    const bus = new InProcessBus();
    const pub = new StatusPublisher(new InProcessTransport(bus, 'jepa_agent'), nodeParams().topics, recordingLogger());
    assert.equal(pub.ownTypes, true);
    const got = firstValueFrom(new InProcessTransport(bus, 't').subscribe('/jepa_agent/prediction_error', 'jepa_agent_msgs/msg/PredictionError', DEFAULT_QOS));
    pub.predictionError(error);
    assert.deepEqual(getMessageCodec('jepa_agent_msgs/msg/PredictionError').decode(await got), error);
  });

  test('falls back to std_msgs/String JSON, and says so once, when jepa_agent_msgs is not built', async () => {
    const bus = new InProcessBus();
    const logger = recordingLogger();
    const transport = new InProcessTransport(bus, 'jepa_agent', { hasType: (t) => !t.startsWith('jepa_agent_msgs/') });
    const pub = new StatusPublisher(transport, nodeParams(['topics.learner=']).topics, logger);
    assert.equal(pub.ownTypes, false);
    assert.equal(logger.lines.filter((l) => /jepa_agent_msgs is not built or not sourced/.test(l.message)).length, 1);
    const got = firstValueFrom(new InProcessTransport(bus, 't').subscribe('/jepa_agent/plan', 'std_msgs/msg/String', DEFAULT_QOS));
    pub.plan({ header, mode: 'plan', predicted_cost: 1.5, planning_ms: 3, babbling: false, action_names: ['dx'], horizon: 2, actions: Float32Array.of(0.5, 0.25), action_sent: Float32Array.of(0.5), sent: true });
    pub.learner({ header, steps: 1, frames: 2, weight_updates: 3, loss_names: [], loss_values: new Float64Array(0) });
    const json = JSON.parse(getMessageCodec('std_msgs/msg/String').decode(await got).data) as Record<string, unknown>;
    assert.equal(json.type, 'jepa_agent_msgs/msg/PlanStatus');
    assert.deepEqual(json.actions, [0.5, 0.25]);
    assert.equal(json.predicted_cost, 1.5);
    assert.deepEqual(bus.topics().map((t) => t.name), ['/jepa_agent/plan', '/jepa_agent/prediction_error', '/jepa_agent/status'], 'an empty topic turns an output off');
  });

  test('statusJson is ASCII, with typed arrays as arrays and non-finite numbers as null', () => {
    const text = statusJson('jepa_agent_msgs/msg/AgentStatus', { reason: 'zu spät', v: Float64Array.of(1, NaN) });
    assert.equal(text, '{"type":"jepa_agent_msgs/msg/AgentStatus","reason":"zu sp\\u00e4t","v":[1,null]}');
    assert.deepEqual(JSON.parse(text), { type: 'jepa_agent_msgs/msg/AgentStatus', reason: 'zu spät', v: [1, null] });
  });
});
