import type { ChatMessage, ChatRequest } from '@switchyard/spec';
import { collectPlaceholders, PlaceholderMap } from './placeholder-map.js';
import { redact } from './rule.js';
import type { Finding, Scanner } from './scanner.js';

/** Where one text of the request sits. */
interface Slot {
  message: number;
  /** Index in an array `content`; absent for string content and tool calls. */
  part?: number;
  /** Index in `tool_calls`; -1 for the legacy `function_call`. */
  toolCall?: number;
  text: string;
  /** The text is JSON (tool call arguments): values inside it are JSON-escaped. */
  json: boolean;
}

export interface MaskOutcome {
  /** The request to send upstream: the original object when nothing was found, otherwise a new one. */
  request: ChatRequest;
  /** Placeholder → original value, for restoring the response. */
  originals: ReadonlyMap<string, string>;
  /** Values found, by type (every occurrence counts, whatever the action). */
  counts: Record<string, number>;
  /** Types whose rule is `block`, in order of first appearance; when non-empty nothing was rewritten. */
  blocked: string[];
}

function collectSlots(messages: readonly ChatMessage[]): Slot[] {
  const slots: Slot[] = [];
  messages.forEach((message, index) => {
    const { content } = message;
    if (typeof content === 'string') {
      if (content.length > 0) slots.push({ message: index, text: content, json: false });
    } else if (Array.isArray(content)) {
      content.forEach((part, partIndex) => {
        const text = (part as { text?: unknown }).text;
        if (part.type === 'text' && typeof text === 'string' && text.length > 0) {
          slots.push({ message: index, part: partIndex, text, json: false });
        }
      });
    }
    message.tool_calls?.forEach((toolCall, toolIndex) => {
      const text = toolCall.function?.arguments;
      if (typeof text === 'string' && text.length > 0) slots.push({ message: index, toolCall: toolIndex, text, json: true });
    });
    const legacy = (message as { function_call?: { arguments?: unknown } }).function_call?.arguments;
    if (typeof legacy === 'string' && legacy.length > 0) slots.push({ message: index, toolCall: -1, text: legacy, json: true });
  });
  return slots;
}

/** The value as the client meant it: JSON escapes inside tool call arguments decoded. */
function decodedValue(raw: string, json: boolean): string {
  if (!json || !raw.includes('\\')) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

function encodedValue(value: string, json: boolean): string {
  return json ? JSON.stringify(value).slice(1, -1) : value;
}

function rewrite(slot: Slot, findings: readonly Finding[], map: PlaceholderMap): string {
  let output = '';
  let from = 0;
  for (const finding of findings) {
    const value = decodedValue(slot.text.slice(finding.start, finding.end), slot.json);
    const replacement =
      finding.rule.action === 'mask'
        ? map.placeholderFor(finding.type, value)
        : encodedValue(redact(value, finding.type, finding.rule), slot.json);
    output += slot.text.slice(from, finding.start) + replacement;
    from = finding.end;
  }
  return output + slot.text.slice(from);
}

/** Builds the new request, copying only the objects on the way to a changed text. */
function applyRewrites(request: ChatRequest, slots: readonly Slot[], texts: ReadonlyMap<Slot, string>): ChatRequest {
  const messages = request.messages.slice();
  const copied = new Set<number>();
  const copyMessage = (index: number): ChatMessage => {
    const message = messages[index] as ChatMessage;
    if (copied.has(index)) return message;
    const copy: ChatMessage = { ...message };
    if (Array.isArray(copy.content)) copy.content = copy.content.slice();
    if (copy.tool_calls) copy.tool_calls = copy.tool_calls.slice();
    messages[index] = copy;
    copied.add(index);
    return copy;
  };
  for (const slot of slots) {
    const text = texts.get(slot);
    if (text === undefined) continue;
    const message = copyMessage(slot.message);
    if (slot.toolCall === -1) {
      const legacy = (message as { function_call?: Record<string, unknown> }).function_call;
      (message as Record<string, unknown>).function_call = { ...legacy, arguments: text };
    } else if (slot.toolCall !== undefined && message.tool_calls) {
      const toolCall = message.tool_calls[slot.toolCall];
      if (toolCall?.function)
        message.tool_calls[slot.toolCall] = { ...toolCall, function: { ...toolCall.function, arguments: text } };
    } else if (slot.part !== undefined && Array.isArray(message.content)) {
      message.content[slot.part] = { ...message.content[slot.part], type: 'text', text };
    } else {
      message.content = text;
    }
  }
  return { ...request, messages };
}

/**
 * Finds personal data in every text the upstream would see (system, user, assistant and tool messages,
 * text parts, tool call arguments) and replaces it per rule. The request given is never modified.
 */
export async function maskRequest(request: ChatRequest, scanner: Scanner): Promise<MaskOutcome> {
  const slots = collectSlots(request.messages);
  const scanned = slots.map((slot) => scanner.scan(slot.text));
  const results: Finding[][] = scanned.some((result) => result instanceof Promise)
    ? await Promise.all(scanned)
    : (scanned as Finding[][]);

  const counts: Record<string, number> = {};
  const blocked: string[] = [];
  let found = false;
  for (const findings of results) {
    for (const finding of findings) {
      found = true;
      counts[finding.type] = (counts[finding.type] ?? 0) + 1;
      if (finding.rule.action === 'block' && !blocked.includes(finding.type)) blocked.push(finding.type);
    }
  }
  if (!found || blocked.length > 0) return { request, originals: new Map(), counts, blocked };

  const reserved = new Set<string>();
  for (const slot of slots) collectPlaceholders(slot.text, reserved);
  const map = new PlaceholderMap(reserved);
  const texts = new Map<Slot, string>();
  slots.forEach((slot, index) => {
    const findings = results[index] as Finding[];
    if (findings.length > 0) texts.set(slot, rewrite(slot, findings, map));
  });
  return { request: applyRewrites(request, slots, texts), originals: map.originals, counts, blocked };
}
