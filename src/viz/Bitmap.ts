/** An RGB picture for visualisation: row-major H x W x 3 uint8, no sensor header. */
export interface Bitmap {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}
