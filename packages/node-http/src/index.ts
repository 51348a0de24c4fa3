export { createNodeHandler, handleNodeRequest, type NodeRequestOptions } from './node-handler.js';
export { type BodyReadResult, readRequestBody } from './read-request-body.js';
export { writeOutbound } from './write-outbound.js';
