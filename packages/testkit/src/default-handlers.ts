/**
 * What the fake answers when nothing is scripted: a deterministic echo chat model, hash-based
 * embeddings and a model list, all in OpenAI's exact wire format.
 */
import type { Exchange } from './exchange.js';
import { encodeFloat32Base64, fakeEmbedding } from './fake-embedding.js';
import { sendOpenAIError, sendOpenAIJson, streamOpenAIEvents } from './openai-exchange.js';
import { countWords, openaiChunks, openaiCompletion, openaiUsage } from './openai-fixtures.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The text of a message: string content, or the concatenated `text` of its text parts. */
export function messageText(message: unknown): string {
  if (!isRecord(message)) return '';
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => (isRecord(part) && part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

/** Splits a reply into stream pieces that keep their following whitespace (concatenation is exact). */
export function splitIntoWordPieces(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text.length > 0 ? [text] : []);
}

function rejectInvalid(exchange: Exchange, message: string, param: string | null): void {
  sendOpenAIError(exchange, { status: 400, message, type: 'invalid_request_error', param, code: null });
}

export async function handleChatCompletions(exchange: Exchange, body: unknown): Promise<void> {
  if (!isRecord(body)) {
    rejectInvalid(exchange, 'The request body must be a JSON object.', null);
    return;
  }
  const { model, messages, stream, stream_options: streamOptions } = body;
  if (typeof model !== 'string' || model.length === 0) {
    rejectInvalid(exchange, 'you must provide a model parameter', 'model');
    return;
  }
  if (!Array.isArray(messages) || messages.length === 0) {
    rejectInvalid(exchange, "Invalid 'messages': expected a non-empty array.", 'messages');
    return;
  }

  const lastUserMessage = [...messages].reverse().find((message) => isRecord(message) && message.role === 'user');
  const reply = `echo: ${messageText(lastUserMessage)}`;
  const usage = openaiUsage({
    promptTokens: messages.reduce((total: number, message: unknown) => total + countWords(messageText(message)), 0),
    completionTokens: countWords(reply),
  });
  const id = `chatcmpl-fake-${exchange.requestNumber}`;
  const created = Math.floor(Date.now() / 1000);

  if (stream === true) {
    const includeUsage = isRecord(streamOptions) && streamOptions.include_usage === true;
    const events = openaiChunks({
      id,
      created,
      model,
      content: splitIntoWordPieces(reply),
      finishReason: 'stop',
      usage: includeUsage ? usage : undefined,
    });
    await streamOpenAIEvents(exchange, { events });
    return;
  }
  sendOpenAIJson(exchange, { body: openaiCompletion({ id, created, model, content: reply, finishReason: 'stop', usage }) });
}

/** Normalizes `input` to one text per embedding; token arrays become their tokens joined by spaces. */
function embeddingTexts(input: unknown): string[] | undefined {
  const isTokens = (value: unknown): value is number[] =>
    Array.isArray(value) && value.length > 0 && value.every((token) => typeof token === 'number');
  if (typeof input === 'string') return [input];
  if (isTokens(input)) return [input.join(' ')];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  const texts: string[] = [];
  for (const item of input) {
    if (typeof item === 'string') texts.push(item);
    else if (isTokens(item)) texts.push(item.join(' '));
    else return undefined;
  }
  return texts;
}

export function handleEmbeddings(exchange: Exchange, body: unknown): void {
  if (!isRecord(body)) {
    rejectInvalid(exchange, 'The request body must be a JSON object.', null);
    return;
  }
  const { model, input, dimensions, encoding_format: encodingFormat } = body;
  if (typeof model !== 'string' || model.length === 0) {
    rejectInvalid(exchange, 'you must provide a model parameter', 'model');
    return;
  }
  const texts = embeddingTexts(input);
  if (texts === undefined) {
    rejectInvalid(exchange, "Invalid 'input': expected a string or an array of strings.", 'input');
    return;
  }
  if (dimensions !== undefined && !(typeof dimensions === 'number' && Number.isInteger(dimensions) && dimensions > 0)) {
    rejectInvalid(exchange, "Invalid 'dimensions': expected a positive integer.", 'dimensions');
    return;
  }
  const size = typeof dimensions === 'number' ? dimensions : 8;
  const words = texts.reduce((total, text) => total + countWords(text), 0);
  sendOpenAIJson(exchange, {
    body: {
      object: 'list',
      data: texts.map((text, index) => {
        const vector = fakeEmbedding({ text, dimensions: size });
        return {
          object: 'embedding',
          index,
          embedding: encodingFormat === 'base64' ? encodeFloat32Base64(vector) : vector,
        };
      }),
      model,
      usage: { prompt_tokens: words, total_tokens: words },
    },
  });
}

const modelCreated = 1_700_000_000;

function modelObject(id: string): Record<string, unknown> {
  return { id, object: 'model', created: modelCreated, owned_by: 'fake' };
}

export function handleModels(exchange: Exchange, models: readonly string[]): void {
  sendOpenAIJson(exchange, { body: { object: 'list', data: models.map(modelObject) } });
}

export function handleModel(exchange: Exchange, models: readonly string[], modelId: string): void {
  if (!models.includes(modelId)) {
    sendOpenAIError(exchange, {
      status: 404,
      message: `The model '${modelId}' does not exist`,
      type: 'invalid_request_error',
      param: 'model',
      code: 'model_not_found',
    });
    return;
  }
  sendOpenAIJson(exchange, { body: modelObject(modelId) });
}
