export * from './urdfCollision.js';
export * from './meshBounds.js';
export * from './TransformBuffer.js';
export * from './robotShapesFromTf.js';
export * from './shapesAsUrdf.js';
export * from './cloudInFrame.js';
