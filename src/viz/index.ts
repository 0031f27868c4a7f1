export * from './Bitmap.js';
export * from './encodePng.js';
export * from './depthToColorMap.js';
export * from './pointCloudTopView.js';
export * from './tileImages.js';
export * from './turbo.js';
