import { z } from 'zod';

const vec3 = z.tuple([z.number(), z.number(), z.number()]);

/**
 * Point-cloud preprocessing before the model sees a cloud (src/perception): crop to the
 * workspace box, remove the support plane, optionally filter out the robot's own points,
 * then farthest-point-sample to model.points.count. Every value is configuration (a real
 * arm sets its own in its params YAML); none is read from the simulated scene in code.
 * The box and heights are in the cloud's frame, which must be the robot base frame.
 */
export const perceptionConfigSchema = z
  .strictObject({
    /** Off: the cloud is resampled as it comes (every valid point, evenly strided). */
    enabled: z.boolean().default(true),
    /**
     * Axis-aligned workspace box in the robot base frame, metres: points outside are dropped.
     * x starts 10 cm in front of the base: the base itself is no workspace (measured in the
     * simulation: at 5 cm its plinth held 150-400 of 512 samples).
     */
    workspace: z
      .strictObject({
        min: vec3.default([0.1, -0.45, -0.05]),
        max: vec3.default([0.7, 0.45, 0.3]),
      })
      .prefault({}),
    supportPlane: z
      .strictObject({
        /**
         * 'ransac': fit the dominant plane of the cropped cloud (seeded RANSAC, then a
         * least-squares refit on its inliers); 'height': a horizontal plane at `height`;
         * 'none': keep every point.
         */
        mode: z.enum(['ransac', 'height', 'none']).default('ransac'),
        /** Height of the support plane for mode 'height' (base frame z), metres. */
        height: z.number().default(0),
        /** Points closer than this to the plane belong to it, metres. */
        tolerance: z.number().positive().max(0.2).default(0.006),
        /** Points higher than this above the plane are dropped, metres; 0 (the default) keeps all, the arm included. */
        maxHeight: z.number().min(0).default(0),
        /**
         * Most RANSAC hypotheses per cloud (it stops at 99.9% confidence, after about 6 on a
         * table that fills 90% of the crop): 600 still find a plane holding 20% of the points.
         */
        iterations: z.number().int().min(1).max(10000).default(600),
        /** A fitted plane whose normal is further than this from the frame's z axis is rejected (a wall, the arm), degrees. */
        maxTiltDeg: z.number().min(0).max(90).default(25),
        /** A plane with fewer inliers than this fraction of the cropped cloud is not a support: nothing is removed. */
        minInlierFraction: z.number().min(0).max(1).default(0.2),
      })
      .prefault({}),
    selfFilter: z
      .strictObject({
        /**
         * Drop points inside the robot's own link shapes (Observation.robotShapes, posed from
         * its joint state) from the model's cloud, where the observation carries them. Off by
         * default: the arm in the cloud, in the base frame, is where the model reads the hand
         * from a goal picture (which has no joint state to filter by) whatever the colours,
         * light or camera pose. Measured with `eval predict --train-steps 1500` (motor
         * babbling, seed 0): the hand read from the camera-only latent went from R² 0.16 /
         * -0.87 (train / unseen_all, 10 / 20 cm) with the filter to 0.94 / 0.79 (2.9 / 6.6 cm)
         * without it, the object's from 0.94 / 0.68 to 0.91 / 0.69. Perceived objects
         * (`objects`, perceivedObjects) always filter the robot out where they can.
         */
        enabled: z.boolean().default(false),
        /** Shapes are inflated by this much, metres. */
        padding: z.number().min(0).max(0.2).default(0.01),
      })
      .prefault({}),
    /** What counts as an object among the points perception keeps (perceivedObjects): the object head's labels and the objects-first goal. */
    objects: z
      .strictObject({
        /** Perceived samples closer than this belong to one object (Euclidean clustering), metres. */
        clusterRadius: z.number().positive().max(1).default(0.03),
        /**
         * Only clusters whose lowest point is at most this high above the support plane count
         * as objects (they rest on it), metres: the arm in a goal picture, which no
         * self-filter can remove (a goal has no joint state), hovers above it. Measured on
         * 20 reach and 20 push scenes: objects' lowest points 0.6-2.4 cm, the arm's 4.8-10.2 cm.
         */
        restHeight: z.number().min(0).max(1).default(0.03),
      })
      .prefault({}),
  })
  .prefault({});
export type PerceptionConfig = z.infer<typeof perceptionConfigSchema>;
