import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bitmapFont } from '../../src/viz/index.js';

function art(code: number): string[] {
  return bitmapFont.glyph(code).map((row) => Array.from({ length: bitmapFont.cellWidth }, (_, x) => (row & (0x80 >> x) ? '#' : '.')).join(''));
}

describe('bitmapFont', () => {
  test('every printable ASCII character has its own glyph inside the cell', () => {
    const seen = new Map<string, string>();
    for (let code = 32; code <= 126; code++) {
      const rows = bitmapFont.glyph(code);
      assert.equal(rows.length, bitmapFont.cellHeight, `char ${code}`);
      // Ink stays in the left 5 columns so the 6th separates neighbours.
      for (const row of rows) assert.equal(row & ~0xf8, 0, `char ${JSON.stringify(String.fromCharCode(code))} row ${row.toString(16)}`);
      const inked = rows.some((r) => r !== 0);
      assert.equal(inked, code !== 32, `char ${JSON.stringify(String.fromCharCode(code))} ink`);
      const key = rows.join(',');
      assert.equal(seen.get(key), undefined, `char ${String.fromCharCode(code)} duplicates ${seen.get(key)}`);
      seen.set(key, String.fromCharCode(code));
    }
    assert.equal(seen.size, 95);
  });

  test('glyphs read as their letters, descenders below the baseline', () => {
    assert.deepEqual(art('A'.charCodeAt(0)), [
      '......',
      '..#...',
      '.#.#..',
      '#...#.',
      '#...#.',
      '#####.',
      '#...#.',
      '#...#.',
      '......',
      '......',
    ]);
    const g = art('g'.charCodeAt(0));
    assert.ok(g.slice(bitmapFont.ascent).some((row) => row.includes('#')), 'g descends');
    const x = art('x'.charCodeAt(0));
    assert.ok(x.slice(bitmapFont.ascent).every((row) => !row.includes('#')), 'x sits on the baseline');
  });

  test("codes outside 32..126 get the '?' glyph", () => {
    const question = bitmapFont.glyph('?'.charCodeAt(0));
    for (const code of [0, 10, 31, 127, 233, 0x263a]) assert.deepEqual(bitmapFont.glyph(code), question, `code ${code}`);
  });
});
