export * from './CameraFrame.js';
export * from './Lighting.js';
export * from './RayCamera.js';
export * from './opticalPoseOfMujocoCamera.js';
export * from './depthToPointCloud.js';
export * from './applySensorNoise.js';
export * from './pinholeIntrinsics.js';
export * from './surfaceNormal.js';
