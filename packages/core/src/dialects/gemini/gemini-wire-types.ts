/** The Gemini API (`v1beta`) shapes this dialect writes to clients. */

export type GeminiFinishReason = 'STOP' | 'MAX_TOKENS' | 'SAFETY' | 'FINISH_REASON_UNSPECIFIED';

export interface GeminiPart {
  text?: string;
  /** The text is a thought summary, not visible output. */
  thought?: boolean;
  functionCall?: { id?: string; name: string; args: Record<string, unknown> };
}

export interface GeminiCandidate {
  content: { role: 'model'; parts: GeminiPart[] };
  finishReason?: GeminiFinishReason;
  index: number;
}

/** `promptTokenCount` includes cached tokens; `candidatesTokenCount` excludes `thoughtsTokenCount`. */
export interface GeminiUsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
}

/** A `GenerateContentResponse`: the non-streamed body and every SSE frame of a stream. */
export interface GeminiGenerateContentResponse {
  candidates?: GeminiCandidate[];
  usageMetadata?: GeminiUsageMetadata;
  modelVersion: string;
  responseId: string;
}

/** `google.rpc.Code` names used for gateway errors. */
export type GeminiErrorStatus =
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'RESOURCE_EXHAUSTED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED'
  | 'FAILED_PRECONDITION'
  | 'CANCELLED'
  | 'UNKNOWN'
  | 'ALREADY_EXISTS'
  | 'ABORTED'
  | 'OUT_OF_RANGE'
  | 'UNIMPLEMENTED'
  | 'DATA_LOSS';

export interface GeminiErrorBody {
  error: { code: number; message: string; status: GeminiErrorStatus };
}
