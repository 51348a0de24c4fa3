import { switchyardRoute } from '@switchyard/next';
import { createAppGateway } from '../../../../lib/gateway';

// The gateway needs Node.js (undici pools, node:crypto, streams); 'edge' is refused with an explanation.
export const runtime = 'nodejs';
// Every request is live: nothing here may be cached or prerendered at build time.
export const dynamic = 'force-dynamic';

// The gateway is made on the first request (not while `next build` collects the routes), once per server.
export const { GET, POST, PUT, PATCH, DELETE } = switchyardRoute(() => createAppGateway(), { basePath: '/api' });
