import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { TOPIC_ROLE_KEYS, topicRoles } from '../../src/bag/topicRoles.js';
import { runs, valueOrNamedError } from '../property.js';
import { tempDir } from './fixtures.js';

describe('topicRoles properties', () => {
  const { dir, cleanup } = tempDir('topic-roles-');
  after(cleanup);
  let n = 0;

  test('any --topics file: roles that are topic names, the flags over them, or an error naming the file', () => {
    const role = fc.oneof(fc.constantFrom(...TOPIC_ROLE_KEYS, '__proto__', 'camera'), fc.string({ maxLength: 5 }));
    const text = fc.oneof(fc.dictionary(role, fc.oneof(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }))).map((d) => stringify(d)), fc.string({ maxLength: 40 }));
    fc.assert(
      fc.property(text, fc.option(fc.constantFrom('/flag/rgb', ''), { nil: undefined }), (yaml, rgb) => {
        const file = join(dir, `roles-${n++}.yaml`);
        writeFileSync(file, yaml);
        const roles = valueOrNamedError(() => topicRoles({ topicsFile: file, ...(rgb === undefined ? {} : { rgb }) }), new RegExp(`^--(topics ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}|rgb needs a topic name)`));
        if (roles === undefined) return;
        for (const [k, v] of Object.entries(roles)) {
          assert.ok((TOPIC_ROLE_KEYS as readonly string[]).includes(k), k);
          assert.ok(typeof v === 'string' && v !== '', `${k}: ${String(v)}`);
        }
        if (rgb !== undefined) assert.equal(roles.rgb, rgb);
      }),
      runs(200),
    );
  });
});
