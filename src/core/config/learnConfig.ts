import { z } from 'zod';

/**
 * Online learning: a bounded replay buffer of the frames the agent lived and a learner that
 * trains the world model on it off the control path (a worker thread), publishing weights to
 * the acting model. Sequences are `model.horizon` actions long; the model section sizes the frames.
 */
export const learnConfigSchema = z
  .strictObject({
    /** Frames the replay buffer holds; the oldest are overwritten beyond it (memory is preallocated). */
    capacityFrames: z.number().int().min(2).max(10_000_000).default(15000),
    /** Training starts once the buffer holds this many frames. */
    minFrames: z.number().int().min(1).max(10_000_000).default(256),
    /** Sequences per training batch (at least 2: VICReg needs a batch). */
    batchSize: z.number().int().min(2).max(4096).default(16),
    /**
     * Prioritised replay of what moved objects: this share of each batch is drawn among the
     * sequences in which perception saw the object's place change by at least `minMove`
     * metres from the first frame to the last (the rest uniformly among all). Pushes are rare
     * in practice (3-4% of ticks in contact), yet they are what the world model must foresee
     * to plan manipulation. 0: uniform. Measured on perception's labels over 3 actions: a 2 cm
     * change was a true move (>= 1 cm) in 99% of scripted pushes' sequences and 41% of
     * babbling's, where the arm hiding part of the object shifts its perceived middle.
     * Off by default: in three main jobs (seed 0, one each) shares 0, 0.1 and 0.25 gave
     * push/train 5%, 0%, 0%; the object head's direction cosine on scripted pushes one step
     * ahead 0.38, 0.31, 0.54; and 8-step predictor / copy-last on babbling at most 1.01, 1.16,
     * 1.89 over the splits (eval predict): the model learned to foresee pushes where none happen.
     */
    objectMotion: z
      .strictObject({
        share: z.number().min(0).max(1).default(0),
        minMove: z.number().positive().max(1).default(0.02),
      })
      .prefault({}),
    /** The acting model receives new weights every this many training steps. */
    publishEverySteps: z.number().int().min(1).max(1_000_000).default(10),
    /** A checkpoint is written every this many training steps (0: only when asked and at close). */
    checkpointEverySteps: z.number().int().min(0).max(100_000_000).default(500),
    /**
     * Scheduling priority (nice, 0-19) of the learner's thread, so the control loop gets the
     * CPU first when cores are scarce. Linux only: elsewhere it would lower the whole process.
     */
    workerNice: z.number().int().min(0).max(19).default(10),
    /**
     * A learner worker that crashes is started again from its last checkpoint (the loop acts on
     * the last weights meanwhile), at most this many times in a run; the next crash ends the run.
     */
    maxRestarts: z.number().int().min(0).max(1000).default(5),
  })
  .refine((v) => v.minFrames <= v.capacityFrames, {
    message: 'learn.minFrames must not exceed learn.capacityFrames',
    path: ['minFrames'],
  })
  .prefault({});
export type LearnConfig = z.infer<typeof learnConfigSchema>;
