import type http from 'node:http'
import type { MessageCreateParamsBase, StopReason } from '@anthropic-ai/sdk/resources/messages'
import { anthropicErrorBody, defaultErrorFor, statusForErrorType } from './anthropicErrors.ts'
import { modelInfo, SDK_MODEL_IDS } from './anthropicModels.ts'
import { flattenHeaders, parseJsonObject, readBodyText, sendJson, startLoopbackServer, whenGone } from './http.ts'
import {
  buildMessage,
  DEFAULT_TEXT_CHUNKS,
  defaultStopReason,
  fullUsage,
  outputTokens,
  scriptedContent,
  streamMessage,
  streamThenFail
} from './messagesResponse.ts'
import { validateMessagesRequest } from './messagesValidation.ts'
import { PromptCache, promptSegments, type CacheStats } from './promptCache.ts'
import { ScriptQueue, type ScriptedBlock } from './script.ts'
import { SseWriter } from './sse.ts'
import { fakeId } from './tokens.ts'

/**
 * A scripted stand-in for the Anthropic Messages API, for tests that drive the real SDK against it:
 * `new Anthropic({ apiKey, baseURL: fake.url })`. It checks requests as the API does (auth, version,
 * shape, turn order, tool pairing, cache breakpoints, removed sampling parameters), answers with the
 * next scripted turn, streams like the API, and measures prompt caching (see promptCache.ts).
 */

export interface FakeMessagesApiOptions {
  port?: number
  /** When set, a request with another key gets 401 authentication_error. */
  apiKey?: string
  /** Other models get 404 not_found_error. Defaults to every model the installed SDK names. */
  knownModels?: string[]
  /** Smallest prefix (in estimated tokens) that can be cached. Default 1024. */
  minimumCacheableTokens?: number
  /** Reject non-alternating turns and a first turn that is not the user's (default true). */
  strictTurnOrder?: boolean
}

export interface FakeMessagesApi {
  /** Base URL for the SDK's `baseURL`. */
  url: string
  /** Queues responses; each request to POST /v1/messages that passes validation takes the next one. */
  script(...turns: ScriptedTurn[]): void
  /** Turns scripted but not yet taken. */
  readonly pendingTurns: number
  /** Every request received, in order, whatever its route or outcome. */
  requests: RecordedRequest[]
  /** Totals over all requests so far. */
  cacheStats: CacheStats
  close(): Promise<void>
}

export type RequestBody = Partial<MessageCreateParamsBase> & Record<string, unknown>

export interface RecordedRequest {
  method: string
  /** Path without the query string, e.g. /v1/messages */
  path: string
  /** Lower-case header names. */
  headers: Record<string, string>
  /** The parsed JSON body; {} for a GET or a body that is not a JSON object. */
  body: RequestBody
  /** Date.now() when the request arrived. */
  receivedAt: number
}

export type ScriptedTurn =
  | {
      type: 'message'
      content: ScriptedBlock[]
      /** Default: tool_use when the content has a tool_use block, else end_turn. */
      stopReason?: Extract<StopReason, 'end_turn' | 'tool_use' | 'max_tokens'>
      /** Pause between deltas, to let tests act mid-stream. */
      chunkDelayMs?: number
      /** Pieces each text is streamed in (default 4). */
      textChunks?: number
    }
  | {
      type: 'error'
      status: 429 | 529 | 500 | 400 | 401 | 404
      /** Sent as `retry-after`; fractions are fine (the SDK honours them), e.g. 0.01. */
      retryAfterSeconds?: number
      errorType?: string
      message?: string
    }
  /** An `event: error` mid-stream (on a non-streaming request: the matching 529 or 500). */
  | { type: 'stream-error'; afterText?: string; errorType: 'overloaded_error' | 'api_error' }
  /** Accepts the request and never answers, until the client aborts or the fake closes. */
  | { type: 'hang' }
  | ((request: RecordedRequest) => ScriptedTurn)

