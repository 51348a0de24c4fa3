import { randomBytes } from 'node:crypto';

const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** 64 random bits per process, then a counter: unique across processes, and cheap on the hot path. */
const processPrefix = `req_${randomBytes(8).toString('hex')}`;
let counter = 0;

/** Keeps the client's `x-request-id` when it is a sane token; otherwise makes a new one. */
export function requestIdFor(inboundId: string | undefined): string {
  if (inboundId !== undefined && acceptableRequestId.test(inboundId)) return inboundId;
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${processPrefix}${counter.toString(16).padStart(8, '0')}`;
}
