import { chatRequestSchema, embeddingRequestSchema } from '@switchyard/spec';
import type { Dialect } from './dialect.js';
import { openAIDialect } from './dialects/openai-dialect.js';

export type RouteKind = 'chat' | 'embeddings' | 'models' | 'health';

export interface Route {
  readonly method: 'GET' | 'POST';
  readonly kind: RouteKind;
  readonly dialect: Dialect;
}

export interface RouteMatch {
  route?: Route;
  /** Methods the path accepts, when it exists but not for this method. */
  allowed?: string[];
}

const openAIRoutes: Array<[string, Route]> = [
  ['/chat/completions', { method: 'POST', kind: 'chat', dialect: openAIDialect }],
  ['/embeddings', { method: 'POST', kind: 'embeddings', dialect: openAIDialect }],
  ['/models', { method: 'GET', kind: 'models', dialect: openAIDialect }],
];

/** Every path is served with and without the `/v1` prefix, as OpenAI-compatible hosts do. */
const table = new Map<string, Route[]>();
for (const [path, route] of openAIRoutes) {
  for (const prefixed of [`/v1${path}`, path]) table.set(prefixed, [...(table.get(prefixed) ?? []), route]);
}
table.set('/healthz', [{ method: 'GET', kind: 'health', dialect: openAIDialect }]);

export function matchRoute(method: string, path: string): RouteMatch {
  const routes = table.get(path);
  if (!routes) return {};
  const route = routes.find((candidate) => candidate.method === method);
  return route ? { route } : { allowed: routes.map((candidate) => candidate.method) };
}

export const requestSchemas = { chat: chatRequestSchema, embeddings: embeddingRequestSchema } as const;