type StaticTurn = Exclude<ScriptedTurn, (request: RecordedRequest) => ScriptedTurn>

const CACHE_WARMING_TURN: StaticTurn = { type: 'message', content: [], stopReason: 'max_tokens' }

/** Versions the fake accepts in `anthropic-version`; the SDK sends 2026-10-21. */
export const SUPPORTED_API_VERSIONS: readonly string[] = ['2023-06-01', '2026-10-21']

export async function startFakeMessagesApi(options: FakeMessagesApiOptions = {}): Promise<FakeMessagesApi> {
  const requests: RecordedRequest[] = []
  const queue = new ScriptQueue<StaticTurn, RecordedRequest>()
  const cache = new PromptCache(options.minimumCacheableTokens ?? 1024)
  const knownModels = options.knownModels ?? SDK_MODEL_IDS
  const strictTurnOrder = options.strictTurnOrder ?? true

  const server = await startLoopbackServer(async (request, response, closing) => {
    const path = new URL(request.url ?? '/', 'http://fake').pathname
    const parsed = parseJsonObject(await readBodyText(request))
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path,
      headers: flattenHeaders(request.headers),
      body: (parsed ?? {}) as RequestBody,
      receivedAt: Date.now()
    }
    requests.push(recorded)

    const requestId = fakeId('req_01')
    const fail = (status: number, type: string, message: string, headers: Record<string, string> = {}) =>
      sendJson(response, status, anthropicErrorBody(type, message, requestId), { 'request-id': requestId, ...headers })
    const succeed = (body: unknown) => sendJson(response, 200, body, { 'request-id': requestId })

    const route = routeOf(recorded.method, path)
    if (!route) return fail(404, 'not_found_error', 'Not found')
    const authProblem = authenticationProblem(recorded.headers, options.apiKey)
    if (authProblem) return fail(401, 'authentication_error', authProblem)
    const versionProblem = apiVersionProblem(recorded.headers['anthropic-version'])
    if (versionProblem) return fail(400, 'invalid_request_error', versionProblem)

    if (route.name === 'list-models') {
      const data = knownModels.map(modelInfo)
      return succeed({ data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null })
    }
    if (route.name === 'get-model') {
      const id = decodeURIComponent(route.modelId)
      return knownModels.includes(id) ? succeed(modelInfo(id)) : fail(404, 'not_found_error', `model: ${id}`)
    }

    if (!parsed) return fail(400, 'invalid_request_error', 'The request body is not valid JSON.')
    const problem = validateMessagesRequest(parsed, { requireMaxTokens: route.name === 'create', strictTurnOrder })
    if (problem) return fail(400, 'invalid_request_error', problem)
    const model = parsed['model'] as string
    if (!knownModels.includes(model)) return fail(404, 'not_found_error', `model: ${model}`)

    if (route.name === 'count-tokens') {
      return succeed({ input_tokens: estimateInputTokens(parsed) })
    }

    // max_tokens 0 warms the cache without running the model, so it takes no scripted turn.
    const turn = parsed['max_tokens'] === 0 ? CACHE_WARMING_TURN : queue.take(recorded)
    if (!turn) {
      // A test bug, not an API condition: x-should-retry keeps the SDK from retrying it.
      const message = `Fake Messages API: no scripted turn left for request #${requests.length} (${path})`
      return fail(500, 'api_error', message, { 'x-should-retry': 'false' })
    }
    const account = () => cache.account(model, promptSegments(parsed))
    await answerWithTurn(turn, { parsed, model, response, closing, requestId, fail, succeed, account })
  }, options.port)

  return {
    url: server.origin,
    script: (...turns) => queue.push(turns),
    get pendingTurns() {
      return queue.pending
    },
    requests,
    cacheStats: cache.stats,
    close: () => server.close()
  }
}

