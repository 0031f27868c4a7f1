/**
 * Google's Turbo colour map (Mikhailov 2019) by its published polynomial fit, tabulated once
 * at 256 levels: perceptually smoother than jet, readable in greyscale prints.
 */
const LUT = buildLut();

function buildLut(): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const x = i / 255, x2 = x * x, x3 = x2 * x, x4 = x2 * x2, x5 = x4 * x;
    lut[3 * i] = 255 * (0.13572138 + 4.6153926 * x - 42.66032258 * x2 + 132.13108234 * x3 - 152.94239396 * x4 + 59.28637943 * x5);
    lut[3 * i + 1] = 255 * (0.09140261 + 2.19418839 * x + 4.84296658 * x2 - 14.18503333 * x3 + 4.27729857 * x4 + 2.82956604 * x5);
    lut[3 * i + 2] = 255 * (0.1066733 + 12.64194608 * x - 60.58204836 * x2 + 110.36276771 * x3 - 89.90310912 * x4 + 27.34824973 * x5);
  }
  return lut;
}

/** Writes the Turbo colour of `t` (clamped to [0, 1]; 0 dark blue, 1 dark red) at out[k..k+2]. */
export function turbo(t: number, out: Uint8Array, k: number): void {
  const i = t <= 0 ? 0 : t >= 1 ? 255 : Math.round(t * 255);
  out[k] = LUT[3 * i];
  out[k + 1] = LUT[3 * i + 1];
  out[k + 2] = LUT[3 * i + 2];
}
