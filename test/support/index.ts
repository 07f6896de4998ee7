/** Test and benchmark utilities shared across areas. */
export * from './loopback-server.js';
export { sampleFromSchema, violateSchema } from './schema-sample.js';
