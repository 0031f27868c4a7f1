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
  })
  .prefault({});
export type AgentConfig = z.infer<typeof agentConfigSchema>;
