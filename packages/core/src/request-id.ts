import { randomUUID } from 'node:crypto';

const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps the client's `x-request-id` when it is a sane token; otherwise makes a new one. */
export function requestIdFor(inboundId: string | undefined): string {
  return inboundId !== undefined && acceptableRequestId.test(inboundId) ? inboundId : `req_${randomUUID().replaceAll('-', '')}`;
}
