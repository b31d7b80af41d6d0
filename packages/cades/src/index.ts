export * from './sign/index.js';
export * from './validate/index.js';
