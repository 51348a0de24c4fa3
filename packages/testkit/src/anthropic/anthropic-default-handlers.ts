/**
 * What the fake Anthropic answers when nothing is scripted: a deterministic echo model (with thinking,
 * forced tool use, stop sequences and `max_tokens` truncation), token counting and a model list, all in
 * Anthropic's exact wire format.
 */
import { messageText, splitIntoWordPieces } from '../default-handlers.js';
import type { Exchange } from '../exchange.js';
import { countWords } from '../openai-fixtures.js';
import { sendAnthropicError, sendAnthropicJson, streamAnthropicEvents } from './anthropic-exchange.js';
import { anthropicMessage, anthropicStreamEvents, anthropicUsage } from './anthropic-fixtures.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rejectInvalid(exchange: Exchange, message: string): void {
  sendAnthropicError(exchange, { status: 400, type: 'invalid_request_error', message });
}

/** All the text a message carries, tool results included (for the deterministic token counts). */
function promptText(message: unknown): string {
  if (!isRecord(message) || !Array.isArray(message.content)) return messageText(message);
  return message.content
    .map((block: unknown) => {
      if (!isRecord(block)) return '';
      if (block.type === 'text' && typeof block.text === 'string') return block.text;
      if (block.type === 'tool_result') return messageText(block);
      return '';
    })
    .join(' ');
}

function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  return messageText({ content: system });
}

/** Checks the fields Anthropic requires, answering its 400 when one is wrong. */
function validateMessagesBody(
  exchange: Exchange,
  body: unknown,
  { requireMaxTokens }: { requireMaxTokens: boolean },
): body is Record<string, unknown> & { model: string; messages: unknown[] } {
  if (!isRecord(body)) {
    rejectInvalid(exchange, 'The request body must be a JSON object.');
    return false;
  }
  if (typeof body.model !== 'string' || body.model.length === 0) {
    rejectInvalid(exchange, 'model: Field required');
    return false;
  }
  if (requireMaxTokens && !(typeof body.max_tokens === 'number' && Number.isInteger(body.max_tokens) && body.max_tokens >= 1)) {
    rejectInvalid(exchange, 'max_tokens: Field required');
    return false;
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    rejectInvalid(exchange, 'messages: at least one message is required');
    return false;
  }
  for (const [index, message] of body.messages.entries()) {
    if (!isRecord(message) || (message.role !== 'user' && message.role !== 'assistant')) {
      rejectInvalid(exchange, `messages.${index}.role: Input should be 'user' or 'assistant'`);
      return false;
    }
    if (typeof message.content !== 'string' && !Array.isArray(message.content)) {
      rejectInvalid(exchange, `messages.${index}.content: Input should be a valid list`);
      return false;
    }
  }
  return true;
}

function countPromptTokens(body: { system?: unknown; messages: unknown[] }): number {
  return (
    countWords(systemText(body.system)) +
    body.messages.reduce((total: number, message) => total + countWords(promptText(message)), 0)
  );
}

/** The tool a `tool_choice` forces: `{type:'tool', name}` or `{type:'any'}` (the first tool). */
function forcedToolName(body: Record<string, unknown>): string | undefined {
  const { tool_choice: toolChoice, tools } = body;
  if (!isRecord(toolChoice)) return undefined;
  if (toolChoice.type === 'tool' && typeof toolChoice.name === 'string') return toolChoice.name;
  if (toolChoice.type === 'any' && Array.isArray(tools) && isRecord(tools[0]) && typeof tools[0].name === 'string') {
    return tools[0].name;
  }
  return undefined;
}

interface Reply {
  text: string;
  stopReason: string;
  stopSequence: string | null;
}

/** Applies `stop_sequences` and `max_tokens` (in words) to the echo reply, as the real API would stop. */
function shapeReply(reply: string, body: Record<string, unknown>): Reply {
  const stops = Array.isArray(body.stop_sequences) ? body.stop_sequences.filter((stop) => typeof stop === 'string') : [];
  let earliest: { at: number; stop: string } | undefined;
  for (const stop of stops) {
    const at = stop.length > 0 ? reply.indexOf(stop) : -1;
    if (at !== -1 && (earliest === undefined || at < earliest.at)) earliest = { at, stop };
  }
  if (earliest !== undefined)
    return { text: reply.slice(0, earliest.at), stopReason: 'stop_sequence', stopSequence: earliest.stop };
  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : Number.POSITIVE_INFINITY;
  const pieces = splitIntoWordPieces(reply);
  if (pieces.length > maxTokens)
    return { text: pieces.slice(0, maxTokens).join(''), stopReason: 'max_tokens', stopSequence: null };
  return { text: reply, stopReason: 'end_turn', stopSequence: null };
}

