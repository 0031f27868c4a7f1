import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { firstValueFrom, take, toArray } from 'rxjs';
import { DEFAULT_QOS, getMessageCodec, InProcessBus, InProcessTransport, LATCHED_QOS, SENSOR_DATA_QOS } from '../../../src/ros/index.js';

const bool = getMessageCodec('std_msgs/msg/Bool');

describe('InProcessTransport', () => {
  test('carries the same CDR bytes, later, never inside publish, as a copy', async () => {
    const bus = new InProcessBus();
    const a = new InProcessTransport(bus, 'a');
    const b = new InProcessTransport(bus, 'b');
    const received: Uint8Array[] = [];
    const sub = b.subscribe('/flag', 'std_msgs/msg/Bool', DEFAULT_QOS).subscribe((bytes) => received.push(bytes));
    const pub = a.createPublisher('flag', 'std_msgs/msg/Bool', DEFAULT_QOS);
    const bytes = bool.encode({ data: true });
    pub.publish(bytes);
    assert.equal(received.length, 0, 'not delivered synchronously');
    bytes.fill(0);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(received.length, 1);
    assert.deepEqual(bool.decode(received[0]), { data: true });
    assert.equal(bus.published('/flag'), 1);
    assert.deepEqual(bus.topics(), [{ name: '/flag', type: 'std_msgs/msg/Bool' }]);
    sub.unsubscribe();
    a.close();
    b.close();
  });

  test('latched (transient local) messages reach late subscribers; volatile ones do not', async () => {
    const bus = new InProcessBus();
    const t = new InProcessTransport(bus, 'n');
    t.createPublisher('/latched', 'std_msgs/msg/Bool', LATCHED_QOS).publish(bool.encode({ data: true }));
    t.createPublisher('/plain', 'std_msgs/msg/Bool', DEFAULT_QOS).publish(bool.encode({ data: true }));
    const got = await firstValueFrom(t.subscribe('/latched', 'std_msgs/msg/Bool', LATCHED_QOS));
    assert.deepEqual(bool.decode(got), { data: true });
    let plain = 0;
    const s = t.subscribe('/plain', 'std_msgs/msg/Bool', LATCHED_QOS).subscribe(() => plain++);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(plain, 0);
    s.unsubscribe();
  });

  test('a best-effort publisher does not reach a reliable subscriber, as over DDS, and says so', async () => {
    const bus = new InProcessBus();
    const t = new InProcessTransport(bus, 'n');
    let reliable = 0;
    const s1 = t.subscribe('/img', 'std_msgs/msg/Bool', DEFAULT_QOS).subscribe(() => reliable++);
    const best = firstValueFrom(t.subscribe('/img', 'std_msgs/msg/Bool', SENSOR_DATA_QOS).pipe(take(2), toArray()));
    const pub = t.createPublisher('/img', 'std_msgs/msg/Bool', SENSOR_DATA_QOS);
    pub.publish(bool.encode({ data: true }));
    pub.publish(bool.encode({ data: false }));
    assert.equal((await best).length, 2);
    assert.equal(reliable, 0);
    assert.deepEqual(bus.incompatible, ['/img: best-effort publisher cannot reach a reliable subscriber']);
    s1.unsubscribe();
  });

  test('errors name the topic, the types and the node', () => {
    const bus = new InProcessBus();
    const t = new InProcessTransport(bus, 'n', { hasType: (type) => !type.startsWith('jepa_agent_msgs/') });
    t.createPublisher('/x', 'std_msgs/msg/Bool', DEFAULT_QOS);
    assert.throws(() => t.createPublisher('/x', 'std_msgs/msg/String', DEFAULT_QOS), /^TypeError: \/n: publisher: topic \/x carries std_msgs\/msg\/Bool, not std_msgs\/msg\/String$/);
    assert.throws(() => t.createPublisher('~/status', 'jepa_agent_msgs/msg/AgentStatus', DEFAULT_QOS), /\/n: publisher on \/n\/status: no type support for jepa_agent_msgs\/msg\/AgentStatus/);
    assert.equal(t.hasType('jepa_agent_msgs/msg/AgentStatus'), false);
    t.declareParameters([{ name: 'a.b', kind: 'integer', value: 3, description: '' }]);
    assert.equal(t.parameters.get('a.b'), 3);
    assert.throws(() => t.declareParameters([{ name: 'a.b', kind: 'integer', value: 3, description: '' }]), /parameter 'a\.b' is already declared/);
    t.close();
    assert.throws(() => t.createPublisher('/y', 'std_msgs/msg/Bool', DEFAULT_QOS), /\/n: cannot create a publisher on \/y: the node was closed/);
  });
});
