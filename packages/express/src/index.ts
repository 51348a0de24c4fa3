export { type ExpressMountOptions, switchyard } from './switchyard-express.js';