interface TurnContext {
  parsed: Record<string, unknown>
  model: string
  response: http.ServerResponse
  closing: AbortSignal
  requestId: string
  fail(status: number, type: string, message: string, headers?: Record<string, string>): void
  succeed(body: unknown): void
  /** Measures caching for this request; call once, when the reply starts. */
  account(): ReturnType<PromptCache['account']>
}

async function answerWithTurn(turn: StaticTurn, context: TurnContext): Promise<void> {
  const streaming = context.parsed['stream'] === true
  switch (turn.type) {
    case 'error': {
      const defaults = defaultErrorFor(turn.status)
      const headers: Record<string, string> =
        turn.retryAfterSeconds === undefined ? {} : { 'retry-after': String(turn.retryAfterSeconds) }
      return context.fail(turn.status, turn.errorType ?? defaults.type, turn.message ?? defaults.message, headers)
    }
    case 'hang':
      return whenGone(context.response, context.closing)
    case 'stream-error': {
      const error = { type: turn.errorType, message: defaultErrorFor(statusForErrorType(turn.errorType)).message }
      if (!streaming) return context.fail(statusForErrorType(turn.errorType), error.type, error.message)
      const message = buildMessage({
        model: context.model,
        content: [],
        stopReason: 'end_turn',
        usage: fullUsage(context.account(), 1)
      })
      const writer = new SseWriter(context.response, context.closing, { 'request-id': context.requestId })
      await streamThenFail(writer, message, turn.afterText, error, { chunkDelayMs: 0, textChunks: DEFAULT_TEXT_CHUNKS })
      return writer.end()
    }
    case 'message': {
      const content = scriptedContent(turn.content)
      const message = buildMessage({
        model: context.model,
        content,
        stopReason: turn.stopReason ?? defaultStopReason(content),
        usage: fullUsage(context.account(), outputTokens(content))
      })
      if (!streaming) return context.succeed(message)
      const writer = new SseWriter(context.response, context.closing, { 'request-id': context.requestId })
      await streamMessage(writer, message, {
        chunkDelayMs: turn.chunkDelayMs ?? 0,
        textChunks: turn.textChunks ?? DEFAULT_TEXT_CHUNKS
      })
      return writer.end()
    }
  }
}

type Route = { name: 'create' | 'count-tokens' | 'list-models' } | { name: 'get-model'; modelId: string }

function routeOf(method: string, path: string): Route | undefined {
  if (method === 'POST' && path === '/v1/messages') return { name: 'create' }
  if (method === 'POST' && path === '/v1/messages/count_tokens') return { name: 'count-tokens' }
  if (method === 'GET' && path === '/v1/models') return { name: 'list-models' }
  const model = method === 'GET' ? /^\/v1\/models\/([^/]+)$/.exec(path) : null
  if (model?.[1]) return { name: 'get-model', modelId: model[1] }
  return undefined
}

/**
 * The SDK sends the key as `Authorization: Bearer`; `x-api-key` is accepted too and wins when both
 * are present, as the API does.
 */
function authenticationProblem(headers: Record<string, string>, expectedKey: string | undefined): string | undefined {
  const bearer = /^Bearer (.+)$/i.exec(headers['authorization'] ?? '')?.[1]
  const presented = headers['x-api-key'] ?? bearer
  if (!presented) return 'x-api-key or Authorization: Bearer header is required'
  if (expectedKey !== undefined && presented !== expectedKey) return 'invalid x-api-key'
  return undefined
}

function apiVersionProblem(version: string | undefined): string | undefined {
  if (!version) return 'anthropic-version: header is required'
  if (!SUPPORTED_API_VERSIONS.includes(version)) return `anthropic-version: "${version}" is not a valid version`
  return undefined
}

/** Estimated input tokens of a request body, as the fake counts them (for assertions). */
export function estimateInputTokens(body: Record<string, unknown>): number {
  return promptSegments(body).reduce((sum, segment) => sum + segment.tokens, 0)
}
