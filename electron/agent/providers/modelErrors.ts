import {
  AnthropicError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError
} from '@anthropic-ai/sdk'
import { CommonsError, type ErrorCode } from '../../../shared/errors.ts'
import { CURRENT_MODELS } from './models.ts'
import type { RetryReason } from './types.ts'

/**
 * Every way a model call fails, as a reason a program branches on, a message a person understands, and
 * a hint that says what to do. The Anthropic SDK's errors and the local provider's fetch failures are
 * both mapped here.
 */

export type ModelErrorReason =
  | 'not-configured' // no key / endpoint set up
  | 'bad-key' // the key was refused (401)
  | 'forbidden' // the key may not do this (403)
  | 'unknown-model' // the model id does not exist on this endpoint
  | 'rate-limited' // 429
  | 'overloaded' // 529, an overloaded_error mid-stream, a local server still loading its model
  | 'unreachable' // no connection, DNS failure, timeout, connection dropped
  | 'aborted' // the caller aborted
  | 'bad-request' // the request was rejected as malformed (a bug on our side)
  | 'too-large' // the conversation does not fit the model
  | 'server-error' // 5xx, api_error mid-stream
  | 'interrupted' // the reply failed after part of it was streamed; not retried, to avoid duplicate text
  | 'budget' // a spend limit or a task's budget is reached

const CODES: Record<ModelErrorReason, ErrorCode> = {
  'not-configured': 'config',
  'bad-key': 'access',
  forbidden: 'access',
  'unknown-model': 'config',
  'rate-limited': 'connection',
  overloaded: 'connection',
  unreachable: 'connection',
  // The shared codes have no "cancelled"; callers branch on `reason` for this one.
  aborted: 'connection',
  'bad-request': 'invalid-input',
  'too-large': 'invalid-input',
  'server-error': 'connection',
  interrupted: 'connection',
  budget: 'forbidden'
}

const RETRYABLE: ReadonlySet<ModelErrorReason> = new Set<RetryReason>(['rate-limited', 'overloaded', 'server-error', 'unreachable'])

export interface ModelErrorDetails {
  cause?: unknown
  /** HTTP status, when the server answered. */
  status?: number
  /** The server asked to wait this long before trying again (`retry-after`). */
  retryAfterMs?: number
  /** Overrides whether the retry loop may try again (the server's `x-should-retry`). */
  retryable?: boolean
  requestId?: string
}

export class ModelError extends CommonsError {
  override name = 'ModelError'
  readonly status: number | undefined
  readonly retryAfterMs: number | undefined
  readonly requestId: string | undefined
  /** Whether trying the same request again may succeed. */
  readonly retryable: boolean

  constructor(
    readonly reason: ModelErrorReason,
    message: string,
    hint?: string,
    details: ModelErrorDetails = {}
  ) {
    super(CODES[reason], message, hint, details.cause === undefined ? undefined : { cause: details.cause })
    this.status = details.status
    this.retryAfterMs = details.retryAfterMs
    this.requestId = details.requestId
    this.retryable = details.retryable ?? RETRYABLE.has(reason)
  }

  /** The same error, saying that the retry loop gave up. */
  afterAttempts(attempts: number): ModelError {
    const { status, retryAfterMs, requestId } = this
    const message = `${this.message} (gave up after ${attempts} attempts)`
    return new ModelError(this.reason, message, this.hint, { cause: this.cause, status, retryAfterMs, requestId, retryable: false })
  }
}

export function isModelError(error: unknown, reason?: ModelErrorReason): error is ModelError {
  return error instanceof ModelError && (reason === undefined || error.reason === reason)
}

export const abortedError = (cause?: unknown): ModelError => new ModelError('aborted', 'the model request was stopped', undefined, { cause })

export const anthropicNotConfigured = (): ModelError =>
  new ModelError(
    'not-configured',
    'no Anthropic API key is set up, so the AI coworkers cannot run',
    'add a key in Settings → Models (or set ANTHROPIC_API_KEY before starting Commons); the private assistant can use a local model instead'
  )

