import './formats.js';
export * from './common.js';
export * from './report.js';
export * from './sessions.js';
export * from './challenges.js';
export * from './codes.js';

export const PROTOCOL_BASE_PATH = '/api/v1';
