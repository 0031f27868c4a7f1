import { z } from 'zod';

const vec3 = z.tuple([z.number(), z.number(), z.number()]);
const name = z.string().min(1);

/**
 * Where the scene composer adds an element (the tool site, the wrist camera) to a body of
 * the robot, for robot files that lack it (a mujoco_menagerie arm has no tool site or wrist
 * camera of ours). Pose in the body's frame.
 */
const mountSchema = z.strictObject({
  body: name,
  pos: vec3.default([0, 0, 0]),
  /** Orientation as MJCF `xyaxes`: the element's x and y axes in the body frame; omitted: the body's axes. */
  xyaxes: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]).optional(),
});
export type RobotMount = z.infer<typeof mountSchema>;

const endEffectorSchema = z.strictObject({
  /** Site at the tool centre point: the tool pose, the ee_delta actions and the reach task use it. */
  site: name.default('ee'),
  mount: mountSchema.optional(),
  /** Axis of the site that end-effector control keeps pointing down (toward the table). */
  downAxis: z.enum(['x', 'y', 'z', '-x', '-y', '-z']).default('x'),
});

const gripperSchema = z
  .strictObject({
    /** Finger joints; the opening is read from the first one. */
    joints: z.array(name).min(1).default(['finger_left', 'finger_right']),
    /** Joint position of the first finger joint when closed, and when open (every finger joint is set alike). */
    closed: z.number().default(-0.025),
    open: z.number().default(0.02),
    /** Actuators that drive the fingers, each given the same control value. */
    actuators: z.array(name).min(1).default(['finger_left', 'finger_right']),
    /** Control value of the actuators when closed and when open; omitted: the joint positions `closed` and `open` (position servos on the finger joints). */
    ctrlClosed: z.number().optional(),
    ctrlOpen: z.number().optional(),
    /** Bodies of the fingers: an object touched by a geom of every one of them (or their children) is grasped (pick task). */
    fingerBodies: z.array(name).min(1).default(['finger_left', 'finger_right']),
  })
  .refine((g) => g.closed !== g.open, { message: 'gripper.closed and gripper.open must differ', path: ['open'] })
  .refine((g) => (g.ctrlClosed === undefined) === (g.ctrlOpen === undefined), { message: 'give both gripper.ctrlClosed and gripper.ctrlOpen, or neither', path: ['ctrlOpen'] });

const wristCameraSchema = z.strictObject({
  /** MuJoCo name of the camera carried by the robot (rendered as the `wrist` view). */
  name: name.default('wrist'),
  /** Added to this body of the robot when the robot file has no such camera; MuJoCo cameras look along their -z axis. */
  mount: mountSchema.optional(),
});

const workspaceSchema = z
  .strictObject({ min: vec3.default([0.12, -0.45, 0.015]), max: vec3.default([0.7, 0.45, 0.45]) })
  .refine((w) => w.min.every((v, i) => v < w.max[i]), { message: 'workspace.min must be below workspace.max on every axis', path: ['max'] });

/** The tabletop arm shipped in sim/robots/arm5.xml: five joints, a two-finger gripper, a wrist camera. */
const ARM5_JOINTS = ['shoulder_pan', 'shoulder_lift', 'elbow', 'wrist_pitch', 'wrist_roll'];

/**
 * The robot in the simulated scene, described by its names so that any MJCF arm can stand
 * at the table: the scene composer (src/sim/robotMjcf.ts) inserts its MJCF where the scene
 * includes `robot.xml`, and kinematics, action spaces and proprioception read joints, sites
 * and sizes from here. The defaults are our 5-joint arm. Names are checked against the
 * compiled model at the first reset; errors name the key and the robot file.
 */
export const robotConfigSchema = z
  .strictObject({
    /** Robot MJCF: a name under sim/robots/ (without .xml) or a path to an .xml file; its meshes are read relative to it. */
    mjcf: name.default('arm5'),
    /** Root body of the arm: its pose is the base frame (clouds, tool pose), its subtree is the robot's own geometry. */
    baseBody: name.default('base'),
    /** Arm joints (hinge or slide) in action and proprioception order. */
    joints: z.array(name).min(1).max(32).default(ARM5_JOINTS),
    /** Position actuators, one per arm joint in the same order: control is the joint target. */
    actuators: z.array(name).min(1).max(32).default(ARM5_JOINTS),
    /**
     * Joints the end-effector IK moves; the others are held at their home position. The
     * wrist roll of our arm turns the tool about its own axis, so its IK leaves it out.
     */
    ikJoints: z.array(name).min(1).max(32).default(ARM5_JOINTS.slice(0, 4)),
    endEffector: endEffectorSchema.prefault({}),
    /** null: no gripper (the action's gripper component is ignored and the gripper reads open). */
    gripper: gripperSchema.nullable().prefault({}),
    /** null: the robot carries no camera (sim.wristCamera.enabled must then be false). */
    wristCamera: wristCameraSchema.nullable().prefault({}),
    /** Joint positions at reset, one per arm joint: tool above the table, pointing down. */
    home: z.array(z.number()).min(1).max(32).default([0, -1.0, 1.7, Math.PI / 2 - 0.7, 0]),
    /** Box that end-effector targets are clipped to, in the base frame (metres): above the table, within reach. */
    workspace: workspaceSchema.prefault({}),
  })
  .superRefine((r, ctx) => {
    const issue = (path: string, message: string): void => {
      ctx.addIssue({ code: 'custom', path: [path], message });
    };
    const n = r.joints.length;
    const dup = r.joints.find((j, i) => r.joints.indexOf(j) !== i);
    if (dup !== undefined) issue('joints', `joint '${dup}' is listed twice`);
    if (r.actuators.length !== n) issue('actuators', `${r.actuators.length} actuators for ${n} joints (${r.joints.join(', ')}): one per joint, same order`);
    if (r.home.length !== n) issue('home', `${r.home.length} positions for ${n} joints (${r.joints.join(', ')})`);
    const stranger = r.ikJoints.find((j) => !r.joints.includes(j));
    if (stranger !== undefined) issue('ikJoints', `'${stranger}' is not one of robot.joints (${r.joints.join(', ')})`);
  })
  .prefault({});

export type RobotConfig = z.infer<typeof robotConfigSchema>;

/** Our 5-joint arm, as the config's defaults describe it. */
export function defaultRobotConfig(): RobotConfig {
  return robotConfigSchema.parse(undefined);
}