/** A task or workspace spending cap, checked by the agent before it calls the model. */
export const budgetReached = (spentUsd: number, limitUsd: number): ModelError =>
  new ModelError(
    'budget',
    `this task reached its model budget: about $${spentUsd.toFixed(2)} of $${limitUsd.toFixed(2)} spent`,
    'raise the budget in the coworker settings, or continue the task with a smaller model'
  )

/** The reply failed after some of it was shown; the partial reply stays, and nothing is repeated. */
export function interrupted(cause: ModelError, service: string): ModelError {
  return new ModelError(
    'interrupted',
    `the reply from ${service} broke off after it had started: ${cause.message}`,
    'the partial reply was not retried, to avoid repeating it; send the message again to get a full reply',
    { cause, status: cause.status, requestId: cause.requestId, retryable: false }
  )
}

// ————— Anthropic SDK errors —————

export interface AnthropicErrorContext {
  /** The base URL in use, to name it when it cannot be reached. */
  baseURL: string
  model?: string
}

const KEY_HINT = 'Set a valid key in Settings → Models or ANTHROPIC_API_KEY'
const FORBIDDEN_HINT = "check the key's workspace and permissions in the Anthropic Console, or use another key"
const BILLING_HINT = 'add credit or raise the spend limit in the Anthropic Console'
const BASE_URL_HINT = 'check the Anthropic base URL in Settings → Models (or ANTHROPIC_BASE_URL)'
const TOO_LARGE_HINT = 'start a new task, or attach shorter documents'
const SERVER_HINT = 'try again; if it persists, check status.anthropic.com'
const CONNECTION_HINT = 'check the connection or use a local model for the private assistant'
const REPORT_HINT = 'try again; if it keeps happening, report it with the log from Help → Diagnostics'

/** Maps anything the SDK throws (HTTP errors, stream `error` events, connection failures, aborts). */
export function fromAnthropicError(error: unknown, context: AnthropicErrorContext): ModelError {
  if (error instanceof ModelError) return error
  if (error instanceof APIUserAbortError) return abortedError(error)
  const unreachable = (message: string) => new ModelError('unreachable', message, CONNECTION_HINT, { cause: error })
  if (error instanceof APIConnectionTimeoutError) return unreachable(`${context.baseURL} did not answer in time`)
  if (error instanceof APIConnectionError) return unreachable(`could not reach ${context.baseURL}${causeSuffix(error)}`)
  if (error instanceof APIError) return fromAnthropicApiError(error, context)
  if (error instanceof AnthropicError && isNetworkFailure(error)) {
    return unreachable(`the connection to ${context.baseURL} dropped${causeSuffix(error)}`)
  }
  const message = error instanceof Error ? error.message : String(error)
  return new ModelError('server-error', `unexpected error from the Anthropic API: ${message}`, REPORT_HINT, {
    cause: error,
    retryable: false
  })
}