function thinkingEnabled(exchange: Exchange, body: Record<string, unknown>): boolean | undefined {
  const { thinking } = body;
  if (!isRecord(thinking) || thinking.type !== 'enabled') return false;
  const budget = thinking.budget_tokens;
  if (typeof budget !== 'number' || budget < 1024) {
    rejectInvalid(exchange, 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
    return undefined;
  }
  if (typeof body.max_tokens === 'number' && body.max_tokens <= budget) {
    rejectInvalid(exchange, '`max_tokens` must be greater than `thinking.budget_tokens`.');
    return undefined;
  }
  return true;
}

/** Splits a JSON text into two pieces, so streamed tool input always takes more than one delta. */
function splitInTwo(text: string): string[] {
  const middle = Math.floor(text.length / 2);
  return [text.slice(0, middle), text.slice(middle)];
}

export async function handleAnthropicMessages(exchange: Exchange, body: unknown): Promise<void> {
  if (!validateMessagesBody(exchange, body, { requireMaxTokens: true })) return;
  const thinking = thinkingEnabled(exchange, body);
  if (thinking === undefined) return;

  const { model, messages } = body;
  const lastUser = [...messages].reverse().find((message) => isRecord(message) && message.role === 'user');
  const userText = messageText(lastUser);
  const id = `msg_fake_${exchange.requestNumber}`;
  const inputTokens = countPromptTokens(body);
  const toolName = forcedToolName(body);
  const thinkingText = thinking ? `Thinking about: ${userText}` : undefined;

  if (toolName !== undefined) {
    const input = { text: userText };
    const toolUse = { id: `toolu_fake_${exchange.requestNumber}`, name: toolName, input };
    const usage = anthropicUsage({ inputTokens, outputTokens: countWords(JSON.stringify(input)) });
    if (body.stream === true) {
      const partialJson = splitInTwo(JSON.stringify(input));
      await streamAnthropicEvents(exchange, {
        events: anthropicStreamEvents({ id, model, toolUses: [{ ...toolUse, partialJson }], usage }),
      });
      return;
    }
    sendAnthropicJson(exchange, { body: anthropicMessage({ id, model, toolUses: [toolUse], usage }) });
    return;
  }

  const reply = shapeReply(`echo: ${userText}`, body);
  const usage = anthropicUsage({ inputTokens, outputTokens: countWords(reply.text) + countWords(thinkingText ?? '') });
  const common = { id, model, stopReason: reply.stopReason, stopSequence: reply.stopSequence, usage };
  if (body.stream === true) {
    const thinkingPieces = thinkingText === undefined ? undefined : splitIntoWordPieces(thinkingText);
    const events = anthropicStreamEvents({ ...common, text: splitIntoWordPieces(reply.text), thinking: thinkingPieces });
    await streamAnthropicEvents(exchange, { events });
    return;
  }
  sendAnthropicJson(exchange, { body: anthropicMessage({ ...common, text: reply.text, thinking: thinkingText }) });
}

export function handleAnthropicCountTokens(exchange: Exchange, body: unknown): void {
  if (!validateMessagesBody(exchange, body, { requireMaxTokens: false })) return;
  sendAnthropicJson(exchange, { body: { input_tokens: countPromptTokens(body) } });
}

const modelCreatedAt = '2025-01-01T00:00:00Z';

function modelInfo(id: string): Record<string, unknown> {
  return { type: 'model', id, display_name: id, created_at: modelCreatedAt };
}

export function handleAnthropicModels(exchange: Exchange, models: readonly string[]): void {
  sendAnthropicJson(exchange, {
    body: { data: models.map(modelInfo), has_more: false, first_id: models[0] ?? null, last_id: models.at(-1) ?? null },
  });
}

export function handleAnthropicModel(exchange: Exchange, models: readonly string[], modelId: string): void {
  if (!models.includes(modelId)) {
    sendAnthropicError(exchange, { status: 404, message: `model: ${modelId}` });
    return;
  }
  sendAnthropicJson(exchange, { body: modelInfo(modelId) });
}
