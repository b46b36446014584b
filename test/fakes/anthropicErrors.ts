import type { ErrorType } from '@anthropic-ai/sdk/resources/shared'

/** The error body every Anthropic endpoint answers with: `{ type: 'error', error: { type, message }, request_id }`. */
export interface AnthropicErrorBody {
  type: 'error'
  error: { type: string; message: string }
  request_id: string
}

export function anthropicErrorBody(type: string, message: string, requestId: string): AnthropicErrorBody {
  return { type: 'error', error: { type, message }, request_id: requestId }
}

/** The error type and message the API pairs with each status when a script does not say. */
export function defaultErrorFor(status: number): { type: ErrorType; message: string } {
  switch (status) {
    case 400:
      return { type: 'invalid_request_error', message: 'Invalid request' }
    case 401:
      return { type: 'authentication_error', message: 'invalid x-api-key' }
    case 403:
      return { type: 'permission_error', message: 'Your API key does not have permission to use the specified resource.' }
    case 404:
      return { type: 'not_found_error', message: 'Not found' }
    case 429:
      return { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' }
    case 529:
      return { type: 'overloaded_error', message: 'Overloaded' }
    default:
      return { type: 'api_error', message: 'Internal server error' }
  }
}

/** The HTTP status the API uses for an error type (for a stream error scripted on a non-streaming request). */
export function statusForErrorType(type: string): number {
  return type === 'overloaded_error' ? 529 : 500
}