function fromAnthropicApiError(error: APIError, context: AnthropicErrorContext): ModelError {
  const status = error.status
  const apiMessage = error.apiMessage ?? error.message
  const shouldRetry = error.headers?.get('x-should-retry')
  const details: ModelErrorDetails = {
    cause: error,
    ...(status === undefined ? {} : { status }),
    ...(error.requestID ? { requestId: error.requestID } : {}),
    ...(shouldRetry === 'true' || shouldRetry === 'false' ? { retryable: shouldRetry === 'true' } : {})
  }
  const fail = (reason: ModelErrorReason, message: string, hint: string, extra: ModelErrorDetails = {}) =>
    new ModelError(reason, message, hint, { ...details, ...extra })
  const model = context.model ?? 'the configured model'

  if (status === 401) return fail('bad-key', 'the Anthropic API key was refused (401)', KEY_HINT)
  if (status === 403) {
    return fail('forbidden', `the Anthropic API key may not do this (403: ${apiMessage})`, FORBIDDEN_HINT)
  }
  if (status === 402 || (status === 429 && /spend_limit|billing/.test(error.errorCode ?? ''))) {
    return fail('budget', `the Anthropic account cannot pay for more requests (${status}: ${apiMessage})`, BILLING_HINT)
  }
  if (status === 404) {
    const pick = `choose one of ${CURRENT_MODELS.join(', ')} in the coworker's settings`
    return /model/i.test(apiMessage)
      ? fail('unknown-model', `the model "${model}" is not available (404)`, pick)
      : fail('bad-request', `${context.baseURL} answered 404 (${apiMessage})`, BASE_URL_HINT)
  }
  if (status === 413 || (status === 400 && /too long|too many tokens|context window/i.test(apiMessage))) {
    return fail('too-large', `the conversation is too large for ${model} (${status}: ${apiMessage})`, TOO_LARGE_HINT)
  }
  if (status === 429 || error.type === 'rate_limit_error') {
    const retryAfterMs = retryAfterOf(error.headers)
    const wait = retryAfterMs === undefined ? 'a minute' : `${Math.ceil(retryAfterMs / 1000)} s`
    return fail('rate-limited', 'the Anthropic rate limit was reached (429)', `wait ${wait}, or let fewer coworkers run at once`, {
      ...(retryAfterMs === undefined ? {} : { retryAfterMs })
    })
  }
  if (status === 529 || error.type === 'overloaded_error') {
    return fail('overloaded', `Claude is overloaded right now (${status ?? 'overloaded_error'})`, 'try again in a few minutes')
  }
  if (status === 400 || status === 422) {
    return fail('bad-request', `the Anthropic API rejected the request (${status}: ${apiMessage})`, REPORT_HINT)
  }
  if (status === undefined || status >= 500) {
    // status is undefined for an `error` event inside a stream.
    const what = status === undefined ? (error.type ?? 'stream error') : String(status)
    return fail('server-error', `the Anthropic API had an internal error (${what}: ${apiMessage})`, SERVER_HINT)
  }
  return fail('bad-request', `the Anthropic API refused the request (${status}: ${apiMessage})`, REPORT_HINT)
}

/** `retry-after-ms`, else `retry-after` in seconds or as an HTTP date; undefined when absent or unusable. */
export function retryAfterOf(headers: Headers | undefined, now = Date.now()): number | undefined {
  const millis = Number.parseFloat(headers?.get('retry-after-ms') ?? '')
  if (Number.isFinite(millis) && millis >= 0) return millis
  const value = headers?.get('retry-after')
  if (!value) return undefined
  const seconds = Number.parseFloat(value)
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined
  const date = Date.parse(value)
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined
}

// ————— the local (OpenAI-compatible) provider —————

export interface LocalErrorContext {
  baseURL: string
  model: string
}

const LOCAL_START_HINT = "start Ollama (`ollama serve`) or LM Studio's server, or check the endpoint URL in Settings"
const LOCAL_URL_HINT = 'check the endpoint URL in Settings; it usually ends in /v1, e.g. http://127.0.0.1:11434/v1'
const LOCAL_CRASH_HINT = "check the server's log; the model may have run out of memory"

/** Maps a rejected fetch (or a failed body read) of the local provider. */
export function fromLocalFetchError(error: unknown, context: LocalErrorContext, signal?: AbortSignal): ModelError {
  if (error instanceof ModelError) return error
  if (signal?.aborted || (error instanceof Error && error.name === 'AbortError')) return abortedError(error)
  if (error instanceof TypeError || isNetworkFailure(error)) {
    const message = `could not reach the local model server at ${context.baseURL}${causeSuffix(error)}`
    // Not retried: a server that is not running does not start while we wait.
    return new ModelError('unreachable', message, LOCAL_START_HINT, { cause: error, retryable: false })
  }
  const message = error instanceof Error ? error.message : String(error)
  return new ModelError('server-error', `unexpected error from the local model server: ${message}`, REPORT_HINT, {
    cause: error,
    retryable: false
  })
}

