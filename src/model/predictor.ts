import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../core/index.js';
import { addDense, addLayerNorm, addMlp, dense, layerNorm, mlp } from './nn.js';
import type { RunningNormalizer } from './normalizer.js';
import type { ParamStore, Weights } from './paramStore.js';

/** A feature of each state the predictor reads beside it (model.predictor.objectRelation): [B, D] -> [B, dim]. */
export interface PredictorRelation {
  readonly dim: number;
  read(w: Weights, states: tf.Tensor2D): tf.Tensor2D;
}

/**
 * The object's interaction module (model.predictor.objectInteraction): an MLP of the relation
 * of the last state and the last action whose output moves the latent's part [start, start + size).
 */
export interface PredictorInteraction {
  readonly relation: PredictorRelation;
  readonly part: readonly [number, number];
}

const PREFIX = 'pred';
/** Init gain of the residual output: a fresh predictor starts close to "nothing changes". */
const RESIDUAL_GAIN = 0.1;

/**
 * Action-conditioned residual predictor: s_{t+1} = s_t + f(window of (s, a)). The MLP looks
 * at the last pair only; the transformer attends over up to `history` past pairs.
 * With `predictor.actionConditioned` false it sees zero actions (the passive ablation).
 */
export class Predictor {
  readonly history: number;
  readonly #kind: ModelConfig['predictor']['kind'];
  readonly #depth: number;
  readonly #heads: number;
  readonly #width: number;
  readonly #actionNorm: RunningNormalizer;
  /** False for the passive ablation: the action input is zeroed (weights keep their shapes, so checkpoints stay compatible). */
  readonly #actionConditioned: boolean;
  readonly #relation: PredictorRelation | undefined;
  readonly #interaction: PredictorInteraction | undefined;
  readonly #stateDim: number;

  /**
   * `stateDim`: size of the latent state it moves (the fusion's; config.latentDim by default);
   * `relation`: a feature of each state read beside it (WorldModel's hand-object relation);
   * `interaction`: the object's interaction module (model.predictor.objectInteraction).
   */
  constructor(store: ParamStore, config: ModelConfig, actionNorm: RunningNormalizer, stateDim = config.latentDim, relation?: PredictorRelation, interaction?: PredictorInteraction) {
    const { kind, width, depth, history, heads } = config.predictor;
    const d = stateDim;
    // The action and the relation enter side by side: the input grows by the relation's size.
    const a = config.actionDim + (relation?.dim ?? 0);
    this.#relation = relation;
    this.#interaction = interaction;
    this.#stateDim = d;
    if (interaction !== undefined) {
      const w = config.predictor.interactionWidth;
      addMlp(store, `${PREFIX}.interact`, [interaction.relation.dim + config.actionDim, w, w, interaction.part[1]], RESIDUAL_GAIN);
    }
    this.#kind = kind;
    this.#depth = depth;
    this.#heads = heads;
    this.#width = width;
    this.#actionNorm = actionNorm;
    this.#actionConditioned = config.predictor.actionConditioned;
    this.history = kind === 'mlp' ? 1 : history;
    if (kind === 'mlp') {
      addMlp(store, `${PREFIX}.mlp`, [d + a, ...Array<number>(depth).fill(width), d], RESIDUAL_GAIN);
      return;
    }
    addDense(store, `${PREFIX}.in`, d + a, width, 1);
    store.add(`${PREFIX}.pos`, [history, width], { kind: 'normal', fanIn: 1, gain: 0.02 });
    for (let i = 0; i < depth; i++) {
      addLayerNorm(store, `${PREFIX}.l${i}.ln1`, width);
      addDense(store, `${PREFIX}.l${i}.qkv`, width, 3 * width, 1);
      addDense(store, `${PREFIX}.l${i}.out`, width, width, RESIDUAL_GAIN);
      addLayerNorm(store, `${PREFIX}.l${i}.ln2`, width);
      addMlp(store, `${PREFIX}.l${i}.mlp`, [width, 2 * width, width], RESIDUAL_GAIN);
    }
    addLayerNorm(store, `${PREFIX}.ln`, width);
    addDense(store, `${PREFIX}.head`, width, d, RESIDUAL_GAIN);
  }

