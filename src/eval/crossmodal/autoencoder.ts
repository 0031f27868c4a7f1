import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../core/Rng.js';

export interface AutoencoderOptions {
  readonly inputDim: number;
  readonly hidden: number;
  readonly latent: number;
  readonly rng: Rng;
}

export interface AutoencoderTraining {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly rng: Rng;
  readonly onEpoch?: (epoch: number, epochs: number, loss: number) => void;
}

/**
 * The small autoencoder of SOM-AE: images (flattened, [0, 1]) -> low-dimensional latent ->
 * images, trained on the MSE reconstruction loss. An MLP of matMuls rather than the paper's
 * conv net, because matMuls are what the wasm backend trains fast. Weights are drawn from the
 * seeded Rng (He initialisation), never from tfjs's unseeded initialisers.
 */
export class Autoencoder {
  readonly options: Omit<AutoencoderOptions, 'rng'>;
  readonly #vars: tf.Variable[];

  constructor(options: AutoencoderOptions) {
    const { inputDim, hidden, latent, rng } = options;
    this.options = { inputDim, hidden, latent };
    const layer = (i: number, o: number): tf.Variable[] => {
      const w = rng.fillNormal(new Float32Array(i * o), 0, Math.sqrt(2 / i));
      // Unnamed: tfjs variable names are global, and several autoencoders may live at once.
      return tf.tidy(() => [tf.variable(tf.tensor2d(w, [i, o]), true), tf.variable(tf.zeros([o]), true)]);
    };
    this.#vars = [...layer(inputDim, hidden), ...layer(hidden, latent), ...layer(latent, hidden), ...layer(hidden, inputDim)];
  }

  /** Trainable values held (float32). */
  get parameterCount(): number {
    return this.#vars.reduce((s, v) => s + v.size, 0);
  }

  #encode(x: tf.Tensor2D): tf.Tensor2D {
    const [w1, b1, w2, b2] = this.#vars;
    return tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2) as tf.Tensor2D;
  }

  #decode(z: tf.Tensor2D): tf.Tensor2D {
    const [, , , , w3, b3, w4, b4] = this.#vars;
    return tf.sigmoid(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(z, w3), b3)), w4), b4)) as tf.Tensor2D;
  }

  /** Trains on x [n, inputDim]; returns the mean loss of each epoch and the peak tensor bytes seen. */
  train(x: Float32Array, n: number, options: AutoencoderTraining): { losses: number[]; peakBytes: number } {
    const d = this.options.inputDim;
    if (x.length !== n * d) throw new RangeError(`autoencoder: ${x.length} values, expected ${n} x ${d}`);
    const optimizer = tf.train.adam(options.learningRate);
    const order = Array.from({ length: n }, (_, i) => i);
    const losses: number[] = [];
    let peakBytes = tf.memory().numBytes;
    const batch = new Float32Array(options.batchSize * d);
    try {
      for (let epoch = 0; epoch < options.epochs; epoch++) {
        options.rng.shuffle(order);
        let sum = 0;
        let batches = 0;
        for (let start = 0; start < n; start += options.batchSize) {
          const rows = order.slice(start, start + options.batchSize);
          rows.forEach((r, i) => batch.set(x.subarray(r * d, (r + 1) * d), i * d));
          const loss = tf.tidy(() => {
            const xb = tf.tensor2d(batch.subarray(0, rows.length * d), [rows.length, d]);
            const cost = optimizer.minimize(() => tf.mean(tf.square(tf.sub(this.#decode(this.#encode(xb)), xb))) as tf.Scalar, true, this.#vars);
            peakBytes = Math.max(peakBytes, tf.memory().numBytes);
            return cost!.dataSync()[0];
          });
          sum += loss;
          batches++;
        }
        losses.push(sum / batches);
        options.onEpoch?.(epoch + 1, options.epochs, sum / batches);
      }
    } finally {
      optimizer.dispose();
    }
    return { losses, peakBytes };
  }

  /** x [n, inputDim] -> latents [n, latent]. */
  encode(x: Float32Array, n: number): Float32Array {
    return tf.tidy(() => this.#encode(tf.tensor2d(x, [n, this.options.inputDim])).dataSync() as Float32Array);
  }

  /** latents [n, latent] -> images [n, inputDim] in [0, 1]. */
  decode(z: Float32Array, n: number): Float32Array {
    return tf.tidy(() => this.#decode(tf.tensor2d(z, [n, this.options.latent])).dataSync() as Float32Array);
  }

  dispose(): void {
    this.#vars.forEach((v) => v.dispose());
  }
}