/** Maps an error status of the local server; `body` is the response text (OpenAI error JSON or plain). */
export function fromLocalHttpStatus(status: number, body: string, context: LocalErrorContext, headers?: Headers): ModelError {
  const { message, code } = openAiErrorOf(body)
  const said = message ? `: ${message}` : ''
  const fail = (reason: ModelErrorReason, text: string, hint: string, extra: ModelErrorDetails = {}) =>
    new ModelError(reason, text, hint, { status, ...extra })

  if (status === 401 || status === 403) {
    return fail('bad-key', `the local model server refused the API key (${status}${said})`, "set the endpoint's API key in Settings → Models")
  }
  if (status === 404 && (code === 'model_not_found' || /model/i.test(message))) {
    const hint = `download it (e.g. \`ollama pull ${context.model}\`) or pick a model the server lists in Settings`
    return fail('unknown-model', `the local model server has no model "${context.model}" (404)`, hint)
  }
  if (status === 404) {
    return fail('not-configured', `${context.baseURL} is not an OpenAI-compatible endpoint (404${said})`, LOCAL_URL_HINT)
  }
  if (status === 429) {
    const retryAfterMs = retryAfterOf(headers)
    return fail('rate-limited', `the local model server is busy (429${said})`, 'wait a moment and try again', {
      ...(retryAfterMs === undefined ? {} : { retryAfterMs })
    })
  }
  if (status === 413 || /context|too long/i.test(message)) {
    const hint = 'start a new conversation, or raise the context size of the local model'
    return fail('too-large', `the conversation is too large for ${context.model} (${status}${said})`, hint)
  }
  if (status === 503) return fail('overloaded', `the local model server is not ready (503${said})`, 'wait for the model to load and try again')
  if (status >= 500) return fail('server-error', `the local model server failed (${status}${said})`, LOCAL_CRASH_HINT)
  return fail('bad-request', `the local model server rejected the request (${status}${said})`, REPORT_HINT)
}

/** An `{ error: ... }` object a local server sent inside the stream. */
export function fromLocalStreamError(error: unknown): ModelError {
  const message = typeof error === 'string' ? error : openAiErrorOf(JSON.stringify({ error })).message || 'unknown error'
  return new ModelError('server-error', `the local model failed while answering: ${message}`, LOCAL_CRASH_HINT)
}

export const localNotConfigured = (missing: 'endpoint' | 'model'): ModelError =>
  new ModelError(
    'not-configured',
    missing === 'endpoint' ? 'no local model endpoint is set up' : 'no local model is chosen for the endpoint',
    'set the endpoint (e.g. http://127.0.0.1:11434/v1) and the model in Settings → Models'
  )

function openAiErrorOf(body: string): { message: string; code: string } {
  try {
    const parsed = JSON.parse(body) as { error?: unknown }
    const error = parsed.error
    if (typeof error === 'string') return { message: error, code: '' }
    if (typeof error === 'object' && error !== null) {
      const { message, code } = error as { message?: unknown; code?: unknown }
      return { message: typeof message === 'string' ? message : '', code: typeof code === 'string' ? code : '' }
    }
  } catch {
    // not JSON: a proxy's HTML page, plain text from a server
  }
  return { message: body.trim().slice(0, 200), code: '' }
}

// ————— shared —————

/** ` (ECONNREFUSED)`-style detail from an error's cause chain, or nothing. */
function causeSuffix(error: unknown): string {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 4; cause = cause.cause, depth++) {
    const code = (cause as { code?: unknown }).code
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return ` (${code})`
  }
  return ''
}

function isNetworkFailure(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 4; cause = cause.cause, depth++) {
    const code = (cause as { code?: unknown }).code
    if (/terminated|socket|ECONNRESET|ECONNREFUSED|other side closed|fetch failed/i.test(`${cause.message} ${String(code ?? '')}`)) return true
  }
  return false
}
