/**
 * What the fake Gemini answers when nothing is scripted: a deterministic echo model (with function calls
 * when `toolConfig` mode is `ANY`), hash-based embeddings, word-count token counts and a model list, all
 * in the Gemini API's wire format. Requests are validated the way Gemini rejects them (400
 * `INVALID_ARGUMENT`), including the Gemini 3 thought-signature and function-response-count rules.
 */
import type { Exchange } from '../exchange.js';
import { fakeEmbedding } from '../fake-embedding.js';
import { countWords } from '../openai-fixtures.js';
import { sendGeminiError, sendGeminiJson, streamGeminiEvents } from './gemini-exchange.js';
import { geminiUsageMetadata } from './gemini-fixtures.js';
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiPart } from './gemini-types.js';

type JsonRecord = Record<string, unknown>;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rejectInvalid(exchange: Exchange, message: string): void {
  sendGeminiError(exchange, { status: 400, message });
}

const partFields = [
  'text',
  'inlineData',
  'fileData',
  'functionCall',
  'functionResponse',
  'executableCode',
  'codeExecutionResult',
];

/** Checks a `Content`; returns Gemini's error message, or undefined when it is valid. */
function contentProblem(content: unknown, where: string, roleRequired: boolean): string | undefined {
  if (!isRecord(content)) return `Invalid value at '${where}', must be an object.`;
  if (content.role !== undefined || roleRequired) {
    if (content.role !== 'user' && content.role !== 'model') return 'Please use a valid role: user, model.';
  }
  if (!Array.isArray(content.parts) || content.parts.length === 0) {
    return `* GenerateContentRequest.${where}.parts: contents.parts must not be empty.`;
  }
  for (const [index, part] of content.parts.entries()) {
    if (!isRecord(part) || !partFields.some((field) => part[field] !== undefined)) {
      return `* GenerateContentRequest.${where}.parts[${index}].data: required oneof field 'data' must have one initialized field`;
    }
  }
  return undefined;
}

function partsOf(content: unknown): JsonRecord[] {
  return isRecord(content) && Array.isArray(content.parts) ? content.parts.filter(isRecord) : [];
}

/** Gemini 3 rejects a replayed function-call turn whose first call lost its `thoughtSignature`. */
function requiresThoughtSignatures(model: string): boolean {
  return model.startsWith('gemini-3');
}

/** The conversation rules Gemini enforces beyond shape; returns the error message or undefined. */
function conversationProblem(model: string, contents: unknown[]): string | undefined {
  for (const [index, content] of contents.entries()) {
    if (!isRecord(content) || content.role !== 'model') continue;
    const calls = partsOf(content).filter((part) => isRecord(part.functionCall));
    if (calls.length === 0) continue;
    if (requiresThoughtSignatures(model) && typeof calls[0]?.thoughtSignature !== 'string') {
      const name = isRecord(calls[0]?.functionCall) ? String(calls[0].functionCall.name) : '';
      return `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${name}\` , position ${index + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`;
    }
    const next = contents[index + 1];
    if (next === undefined) continue;
    const responses = partsOf(next).filter((part) => isRecord(part.functionResponse));
    if (responses.length !== calls.length) {
      return 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.';
    }
  }
  return undefined;
}

function textOf(content: unknown): string {
  return partsOf(content)
    .map((part) => (typeof part.text === 'string' && part.thought !== true ? part.text : ''))
    .join('');
}

/** The last user turn's text, or its function responses as JSON when it has no text. */
function lastUserText(contents: unknown[]): string {
  const last = [...contents].reverse().find((content) => isRecord(content) && content.role !== 'model');
  const text = textOf(last);
  if (text.length > 0) return text;
  return partsOf(last)
    .map((part) => (isRecord(part.functionResponse) ? JSON.stringify(part.functionResponse.response ?? {}) : ''))
    .filter((piece) => piece.length > 0)
    .join(' ');
}

function promptTokens(body: JsonRecord, contents: unknown[]): number {
  return [body.systemInstruction, ...contents].reduce<number>((total, content) => total + countWords(textOf(content)), 0);
}

interface FunctionDeclaration {
  name: string;
  parameters: unknown;
}

function declarations(tools: unknown): FunctionDeclaration[] {
  if (!Array.isArray(tools)) return [];
  return tools.flatMap((tool) =>
    isRecord(tool) && Array.isArray(tool.functionDeclarations)
      ? tool.functionDeclarations.filter(isRecord).map((declaration) => ({
          name: String(declaration.name),
          parameters: declaration.parameters,
        }))
      : [],
  );
}

/** Deterministic arguments from a declaration's parameters: strings get the user's text, numbers 1. */
function argsFor(parameters: unknown, text: string): JsonRecord {
  const args: JsonRecord = {};
  if (!isRecord(parameters) || !isRecord(parameters.properties)) return args;
  for (const [name, schema] of Object.entries(parameters.properties)) {
    const type = isRecord(schema) && typeof schema.type === 'string' ? schema.type.toLowerCase() : 'string';
    args[name] =
      type === 'number' || type === 'integer'
        ? 1
        : type === 'boolean'
          ? true
          : type === 'array'
            ? []
            : type === 'object'
              ? {}
              : text;
  }
  return args;
}

