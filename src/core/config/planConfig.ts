import { z } from 'zod';

export const PLANNER_KINDS = ['cem', 'mppi', 'gradient'] as const;
export type PlannerKind = (typeof PLANNER_KINDS)[number];

export const LATENT_DISTANCES = ['mse', 'l1', 'cosine'] as const;
export type LatentDistance = (typeof LATENT_DISTANCES)[number];

/** Weights of the planning cost: goal distance over the horizon plus intrinsic costs. */
export const costConfigSchema = z
  .strictObject({
    /** Distance between a predicted latent and the goal latent. `mse` and `l1` average over latent components. */
    distance: z.enum(LATENT_DISTANCES).default('mse'),
    /** Scale of the whole latent goal term (subgoal-driven planning turns it down). */
    latentWeight: z.number().min(0).default(1),
    /** Weight of the goal distance at each step before the last. */
    stageWeight: z.number().min(0).default(1),
    /** Weight of the goal distance after the last action. */
    terminalWeight: z.number().min(0).default(4),
    /** Effort: squared action, each component in units of its half range, averaged over components, summed over steps. */
    actionWeight: z.number().min(0).default(0.01),
    /**
     * Smoothness: squared change from each action to the next, each component in units of its
     * half range, averaged over components, summed over steps; the first step is compared with
     * the action the agent executed last where the planner is told it (PlannerConfig.previousAction).
     * Effort (actionWeight) keeps actions small; this keeps them from changing side every tick.
     * 1: with select: mean and objectGoalWeight 0, `eval push` from home on main job D's
     * checkpoint (session 18) pushed 32/60 (seed 0) and 34/60 (seed 1) against 10/60 and 20/60
     * with the defaults before (0, best, 300); the commanded hand motion changed 0.5 cm a tick
     * during the push against 2.5 cm (the bound is 2.5 cm), and the gripper command changed
     * sign in 6% of push ticks against 41%. Main job C's checkpoint (session 17): 18/60 against
     * 19/60 (seed 0). Alone (select best): 0.1 pushed 17/60 on D, seed 0; with select mean,
     * 1 pushed 24/60 and 3 pushed 17/60 (objectGoalWeight 300).
     */
    smoothWeight: z.number().min(0).default(1),
    /** Squared excess beyond the action bounds (half-range units); matters only for unprojected sequences. */
    boundsWeight: z.number().min(0).default(10),
    /** Squared intrusion into the joint-limit margin (margin units), through the model's decodeProprio. */
    jointLimitWeight: z.number().min(0).default(1),
    /** Width of the joint-limit margin as a fraction of each joint's range; the cost starts at the margin. */
    jointLimitMargin: z.number().positive().max(0.5).default(0.05),
    /**
     * Squared distance (sensor units: metres for the end effector) between the body state the
     * model's decodeProprio reads from each predicted latent and the one it reads from the goal
     * latent, weighted per step like the goal distance. 0 disables it. Used only when the planner
     * is told which components to compare (the planning controller passes the end effector's).
     * 300 (10 cm off: 3 per step) took reach from 5/10 to 8/10 in the offline probe.
     */
    proprioGoalWeight: z.number().min(0).default(300),
    /**
     * Weight of the object-goal term: squared distance (metres) between where the model's
     * object head reads the object in each predicted state and where the goal picture shows it
     * (the planning controller passes that place while an object is out of its goal place).
     * 3000: on a main job's checkpoint (10 push/train episodes each, success 0% in all) the
     * object ended 0.45 m from its goal at 300, 0.34 m at 0 and 0.17 m at 3000 (fewer objects
     * shoved off the table: the planner avoids moves it predicts to carry the object away).
     * That was before the stance (agent.planning.objectFirst.stance). From the stance, at
     * 3000 the term ruled the push: the model foresees the object moving along the hand's
     * motion whether or not the hand touches it, and plans drove the hand past the object,
     * above or beside it (session 18, traces on main job C's checkpoint: 2-7 cm of
     * predicted object motion under plans that never touched it). At 300 the pull into the
     * object (objectFirst.reachRadius) leads and the term moderates it: `eval push` from home
     * on that checkpoint, 120 episodes over two seeds, with reachRadius 0.03 and
     * stance.arriveAbove 0.01: 40 pushed, against 19 with the defaults before (3000, 5 cm, no
     * arriveAbove); at 0, 35 pushed and the objects went 31-51 cm against 18-33 cm at 300.
     * On a second checkpoint (main job D's), 10/60 against 6/60 (seed 0).
     * Session 19: with the smoothness term (smoothWeight) and select: mean, the term is 0. A
     * trace of the plans' cost terms on D's checkpoint showed it still ruling the push at 300:
     * 57-78 of a total of 61-98, against 1-14 for the pull into the object, and the 10-20
     * between the chosen plan and holding still came mostly from the object's contact-free
     * foresight. `eval push` from home on D's checkpoint, seed 0: 32/60 at 0, 26/60 at 30,
     * 24/60 at 300; seed 1: 34/60 at 0. The objects went 16-20 cm at 0 against 15-16 cm at
     * 300: with steady actions the far shoves the term held back before do not come back.
     */
    objectGoalWeight: z.number().min(0).default(0),
  })
  .prefault({});
