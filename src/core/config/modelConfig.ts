import { z } from 'zod';
import { perceptionConfigSchema } from './perceptionConfig.js';

export const IMAGE_ENCODER_KINDS = ['mixer', 'conv'] as const;
export const PREDICTOR_KINDS = ['mlp', 'transformer'] as const;
export const FUSION_KINDS = ['gated', 'concat', 'precision'] as const;

/**
 * The JEPA world model: encoders per modality, reliability-weighted fusion, action-conditioned
 * residual predictor, and how it is trained. Defaults are sized so that one training step
 * (batch 32, 64x64 RGB + 512 points + proprio, 3-step rollout) stays in the few-hundred-ms
 * range on a 2-core CPU with the wasm backend.
 */
export const modelConfigSchema = z
  .strictObject({
    /**
     * Size of every modality's embedding. Under 'gated' and 'concat' fusion the latent state
     * is one part of this size per modality (state size = modalities x latentDim); under
     * 'precision' it is the weighted average, of this size.
     */
    latentDim: z.number().int().min(2).max(4096).default(64),
    /** Which modalities the model has an encoder for; an absent one is simply masked out. */
    modalities: z
      .strictObject({
        rgb: z.boolean().default(true),
        points: z.boolean().default(true),
        proprio: z.boolean().default(true),
        /**
         * The object view (objectView below): the perceived object's own points, centred on
         * it, through an encoder of their own, so that the latent has a part for what the
         * object is (its shape and size) besides the scene cloud's part, which says where things are.
         */
        object: z.boolean().default(true),
      })
      .prefault({}),
    image: z
      .strictObject({
        /** 'mixer' (patch embedding + MLP-mixer, matMuls only: trains fast on wasm) or 'conv'. */
        encoder: z.enum(IMAGE_ENCODER_KINDS).default('mixer'),
        /** Square input side in pixels; observations of another size are resampled. */
        size: z.number().int().min(4).max(1024).default(64),
        patchSize: z.number().int().min(1).max(256).default(8),
        /** Channels per token of the mixer (and the conv encoder's last layer). */
        width: z.number().int().min(1).max(4096).default(64),
        mixerDepth: z.number().int().min(0).max(32).default(2),
        tokenHidden: z.number().int().min(1).max(4096).default(64),
        channelHidden: z.number().int().min(1).max(4096).default(128),
        /**
         * Mixer only: besides the mean of the tokens, each channel's expected grid position
         * under its softmax over the tokens (spatial soft-argmax keypoints), so that where the
         * hand and the objects are reaches the latent as numbers.
         */
        keypoints: z.boolean().default(true),
      })
      .refine((v) => v.size % v.patchSize === 0, {
        message: 'image.size must be a multiple of image.patchSize',
        path: ['patchSize'],
      })
      .prefault({}),
    points: z
      .strictObject({
        /** Points per cloud fed to the encoder (clouds are subsampled or cycled to this count). */
        count: z.number().int().min(1).max(200000).default(512),
        /** Widths of the shared per-point MLP before the symmetric max pooling (DP3 uses 64-128-256). */
        hidden: z.array(z.number().int().min(1).max(4096)).min(1).default([64, 128]),
      })
      .prefault({}),
    /**
     * The object view (perception's perceivedObjectView): the largest resting object's points at
     * the cloud's full density, relative to its middle, farthest-point-sampled to `count`.
     * A PointNet of its own reads them; training turns the views about the vertical at random
     * (augment.objectYaw, augment.objectTurn).
     */
    objectView: z
      .strictObject({
        count: z.number().int().min(1).max(4096).default(64),
        hidden: z.array(z.number().int().min(1).max(4096)).min(1).default([64, 128]),
        /**
         * The embedding also takes where the view was taken (the object's middle in the base
         * frame): an object slot of what and where. The view itself is centred, so without it
         * the object's part of the latent holds its shape but not its place, and neither the
         * prediction loss nor the planner's goal distance can follow the object moving.
         */
        place: z.boolean().default(true),
        /**
         * The embedding also takes how far the object's place moved since the tick before
         * (perception's places, one tick apart), so the latent holds the object's velocity: one
         * frame does not show whether an object rolls on or rests, and the predictor cannot foresee
         * a rolling object without it. Needs `place`. Measured on practice ticks of a main job's
         * checkpoint (an offline regressor of the next tick's perceived motion, held-out episodes,
         * ticks where the object moved): direction cosine 0.41 and R² 0.17 from the hand-object
         * offset and the action, 0.60 and 0.32 with the last tick's motion beside them. Off by
         * default: one main job with it (quiet, seed 0) gave push 10% / 0% and reach 90% / 95%
         * against 5% / 0% and 90% / 85% without, and its world model foresaw the object's motion
         * over 6 practice ticks no better (direction cosine 0.34 against 0.27, R² 0.15 against 0.14).
         */
        motion: z.boolean().default(false),
      })
      .refine((v) => v.place || !v.motion, { message: 'objectView.motion needs objectView.place', path: ['motion'] })
      .prefault({}),
    proprio: z
      .strictObject({
        /** Length of the proprio vector: 2 x joint slots + 3 (end-effector xyz) + 1 (gripper). */
        dim: z.number().int().min(6).max(1024).default(18),
        hidden: z.number().int().min(1).max(4096).default(64),
      })
      .refine((v) => v.dim % 2 === 0, {
        message: 'proprio.dim must be even: 2 x joint slots + 4 (see proprioLayout)',
        path: ['dim'],
      })
      .prefault({}),
    actionDim: z.number().int().min(1).max(256).default(4),
    predictor: z
      .strictObject({
        kind: z.enum(PREDICTOR_KINDS).default('mlp'),
        /**
         * Hidden width. 128 rather than 256: a 512 x 8 x 4 CEM plan took 65 ms instead of 151
         * (bench model, load 1.5), inside the 100 ms of 10 Hz replanning, and the main job
         * still reached 83% reach / 67% push on the training split.
         */
        width: z.number().int().min(1).max(8192).default(128),
        depth: z.number().int().min(1).max(32).default(2),
        /** Past (state, action) pairs the transformer attends over; the MLP uses 1. */
        history: z.number().int().min(1).max(64).default(1),
        heads: z.number().int().min(1).max(64).default(4),
        /**
         * Whether the predictor sees the action. False (an ablation) feeds it a zero action:
         * a passive model of how observations evolve, which planning cannot steer.
         */
        actionConditioned: z.boolean().default(true),
        /**
         * The predictor also reads where the object is relative to the hand, as the model's own
         * heads read them from the state (object head minus the proprio head's end effector, in
         * units of the object's spread; no gradient into the heads through it), where the
         * model has both heads: the relational input of interaction networks, from read-outs the
         * model learns. Off by default: on a main job (quiet, seed 0) it did not help. Push 5% /
         * 0% against 10% / 5% without; from the scripted pusher's pre-push pose, 3 of 10 pushes
         * against 6; eval predict's push direction cosine 0.54-0.60 against 0.70-0.78.
         */
        objectRelation: z.boolean().default(false),
        /**
         * An interaction module for the object: a small MLP reads only where the object is
         * relative to the hand (as objectRelation reads it from the heads, no gradient into
         * them) and the action, and adds its output to the predicted object view's part. Pushes
         * are rare in what the agent lives, and the predictor, which reads the whole latent, fits
         * the few it saw without learning what they share; a module with nothing but the
         * relation to read can only learn what the relation says (the prior of interaction
         * networks). Needs the object and proprio heads and an object view that holds its place.
         * Off by default: one main job with it, objectView.motion and objectPredicted 2 on moving
         * states (quiet, seed 0): push 5% / 10%, reach 85% / 100%; 6-tick object motion on held-out
         * practice: cosine 0.32, R² 0.12. The relation the module reads is the heads' and was
         * 4.5 cm off near the object in that run (the proprio head's hand 3.9 cm off with the
         * joints given), coarser than the contact it should foresee.
         */
        objectInteraction: z.boolean().default(false),
        /** Hidden width of the interaction module's two layers. */
        interactionWidth: z.number().int().min(1).max(4096).default(64),
      })
      .refine((v) => v.kind !== 'transformer' || v.width % v.heads === 0, {
        message: 'predictor.width must be a multiple of predictor.heads',
        path: ['heads'],
      })
      .prefault({}),
    fusion: z
      .strictObject({
        /**
         * 'gated': the state keeps one part per modality (what only the cameras see is not
         * averaged away); each part mixes the modality's own embedding with its estimate from
         * the other modalities, gated by how reliable the modality has been (a missing one is
         * wholly estimated). 'concat' (the ablation baseline): the parts side by side, a
         * missing one zero-filled, no reliability. 'precision' (the earlier design, kept as an
         * ablation): one vector, the reliability-weighted average of the embeddings.
         */
        kind: z.enum(FUSION_KINDS).default('gated'),
        /** Hidden width of the 'gated' fusion's cross-modal estimators. */
        imputeHidden: z.number().int().min(1).max(4096).default(128),
        /** Momentum of the running per-modality error statistics the reliabilities come from. */
        momentum: z.number().min(0).max(1).default(0.99),
        /** Exponent on precision before normalising: 0 = equal weights, larger = sharper. */
        sharpness: z.number().min(0).max(16).default(1),
      })
      .prefault({}),
    loss: z
      .strictObject({
        prediction: z.number().min(0).default(1),
        /** VICReg variance hinge on each embedding dimension's std (target std 1). */
        variance: z.number().min(0).default(1),
        /** VICReg off-diagonal covariance penalty. */
        covariance: z.number().min(0).default(0.04),
        /**
         * Cross-modal term. 'gated': each modality's estimator from the other modalities
         * learns that modality's embedding (stopped); 'precision': each embedding is pulled
         * toward the fused state, so all live in one space; 'concat': none.
         */
        alignment: z.number().min(0).default(0.5),
        inverse: z.number().min(0).default(0.1),
        /** Auxiliary loss of the proprio decoding head (for joint-limit costs). */
        proprio: z.number().min(0).default(0.1),
        /**
         * The proprio head's reading of each predicted state against the body state sensed in
         * the real frame it predicts (normalised units, no gradient into the head): the
         * predictor learns where the hand goes in the head's own terms, which the planner's
         * hand term reads from predicted states while the head learns from encoded ones
         * (loss.proprio). 0: off. At 1 (session 17, one main job on a quiet machine beside one
         * at 0, seed 0): reach 100% / 100% against 95% / 85%, push 15% / 5% against 5% / 10%
         * (20 episodes a cell); the term fell to 0.21, yet the hand read from a one-step
         * prediction was no nearer the true next hand (1.49 against 1.51 cm median over 200
         * states), so off until a measurement says more.
         */
        proprioPredicted: z.number().min(0).default(0),
        /** Auxiliary loss of the object head (objectHead). */
        object: z.number().min(0).default(0.1),
        /**
         * The object head's reading of each predicted state against where perception saw the
         * object in the real frame it predicts (normalised units, no gradient into the head):
         * the predictor learns how far objects move in metres, not only in the latent, where
         * a push is a small share of the prediction error. 0: off. At 1 (one main job on a
         * quiet machine, with the stance): push 0% / 5% against 5% / 0% at 0, and on
         * scripted pushes the predicted object error at 8 steps was 9.0 cm at both (copy-last 10.1).
         */
        objectPredicted: z.number().min(0).default(0),
        /**
         * Which predicted states the objectPredicted term compares: 0, every one with a label;
         * above 0, only those whose real frame shows the object moved at least this far (metres)
         * from the sequence's first frame, so that pushes are what it learns, not the still
         * object of most frames (which the prediction loss already holds in place). With
         * objectPredicted 2, 0.01 and objectView.motion (one main job, quiet, seed 0): push 15% /
         * 0%; the term fell to 0.05-0.15 on the training batches, yet on held-out practice the
         * 6-tick object motion was foreseen no better (cosine 0.35, R² 0.11): it fits the pushes
         * it saw without learning what they share.
         */
        objectPredictedMinMove: z.number().min(0).max(1).default(0),
        /**
         * How the object view's predicted part is compared with its target: 'l2', the mean
         * squared error like every other part (the predictor learns the mean change), or
         * 'l1', the mean absolute error (the median change). Objects sit still in most of
         * what the agent lives; where the predictor cannot yet tell contact from a hand
         * passing by, the mean moves the object a little with every action, and a planner
         * exploits that drift (measured on a main job's checkpoint, 6 held actions that touched
         * nothing: the object read moved 1.74 cm in prediction, 1.27 cm of it along the action,
         * 0.04 cm in the world). With 'l1' a main job's drift along the action fell to 0.52 cm,
         * but push success did not rise (5% / 10% against 10% / 5%), so 'l2' stays the default.
         */
        objectPrediction: z.enum(['l2', 'l1']).default('l2'),
        /**
         * Let the prediction loss reach the target embeddings too (symmetric, as in VICReg),
         * instead of stopping it there. Without EMA only; costs a backward pass over all frames.
         */
        targetGradient: z.boolean().default(false),
      })
      .prefault({}),
    ema: z
      .strictObject({
        enabled: z.boolean().default(false),
        /** Target = tau * target + (1 - tau) * online, after every step. */
        tau: z.number().min(0).max(1).default(0.99),
      })
      .prefault({}),
    /**
     * Modality dropout: this fraction of each batch's sequences is trained without its
     * proprioception input (the proprio head still learns their body state, now from vision),
     * so that latents of camera-only observations such as goal images are predictable and decodable.
     */
    proprioDropout: z.number().min(0).max(1).default(0.25),
    /**
     * Training views of the images (model/augment.ts): photometric jitter drawn per frame, so
     * that the episode's colours and light do not predict the next frame and the image part
     * encodes what moves instead; a small translation per sequence, for a camera a little
     * elsewhere. Amplitudes are fractions (brightness, contrast, per-channel colour gain,
     * saturation; hue in turns) and pixels of the model's image (shift). All 0 turns it off.
     */
    augment: z
      .strictObject({
        brightness: z.number().min(0).max(1).default(0.3),
        contrast: z.number().min(0).max(1).default(0.3),
        color: z.number().min(0).max(1).default(0.15),
        /** Hue rotation about the grey axis, fraction of a full turn either way (0.5: any hue). */
        hue: z.number().min(0).max(0.5).default(0.5),
        /** Saturation factor 1 ± this (toward or away from each pixel's grey). */
        saturation: z.number().min(0).max(1).default(0.4),
        shift: z.number().int().min(0).max(16).default(2),
        /** Object views are turned about the vertical by a random angle up to this, radians (pi: any). */
        objectYaw: z.number().min(0).max(Math.PI).default(Math.PI),
        /**
         * 'sequence': one turn per training sequence, shared by its context and target frames
         * (an object seen from another side, consistently). 'context': every context frame
         * turned on its own and the target frames' views untouched, so that only what no turn
         * changes (shape, size) predicts them.
         */
        objectTurn: z.enum(['sequence', 'context']).default('sequence'),
        /**
         * Augment the target frames too (each its own draw). Off: only the context frame is
         * jittered and shifted, and the predictor learns the clean next frames' embeddings.
         * Measured with `eval predict --train-steps 1500` (babbling, seed 0), one-step
         * predictor / copy-last error on train, unseen_colors, unseen_camera, unseen_all: 1.86,
         * 1.41, 1.58, 1.39 with the targets augmented; 1.14, 3.74, 1.03, 6.44 with clean
         * targets (the hand read from the camera-only latent on unseen_all: R² 0.71 and 0.92).
         * Unseen colours break clean-target prediction, so the targets stay augmented.
         */
        targets: z.boolean().default(true),
      })
      .prefault({}),
    inverseHead: z.boolean().default(true),
    proprioHead: z.boolean().default(true),
    /**
     * A head that reads from the latent where the perception stage sees the object: the middle
     * of the largest object resting on the support plane (perception.objects), trained on the
     * frames where there is one. The label comes from the robot's own cloud, not from the
     * simulator; the planner's object-goal term reads predicted states through it.
     */
    objectHead: z.boolean().default(true),
    /**
     * What the object head reads: 'objectPart', the object view's part of the latent alone
     * (where the model has one that holds the place, objectView.place, in a gated or concat
     * fusion; else the whole state), or 'state', the whole latent. Read from the whole state,
     * the head also learns where the hand usually is when an object is near it, and a planner
     * pulling the read object toward a goal then moves the hand instead: on a main job's
     * checkpoint its reading moved 1.25 cm while only the hand moved, 0.48 cm of that through
     * the parts that see the arm.
     */
    objectHeadReads: z.enum(['objectPart', 'state']).default('objectPart'),
    /**
     * What the proprio head reads: 'proprioPart', the proprioception's part of the latent alone
     * (where the model encodes proprioception in a gated or concat fusion; else the whole
     * state), or 'state', the whole latent. The proprio part holds the hand to about 1 cm (a
     * ridge read-out on a main job's checkpoint, 1.0-1.2 cm), the whole state to 1.8-2.7 cm: the
     * parts that see the scene pull the reading toward where the hand usually is, and a push
     * is decided at the centimetre. Yet the head trained on the part read the hand no better:
     * 2.70 cm with the joints given on a main job's checkpoint (session 15's run V) against
     * 2.34 cm reading the whole state (run U). Its training limits it: loss weight 0.1, inputs
     * with and without joints (proprioDropout), context states only. Hence 'state' stays the
     * default.
     */
    proprioHeadReads: z.enum(['proprioPart', 'state']).default('state'),
    learningRate: z.number().positive().max(1).default(1e-3),
    /** Global-norm gradient clip; 0 disables it. */
    gradClip: z.number().min(0).default(1),
    /**
     * Open-loop rollout steps trained per sequence (a batch holds horizon + 1 observations).
     * 6 against 3, two main jobs each (seeds 0 and 1): push 5% / 0% and 0% / 0% against 0% / 0%
     * twice; learner updates 4,777 and 4,104 against 7,320 and 5,265; from the scripted pusher's
     * pre-push pose (`eval push`, 58 episodes a checkpoint) 22 and 20 successes against 6 and 18.
     * The training seed moved the pre-push figure as much as the horizon did, and 3 trains more
     * updates beside a faster loop, so 3 stays.
     */
    horizon: z.number().int().min(1).max(64).default(3),
    /** Point-cloud preprocessing before the point encoder (src/perception); part of the model's input contract, so checkpoints carry it. */
    perception: perceptionConfigSchema,
  })
  .prefault({});
export type ModelConfig = z.infer<typeof modelConfigSchema>;
/** What a caller may pass: any subset of keys, the rest take their defaults. */
export type ModelConfigInput = NonNullable<z.input<typeof modelConfigSchema>>;
