/**
 * Gemini request fields the decoder knowingly drops, because the canonical (OpenAI) request has no
 * equivalent. Any other unknown field is dropped as well. `cachedContent` is not dropped but rejected:
 * without the cached context the request would mean something else.
 *
 * Within fields that are mapped, also dropped: `generationConfig.thinkingConfig.includeThoughts`,
 * `responseLogprobs`, `logprobs`, `responseModalities`, `speechConfig`, `mediaResolution`, `audioTimestamp`,
 * `imageConfig`, `routingConfig`, `enableEnhancedCivicAnswers`; thought parts of model turns; the
 * `thoughtSignature` of text parts (a function call's signature is kept in its tool call id); a
 * `fileData` part's `mimeType`; `videoMetadata`; function declarations' `response` and `behavior`.
 */
export const unmappedGeminiFields: readonly string[] = Object.freeze(['safetySettings', 'labels', 'serviceTier']);