  /**
   * Next state [B, D] from the last K <= history states [B, K, D] and the actions taken
   * after each of them [B, K, A] (raw units; normalised here). Differentiable in both.
   */
  step(w: Weights, states: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor2D {
    return tf.tidy(() => {
      const interaction = this.#interaction;
      if (interaction === undefined) return this.#stepWithoutInteraction(w, states, actions);
      // The object's interaction module: from the relation and the action alone, into the object's
      // part. The relation is read once where the MLP's input takes the same one.
      const relation = interaction.relation.read(w, lastStep(states));
      const next = this.#stepWithoutInteraction(w, states, actions, interaction.relation === this.#relation ? relation : undefined);
      const input = tf.concat([relation, this.#action(w, lastStep(actions))], 1);
      const [start, size] = interaction.part;
      const moved = mlp(w, `${PREFIX}.interact`, 3, input, 'elu');
      return tf.add(next, tf.pad(moved, [[0, 0], [start, this.#stateDim - start - size]])) as tf.Tensor2D;
    });
  }

  /** `lastRelation`: the relation of the last state, when the caller has read it already. */
  #stepWithoutInteraction(w: Weights, states: tf.Tensor3D, actions: tf.Tensor3D, lastRelation?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const k = states.shape[1];
      const last = lastStep(states);
      if (this.#kind === 'mlp') {
        const aLast = this.#action(w, lastStep(actions));
        const input = this.#relation === undefined ? [last, aLast] : [last, aLast, lastRelation ?? this.#relation.read(w, last)];
        return tf.add(last, mlp(w, `${PREFIX}.mlp`, this.#depth + 1, tf.concat(input, 1), 'elu')) as tf.Tensor2D;
      }
      const a = this.#withRelation(w, states, this.#action(w, actions));
      if (k > this.history) throw new RangeError(`predictor: window of ${k} steps exceeds history ${this.history}`);
      const pos = tf.slice(w(`${PREFIX}.pos`), [this.history - k, 0], [k, -1]);
      let x = tf.add(dense(w, `${PREFIX}.in`, tf.concat([states, a], 2)), pos);
      for (let i = 0; i < this.#depth; i++) {
        x = tf.add(x, this.#attention(w, i, layerNorm(w, `${PREFIX}.l${i}.ln1`, x)));
        x = tf.add(x, mlp(w, `${PREFIX}.l${i}.mlp`, 2, layerNorm(w, `${PREFIX}.l${i}.ln2`, x), 'elu'));
      }
      // Only the last token's output is read, so no causal mask is needed: all tokens are past.
      const out = tf.squeeze(tf.slice(x, [0, k - 1, 0], [-1, 1, -1]), [1]);
      return tf.add(last, dense(w, `${PREFIX}.head`, layerNorm(w, `${PREFIX}.ln`, out))) as tf.Tensor2D;
    });
  }

  /** The actions [B, K, A] with each state's relation beside them [B, K, A + R]; the actions alone without a relation. */
  #withRelation(w: Weights, states: tf.Tensor3D, actions: tf.Tensor): tf.Tensor {
    if (this.#relation === undefined) return actions;
    const [b, k, d] = states.shape;
    const relation = tf.reshape(this.#relation.read(w, tf.reshape(states, [b * k, d])), [b, k, this.#relation.dim]);
    return tf.concat([actions, relation], 2);
  }

  /** Normalised actions, or zeros of the same shape when the predictor is not action-conditioned. */
  #action(w: Weights, actions: tf.Tensor): tf.Tensor {
    const a = this.#actionNorm.apply(w, actions);
    return this.#actionConditioned ? a : tf.zerosLike(a);
  }

  #attention(w: Weights, layer: number, x: tf.Tensor): tf.Tensor {
    const [b, k] = x.shape;
    const h = this.#heads;
    const dh = this.#width / h;
    const qkv = dense(w, `${PREFIX}.l${layer}.qkv`, x);
    const split = (i: number): tf.Tensor =>
      tf.transpose(tf.reshape(tf.slice(qkv, [0, 0, i * this.#width], [-1, -1, this.#width]), [b, k, h, dh]), [0, 2, 1, 3]);
    const scores = tf.div(tf.matMul(split(0), split(1), false, true), Math.sqrt(dh));
    const ctx = tf.matMul(tf.softmax(scores), split(2));
    const merged = tf.reshape(tf.transpose(ctx, [0, 2, 1, 3]), [b, k, this.#width]);
    return dense(w, `${PREFIX}.l${layer}.out`, merged);
  }
}

/** x[:, K-1, :] of [B, K, C] as [B, C]; a reshape, no copy, when K = 1 (every planner step). */
function lastStep(x: tf.Tensor3D): tf.Tensor2D {
  const [b, k, c] = x.shape;
  if (k === 1) return tf.reshape(x, [b, c]);
  return tf.reshape(tf.slice(x, [0, k - 1, 0], [-1, 1, -1]), [b, c]);
}
