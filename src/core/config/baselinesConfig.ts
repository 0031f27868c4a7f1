import { z } from 'zod';

/**
 * Labelled baselines of the reports: controllers that are not the agent, measured on the
 * agent's evaluation seeds as floors and ceilings. Nothing in src/agent reads this section.
 */
export const baselinesConfigSchema = z
  .strictObject({
    /**
     * `scripted-subgoals`: hand subgoals for pushing (approach behind the object, descend, push
     * through) from the object's place in the current and the goal point clouds, reached by
     * planning with the learned world model. Latent cost alone does not bring the hand to the
     * object (push 0%, measured): this shows what the learned hand model can do when a script
     * says where the hand should go.
     */
    scriptedSubgoals: z
      .strictObject({
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
  .prefault({});
export type BaselinesConfig = z.infer<typeof baselinesConfigSchema>;
