import {
  createGateway,
  type Gateway,
  type GatewayOptions,
  type Inbound,
  isStreamBody,
  type Logger,
  type Outbound,
  openAIDialect,
  requestIdFor,
} from '@switchyard/core';
import { invalidRequest, requestTooLarge } from '@switchyard/spec';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { loggerFromFastify } from './fastify-logger.js';
import { OutboundReadable } from './outbound-readable.js';

export type SwitchyardPluginOptions = {
  /**
   * Largest request body, in bytes, applied as Fastify's `bodyLimit` on the gateway's routes (defaults to
   * the gateway's `maxBodyBytes`, 5 MB; the app-wide `bodyLimit`, 1 MiB by default, does not apply).
   */
  bodyLimit?: number;
  /**
   * Whether the plugin closes the gateway when Fastify closes. Defaults to true for a gateway the plugin
   * created from `gatewayOptions`, false for a `gateway` you passed (you own it, you close it).
   */
  closeGateway?: boolean;
} & (
  | {
      /** A gateway you created (and own). */
      gateway: Gateway;
      gatewayOptions?: never;
    }
  | {
      /** The plugin creates (and owns) the gateway; its logger defaults to Fastify's (`fastify.log`). */
      gatewayOptions: GatewayOptions;
      gateway?: never;
    }
);

/** Methods the gateway's routes are registered for; HEAD and OPTIONS stay Fastify's (and CORS plugins'). */
const methods: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * A Fastify 5 plugin serving a Switchyard gateway under the prefix it is registered with:
 * `app.register(switchyardPlugin, { gateway, prefix: '/llm' })`, then point SDKs at `http://host/llm/v1`.
 *
 * It is encapsulated on purpose (not wrapped in `fastify-plugin`): its error handler, its catch-all body
 * parser and its body limit apply to the gateway's routes only, never to the rest of the app.
 */
export async function switchyardPlugin(fastify: FastifyInstance, options: SwitchyardPluginOptions): Promise<void> {
  const owned = options.gateway === undefined;
  const gateway = options.gateway ?? createGateway(withFastifyLogger(options.gatewayOptions, fastify));
  const bodyLimit = options.bodyLimit ?? gateway.maxBodyBytes;
  const closeGateway = options.closeGateway ?? owned;
  const prefix = fastify.prefix;

  if (closeGateway) {
    fastify.addHook('onClose', async () => {
      await gateway.close();
    });
  }

  // JSON is parsed by Fastify's own parser (and text/plain read as a string); any other content type is
  // handed over as raw bytes instead of Fastify's 415, so the gateway decides, as on every other host.
  if (!fastify.hasContentTypeParser('*')) {
    fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });
  }

  const inboundFor = (request: FastifyRequest, reply: FastifyReply): Inbound => {
    const controller = new AbortController();
    const response = reply.raw;
    response.once('close', () => {
      if (!response.writableFinished) controller.abort(new Error('The client closed the connection.'));
    });
    return {
      method: request.method,
      path: relativePath(request.url, prefix),
      headers: flattenHeaders(request.headers),
      signal: controller.signal,
      ip: request.ip,
    };
  };

  const send = (reply: FastifyReply, outbound: Outbound) => {
    reply.code(outbound.status).headers(outbound.headers);
    if (isStreamBody(outbound.body)) return reply.send(new OutboundReadable(outbound.body));
    return reply.send(outbound.body ?? undefined);
  };

  fastify.setErrorHandler(async (error: FastifyError, request, reply) => {
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE': {
        // Refused before the body was read, so in OpenAI's shape, as the other hosts do.
        const encoded = openAIDialect.encodeError(requestTooLarge(bodyLimit));
        return reply
          .code(encoded.status)
          .headers({
            'content-type': 'application/json',
            'x-request-id': requestIdFor(firstHeader(request.headers['x-request-id'])),
            // The rest of the body may be unread, so the connection is not reused.
            connection: 'close',
            ...encoded.headers,
          })
          .send(encoded.body);
      }
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY': {
        // The gateway answers as it would have had it parsed the body itself: its 404/405 for an unknown
        // route, else 400 invalid_json or missing_body in the dialect of the path (OpenAI, Anthropic, Gemini).
        const inbound = inboundFor(request, reply);
        inbound.body = error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? '' : '\u0000';
        return send(reply, await gateway.handle(inbound));
      }
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': {
        const encoded = openAIDialect.encodeError(
          invalidRequest('The request body does not match its content-length.', { code: 'invalid_body' }),
        );
        return reply
          .code(encoded.status)
          .headers({
            'content-type': 'application/json',
            'x-request-id': requestIdFor(firstHeader(request.headers['x-request-id'])),
            connection: 'close',
            ...encoded.headers,
          })
          .send(encoded.body);
      }
      default:
        // Anything else (a hook of the app's failing, say) goes on to the app's own error handler.
        throw error;
    }
  });

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const inbound = inboundFor(request, reply);
    const body = request.body;
    if (typeof body === 'string' || body instanceof Uint8Array) inbound.body = body;
    else if (body !== undefined) inbound.parsedBody = body;
    return send(reply, await gateway.handle(inbound));
  };

  fastify.route({ method: methods, url: '/', prefixTrailingSlash: 'no-slash', bodyLimit, handler });
  fastify.route({ method: methods, url: '/*', bodyLimit, handler });
}

function withFastifyLogger(options: GatewayOptions, fastify: FastifyInstance): GatewayOptions {
  if (options.logger !== undefined) return options;
  const logger: Logger = loggerFromFastify(fastify.log.child({ name: 'switchyard' }));
  return { ...options, logger };
}

/** The path below the prefix, with its query: `/llm/v1/models?x=1` → `/v1/models?x=1`. */
function relativePath(url: string, prefix: string): string {
  const rest = prefix !== '' && url.startsWith(prefix) ? url.slice(prefix.length) : url;
  return rest.startsWith('/') ? rest : `/${rest}`;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function flattenHeaders(headers: FastifyRequest['headers']): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const name in headers) {
    const value = headers[name];
    result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}
