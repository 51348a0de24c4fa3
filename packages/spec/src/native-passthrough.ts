/**
 * Same-dialect pass-through. When a client speaks a provider's own wire format (Anthropic SDK → Anthropic),
 * the canonical (OpenAI-shaped) request and response lose what that format has and the canonical one does
 * not: thinking signatures, `cache_control` on every block, fields added after this release. So the gateway
 * remembers the client's original body, and a provider of the same dialect sends it instead of a
 * translation, then marks what it got back as native; the client's encoder writes the native bytes.
 *
 * Everything is keyed by object identity (WeakMaps): a middleware that replaces the request, a response
 * body or a stream (PII masking and restoration, moderation, variants' parameter overrides) makes a new
 * object, and the translation path is used from there on. Nothing has to opt out.
 */

const ingressBodies = new WeakMap<object, { dialect: string; body: Readonly<Record<string, unknown>> }>();

/** Remembers the wire body a canonical request was decoded from (called by ingress dialects). */
export function rememberIngressBody(request: object, dialect: string, body: Readonly<Record<string, unknown>>): void {
  ingressBodies.set(request, { dialect, body });
}

/** The client's original body when `request` is exactly what was decoded from `dialect`. */
export function ingressBodyOf(request: object, dialect: string): Readonly<Record<string, unknown>> | undefined {
  const entry = ingressBodies.get(request);
  return entry?.dialect === dialect ? entry.body : undefined;
}

const nativeBodies = new WeakMap<object, { dialect: string; text: string }>();

/** Marks a canonical completion payload as the translation of a native upstream body `text`. */
export function markNativeBody(payload: object, dialect: string, text: string): void {
  nativeBodies.set(payload, { dialect, text });
}

/** The upstream's own body text behind `payload`, when it came from `dialect` unchanged. */
export function nativeBodyOf(payload: object, dialect: string): string | undefined {
  const entry = nativeBodies.get(payload);
  return entry?.dialect === dialect ? entry.text : undefined;
}

/** The native frames of a stream: those carried by parts, and the ones after the last part. */
export interface NativeStream {
  readonly dialect: string;
  /** Frames that arrived after the last part (e.g. Anthropic's `message_stop`); set when the stream ends. */
  tail: string;
}

const nativeStreams = new WeakMap<object, NativeStream>();
const partFrames = new WeakMap<object, string>();

/** Marks a stream of parts as a translation of native frames (the provider calls this on its iterable). */
export function markNativeStream(parts: object, stream: NativeStream): void {
  nativeStreams.set(parts, stream);
}

/** For wrappers that pass parts through unchanged (taps, priming): the wrapper stays native. */
export function inheritNativeStream(wrapper: object, source: object): void {
  const stream = nativeStreams.get(source);
  if (stream) nativeStreams.set(wrapper, stream);
}

export function nativeStreamOf(parts: object, dialect: string): NativeStream | undefined {
  const stream = nativeStreams.get(parts);
  return stream?.dialect === dialect ? stream : undefined;
}

/** The raw frames (SSE text) that arrived with a part, including those that produced no part of their own. */
export function markNativeFrames(part: object, frames: string): void {
  partFrames.set(part, frames);
}

export function nativeFramesOf(part: object): string | undefined {
  return partFrames.get(part);
}