/** The functions a `toolConfig` mode `ANY` request gets called: each allowed name, else the first declaration. */
function forcedCalls(body: JsonRecord): FunctionDeclaration[] {
  const config = isRecord(body.toolConfig) ? body.toolConfig.functionCallingConfig : undefined;
  if (!isRecord(config) || config.mode !== 'ANY') return [];
  const declared = declarations(body.tools);
  if (Array.isArray(config.allowedFunctionNames) && config.allowedFunctionNames.length > 0) {
    return config.allowedFunctionNames.map(
      (name) => declared.find((declaration) => declaration.name === name) ?? { name: String(name), parameters: undefined },
    );
  }
  return declared.slice(0, 1);
}

interface Reply {
  thought: string | undefined;
  /** Word pieces of the visible text (each keeps its trailing whitespace). */
  pieces: string[];
  calls: GeminiPart[];
  finishReason: string;
  candidates: number;
  response: GeminiGenerateContentResponse;
}

function splitIntoWordPieces(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text.length > 0 ? [text] : []);
}

function buildReply(exchange: Exchange, model: string, body: JsonRecord, contents: unknown[]): Reply {
  const config = isRecord(body.generationConfig) ? body.generationConfig : {};
  const userText = lastUserText(contents);
  const thinking = isRecord(config.thinkingConfig) && config.thinkingConfig.includeThoughts === true;
  const thought = thinking ? `thinking about: ${userText}` : undefined;
  const calls = forcedCalls(body).map((declaration, index): GeminiPart => {
    const part: GeminiPart = { functionCall: { name: declaration.name, args: argsFor(declaration.parameters, userText) } };
    if (index === 0 && requiresThoughtSignatures(model)) {
      part.thoughtSignature = Buffer.from(`fake-signature:${model}:${exchange.requestNumber}`).toString('base64');
    }
    return part;
  });
  let text = config.responseMimeType === 'application/json' ? JSON.stringify({ echo: userText }) : `echo: ${userText}`;
  let finishReason = 'STOP';
  const limit = config.maxOutputTokens;
  if (typeof limit === 'number' && countWords(text) > limit) {
    text = splitIntoWordPieces(text).slice(0, limit).join('').trimEnd();
    finishReason = 'MAX_TOKENS';
  }
  const pieces = calls.length > 0 ? [] : splitIntoWordPieces(text);
  const candidates = typeof config.candidateCount === 'number' && config.candidateCount > 1 ? config.candidateCount : 1;
  const parts: GeminiPart[] = [
    ...(thought === undefined ? [] : [{ text: thought, thought: true }]),
    ...(pieces.length > 0 ? [{ text: pieces.join('') }] : []),
    ...calls,
  ];
  const candidateList: GeminiCandidate[] = Array.from({ length: candidates }, (_, index) => ({
    content: { parts, role: 'model' },
    finishReason,
    index,
  }));
  const usageMetadata = geminiUsageMetadata({
    promptTokens: promptTokens(body, contents),
    candidatesTokens: countWords(pieces.join('')) * candidates,
    ...(thought === undefined ? {} : { thoughtsTokens: countWords(thought) }),
  });
  return {
    thought,
    pieces,
    calls,
    finishReason,
    candidates,
    response: {
      candidates: candidateList,
      usageMetadata,
      modelVersion: model,
      responseId: `fake-gemini-${exchange.requestNumber}`,
    },
  };
}

/** Validates a `GenerateContentRequest`; sends the 400 and returns undefined when it is invalid. */
function readGenerateRequest(
  exchange: Exchange,
  model: string,
  body: unknown,
): { body: JsonRecord; contents: unknown[] } | undefined {
  if (!isRecord(body)) {
    rejectInvalid(exchange, 'Invalid JSON payload received. Expected an object.');
    return undefined;
  }
  const { contents, systemInstruction } = body;
  if (!Array.isArray(contents) || contents.length === 0) {
    rejectInvalid(exchange, '* GenerateContentRequest.contents: contents is not specified\n');
    return undefined;
  }
  for (const [index, content] of contents.entries()) {
    const problem = contentProblem(content, `contents[${index}]`, false);
    if (problem) {
      rejectInvalid(exchange, problem);
      return undefined;
    }
  }
  if (systemInstruction !== undefined) {
    const problem = contentProblem(systemInstruction, 'system_instruction', false);
    if (problem) {
      rejectInvalid(exchange, problem);
      return undefined;
    }
  }
  const problem = conversationProblem(model, contents);
  if (problem) {
    rejectInvalid(exchange, problem);
    return undefined;
  }
  return { body, contents };
}

export function handleGenerateContent(exchange: Exchange, model: string, body: unknown): void {
  const request = readGenerateRequest(exchange, model, body);
  if (!request) return;
  sendGeminiJson(exchange, { body: buildReply(exchange, model, request.body, request.contents).response });
}

