/**
 * Anthropic Messages request fields the decoder knowingly drops, because the canonical (OpenAI) request
 * has no equivalent. Any other unknown top-level field is dropped as well.
 *
 * Within fields that are mapped, also dropped: `metadata` keys other than `user_id`; thinking types
 * `disabled`, `adaptive`, `between_tools`; `thinking`/`redacted_thinking` blocks of assistant turns (their
 * signatures only mean something to Anthropic); `citations` on text blocks; a document's `context` and
 * `citations`; `cache_control` on tools and `tool_result` blocks (it is kept on text, image and document
 * blocks and on system text blocks); tool `input_examples`, `defer_loading`, `allowed_callers`,
 * `eager_input_streaming`.
 *
 * None of this is lost when the target is an Anthropic provider and no middleware replaced the request:
 * the client's own body is sent then (decision 0017).
 */
export const unmappedAnthropicFields: readonly string[] = Object.freeze([
  'cache_control',
  'container',
  'context_management',
  'diagnostics',
  'inference_geo',
  'mcp_servers',
  'service_tier',
  'speed',
]);
