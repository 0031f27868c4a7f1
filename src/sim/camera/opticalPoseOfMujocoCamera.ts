import { composePoses, matrixToQuat } from '../../core/index.js';
import type { Pose } from '../../core/index.js';
import type { MjData } from 'mujoco-js';

/**
 * World pose of the optical frame (x right, y down, z forward: ROS) of MuJoCo camera
 * `cameraId`, whose own frame looks along -z with y up. Reads data.cam_xpos / cam_xmat, so
 * kinematics must be current. `jitter`, if given, is applied in the optical frame (a small
 * pose error of the mounted camera, for randomisation).
 */
export function opticalPoseOfMujocoCamera(data: MjData, cameraId: number, jitter?: Pose): Pose {
  const xpos = data.cam_xpos as Float64Array;
  const xmat = data.cam_xmat as Float64Array;
  if (!Number.isInteger(cameraId) || cameraId < 0 || 9 * cameraId + 9 > xmat.length) {
    throw new RangeError(`opticalPoseOfMujocoCamera: camera id ${cameraId} out of range [0, ${xmat.length / 9})`);
  }
  const m = 9 * cameraId;
  // Optical axes = MuJoCo camera axes times diag(1, -1, -1): flip the y and z columns.
  const r = [
    xmat[m], -xmat[m + 1], -xmat[m + 2],
    xmat[m + 3], -xmat[m + 4], -xmat[m + 5],
    xmat[m + 6], -xmat[m + 7], -xmat[m + 8],
  ];
  const pose: Pose = {
    position: [xpos[3 * cameraId], xpos[3 * cameraId + 1], xpos[3 * cameraId + 2]],
    quaternion: matrixToQuat(r),
  };
  return jitter ? composePoses(pose, jitter) : pose;
}