/**
 * Streams the reply: the thought, then one frame per word, then the function calls; `finishReason` and
 * `usageMetadata` ride on the last frame. Without `alt=sse` Gemini streams one JSON array instead.
 */
export async function handleStreamGenerateContent(
  exchange: Exchange,
  model: string,
  body: unknown,
  query: Record<string, string>,
): Promise<void> {
  const request = readGenerateRequest(exchange, model, body);
  if (!request) return;
  const reply = buildReply(exchange, model, request.body, request.contents);
  const { response } = reply;
  const frame = (parts: GeminiPart[]): GeminiGenerateContentResponse => ({
    candidates: Array.from({ length: reply.candidates }, (_, index) => ({ content: { parts, role: 'model' }, index })),
    modelVersion: response.modelVersion,
    responseId: response.responseId,
  });
  const frames: GeminiGenerateContentResponse[] = [
    ...(reply.thought === undefined ? [] : [frame([{ text: reply.thought, thought: true }])]),
    ...reply.pieces.map((piece) => frame([{ text: piece }])),
    ...(reply.calls.length > 0 ? [frame(reply.calls)] : []),
  ];
  if (frames.length === 0) frames.push(frame([{ text: '' }]));
  const last = frames.at(-1) as GeminiGenerateContentResponse;
  for (const candidate of last.candidates ?? []) candidate.finishReason = reply.finishReason;
  last.usageMetadata = response.usageMetadata;
  if (query.alt === 'sse') {
    await streamGeminiEvents(exchange, { events: frames });
    return;
  }
  sendGeminiJson(exchange, { body: frames });
}

/** The fake's default vector size; `outputDimensionality` overrides it. */
export const fakeGeminiEmbeddingDimensions = 8;

function embedOne(exchange: Exchange, request: unknown, where: string): number[] | undefined {
  if (!isRecord(request) || !isRecord(request.content) || !Array.isArray(request.content.parts)) {
    rejectInvalid(exchange, `* ${where}.content: content is not specified`);
    return undefined;
  }
  const { outputDimensionality } = request;
  if (outputDimensionality !== undefined && !(Number.isInteger(outputDimensionality) && Number(outputDimensionality) > 0)) {
    rejectInvalid(exchange, `* ${where}.output_dimensionality: must be a positive integer`);
    return undefined;
  }
  const dimensions = typeof outputDimensionality === 'number' ? outputDimensionality : fakeGeminiEmbeddingDimensions;
  return fakeEmbedding({ text: textOf(request.content), dimensions });
}

export function handleEmbedContent(exchange: Exchange, body: unknown): void {
  const values = embedOne(exchange, body, 'EmbedContentRequest');
  if (values) sendGeminiJson(exchange, { body: { embedding: { values } } });
}

export function handleBatchEmbedContents(exchange: Exchange, model: string, body: unknown): void {
  if (!isRecord(body) || !Array.isArray(body.requests) || body.requests.length === 0) {
    rejectInvalid(exchange, '* BatchEmbedContentsRequest.requests: requests is not specified');
    return;
  }
  const embeddings: Array<{ values: number[] }> = [];
  for (const [index, request] of body.requests.entries()) {
    if (!isRecord(request) || request.model !== `models/${model}`) {
      rejectInvalid(
        exchange,
        `* BatchEmbedContentsRequest.requests[${index}].model: the model must be "models/${model}", the model in the request URL.`,
      );
      return;
    }
    const values = embedOne(exchange, request, `BatchEmbedContentsRequest.requests[${index}]`);
    if (!values) return;
    embeddings.push({ values });
  }
  sendGeminiJson(exchange, { body: { embeddings } });
}

export function handleCountTokens(exchange: Exchange, body: unknown): void {
  if (!isRecord(body)) {
    rejectInvalid(exchange, 'Invalid JSON payload received. Expected an object.');
    return;
  }
  const inner = isRecord(body.generateContentRequest) ? body.generateContentRequest : body;
  const contents = Array.isArray(inner.contents) ? inner.contents : [];
  const totalTokens = promptTokens(inner, contents);
  sendGeminiJson(exchange, { body: { totalTokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: totalTokens }] } });
}

function isEmbeddingModel(id: string): boolean {
  return id.includes('embedding');
}

function modelObject(id: string): JsonRecord {
  const embedding = isEmbeddingModel(id);
  return {
    name: `models/${id}`,
    version: '001',
    displayName: id,
    description: `Fake ${id}`,
    inputTokenLimit: embedding ? 2048 : 1_048_576,
    outputTokenLimit: embedding ? 1 : 65_536,
    supportedGenerationMethods: embedding
      ? ['embedContent', 'batchEmbedContents', 'countTokens']
      : ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
  };
}

export function handleListModels(exchange: Exchange, models: readonly string[]): void {
  sendGeminiJson(exchange, { body: { models: models.map(modelObject) } });
}

export function handleGetModel(exchange: Exchange, models: readonly string[], modelId: string): void {
  if (!models.includes(modelId)) {
    sendGeminiError(exchange, {
      status: 404,
      message: `models/${modelId} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
    });
    return;
  }
  sendGeminiJson(exchange, { body: modelObject(modelId) });
}
