import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupedBarChart } from '../../../src/eval/ablate/index.js';
import type { Bitmap } from '../../../src/viz/Bitmap.js';

const count = (b: Bitmap, c: readonly [number, number, number]): number => {
  let n = 0;
  for (let i = 0; i < b.rgb.length; i += 3) if (b.rgb[i] === c[0] && b.rgb[i + 1] === c[1] && b.rgb[i + 2] === c[2]) n++;
  return n;
};

test('bars are as tall as their values, in their series colour', () => {
  const red = [200, 0, 0] as const;
  const blue = [0, 0, 200] as const;
  const chart = groupedBarChart({
    title: 'T',
    yLabel: 'rate',
    groups: ['a', 'b'],
    series: [
      { name: 'low', values: [0.2, 0.2], color: red },
      { name: 'high', values: [0.8, Number.NaN], errors: [0.1, 0], color: blue },
    ],
    yRange: [0, 1],
    references: [{ name: 'chance', value: 0.5 }],
  });
  assert.ok(chart.width >= 360 && chart.height > 200);
  // Two red bars of 0.2 against one blue bar of 0.8 (the NaN draws nothing), plus the legend swatches.
  const swatch = 10 * 8;
  const redBars = count(chart, red) - swatch;
  const blueBars = count(chart, blue) - swatch;
  assert.ok(redBars > 0 && blueBars > 0);
  const ratio = blueBars / (redBars / 2);
  assert.ok(Math.abs(ratio - 4) < 0.5, `0.8 bar is ${ratio.toFixed(2)} x a 0.2 bar`);
});

test('mismatched lengths and an empty chart are errors naming the chart', () => {
  assert.throws(() => groupedBarChart({ title: 'X', yLabel: '', groups: ['a'], series: [{ name: 's', values: [1, 2] }] }), /groupedBarChart\("X"\): series "s" has 2 values for 1 groups/);
  assert.throws(() => groupedBarChart({ title: 'X', yLabel: '', groups: [], series: [] }), /needs at least one series and one group/);
});