export type CostConfig = z.infer<typeof costConfigSchema>;

/**
 * Latent-space MPC. The compute budget per plan is fixed by the config: sampling planners run
 * `samples x horizon x iterations` one-step predictions, the gradient planner
 * `gradientSamples x horizon x (gradientSteps + 1)` forward (plus backward) predictions.
 * Standard deviations are fractions of each action component's half range, so one config
 * serves joint-delta and end-effector action spaces alike.
 */
export const planConfigSchema = z
  .strictObject({
    planner: z.enum(PLANNER_KINDS).default('cem'),
    /** Actions per planned sequence. */
    horizon: z.number().int().min(1).max(256).default(6),
    /**
     * Temporal abstraction: each planned action is held for this many control ticks, in the
     * rollout (the predictor steps once per tick) and by the agent, which plans again only when
     * the held action ends. A plan then looks horizon x actionRepeat ticks ahead for the
     * prediction cost of actionRepeat ticks, and the loop pays for one plan every actionRepeat ticks.
     */
    actionRepeat: z.number().int().min(1).max(64).default(1),
    /** Sampled sequences per iteration (CEM, MPPI). */
    samples: z.number().int().min(2).max(65536).default(256),
    /** Refinement iterations (CEM, MPPI). */
    iterations: z.number().int().min(1).max(100).default(3),
    /** Best samples that update the sampling distribution (CEM, MPPI). */
    elites: z.number().int().min(1).max(65536).default(32),
    /** MPPI temperature, relative to the elites' cost spread so that it survives latent-scale drift during online learning. */
    temperature: z.number().positive().max(100).default(0.5),
    /** Initial (and largest) sampling std, fraction of the half range. */
    initStd: z.number().positive().max(4).default(0.5),
    /** Smallest sampling std, fraction of the half range; keeps exploring as the plan converges. */
    minStd: z.number().min(0).max(4).default(0.05),
    /** Mean smoothing: new mean = momentum * old mean + (1 - momentum) * elite mean. */
    momentum: z.number().min(0).max(0.99).default(0.1),
    /**
     * Which sequence a sampling planner (CEM, MPPI) returns: `best`, the cheapest sequence it
     * scored (samples and the final mean); `mean`, the refitted mean of the last iteration, as
     * PETS's CEM and MPPI execute it. The cheapest single sample is the one whose noise the
     * model's errors favour most, and it changes side from one tick to the next.
     * `eval push` from home (30 episodes a split, objectGoalWeight 300, smoothWeight 0): on
     * main job D's checkpoint 17/60 against 10/60 (seed 0) and 21/60 against 20/60 (seed 1);
     * on main job C's, 19/60 against 19/60 (seed 0). With smoothWeight, see there.
     */
    select: z.enum(['best', 'mean']).default('mean'),
    /** What fills the last step when the previous plan is shifted by one step for a warm start. */
    warmStartTail: z.enum(['repeat', 'zero']).default('repeat'),
    /** Parallel sequences refined by the gradient planner (the warm start and perturbations of it). */
    gradientSamples: z.number().int().min(1).max(4096).default(16),
    /** Gradient steps on the action sequences. */
    gradientSteps: z.number().int().min(1).max(1000).default(20),
    /** Step size in half-range units (per step for Adam, times the gradient for plain GD). */
    gradientLr: z.number().positive().max(10).default(0.05),
    gradientOptimizer: z.enum(['adam', 'sgd']).default('adam'),
    cost: costConfigSchema,
  })
  .check((ctx) => {
    const plan = ctx.value;
    if (plan.elites > plan.samples) {
      ctx.issues.push({
        code: 'custom',
        input: plan.elites,
        path: ['elites'],
        message: `elites (${plan.elites}) must not exceed samples (${plan.samples})`,
      });
    }
    if (plan.minStd > plan.initStd) {
      ctx.issues.push({
        code: 'custom',
        input: plan.minStd,
        path: ['minStd'],
        message: `minStd (${plan.minStd}) must not exceed initStd (${plan.initStd})`,
      });
    }
  })
  .prefault({});
export type PlanConfig = z.infer<typeof planConfigSchema>;
