import { flattenHeaders, isPlainObject, parseJsonObject, readBodyText, sendJson, startLoopbackServer, whenGone } from './http.ts'
import { buildCompletion, completionBody, streamCompletion, streamThenFail, type FinishReason } from './openaiResponse.ts'
import { ScriptQueue, type ScriptedBlock } from './script.ts'
import { SseWriter } from './sse.ts'
import { estimateTokens } from './tokens.ts'

/**
 * A scripted OpenAI-compatible chat server, standing in for a local model (Ollama, LM Studio,
 * llama.cpp server): POST /v1/chat/completions, streaming or not, and GET /v1/models.
 */

export interface FakeOpenAiServerOptions {
  port?: number
  /** When set, requests must send `Authorization: Bearer <apiKey>` (local servers usually ask none). */
  apiKey?: string
  /** Other models get 404 model_not_found. Unset: any model is served, and /v1/models lists 'local-model'. */
  knownModels?: string[]
}

export interface FakeOpenAiServer {
  /** Base URL including /v1, as OpenAI-compatible clients take it (e.g. http://127.0.0.1:1234/v1). */
  url: string
  script(...turns: OpenAiScriptedTurn[]): void
  readonly pendingTurns: number
  requests: OpenAiRecordedRequest[]
  close(): Promise<void>
}

export interface OpenAiRecordedRequest {
  method: string
  path: string
  headers: Record<string, string>
  body: Record<string, unknown>
  receivedAt: number
}

export type OpenAiScriptedTurn =
  | {
      type: 'message'
      /** Texts are joined into `content`; tool_use blocks become `tool_calls`. */
      content: ScriptedBlock[]
      /** Default: tool_calls when there are tool calls, else stop. */
      finishReason?: FinishReason
      chunkDelayMs?: number
      textChunks?: number
    }
  | { type: 'error'; status: number; message?: string; errorType?: string }
  /** Streams `afterText`, then an `{ error }` data frame, and ends the stream. */
  | { type: 'stream-error'; afterText?: string; message?: string }
  | { type: 'hang' }
  | ((request: OpenAiRecordedRequest) => OpenAiScriptedTurn)

type StaticTurn = Exclude<OpenAiScriptedTurn, (request: OpenAiRecordedRequest) => OpenAiScriptedTurn>

const DEFAULT_TEXT_CHUNKS = 4

export async function startFakeOpenAiServer(options: FakeOpenAiServerOptions = {}): Promise<FakeOpenAiServer> {
  const requests: OpenAiRecordedRequest[] = []
  const queue = new ScriptQueue<StaticTurn, OpenAiRecordedRequest>()

  const server = await startLoopbackServer(async (request, response, closing) => {
    const path = new URL(request.url ?? '/', 'http://fake').pathname
    const parsed = parseJsonObject(await readBodyText(request))
    const recorded: OpenAiRecordedRequest = {
      method: request.method ?? 'GET',
      path,
      headers: flattenHeaders(request.headers),
      body: parsed ?? {},
      receivedAt: Date.now()
    }
    requests.push(recorded)
    const fail = (status: number, message: string, type = 'invalid_request_error', code: string | null = null) =>
      sendJson(response, status, { error: { message, type, param: null, code } })

    if (options.apiKey !== undefined && recorded.headers['authorization'] !== `Bearer ${options.apiKey}`) {
      return fail(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key')
    }
    if (recorded.method === 'GET' && path === '/v1/models') {
      const ids = options.knownModels ?? ['local-model']
      const data = ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'organization_owner' }))
      return sendJson(response, 200, { object: 'list', data })
    }
    if (recorded.method !== 'POST' || path !== '/v1/chat/completions') {
      return fail(404, `Unknown route ${recorded.method} ${path}`, 'not_found_error')
    }

    if (!parsed) return fail(400, 'The request body is not valid JSON.')
    const problem = chatRequestProblem(parsed)
    if (problem) return fail(400, problem)
    const model = parsed['model'] as string
    if (options.knownModels && !options.knownModels.includes(model)) {
      return fail(404, `The model \`${model}\` does not exist.`, 'invalid_request_error', 'model_not_found')
    }

    const turn = queue.take(recorded)
    if (!turn) return fail(500, `Fake OpenAI server: no scripted turn left for request #${requests.length}`, 'server_error')
    if (turn.type === 'error') return fail(turn.status, turn.message ?? 'Scripted error', turn.errorType ?? 'server_error')
    if (turn.type === 'hang') return whenGone(response, closing)

    const streaming = parsed['stream'] === true
    const promptTokens = estimateTokens(parsed['messages'])
    const pacing = {
      chunkDelayMs: turn.type === 'message' ? (turn.chunkDelayMs ?? 0) : 0,
      textChunks: turn.type === 'message' ? (turn.textChunks ?? DEFAULT_TEXT_CHUNKS) : DEFAULT_TEXT_CHUNKS,
      includeUsage: isPlainObject(parsed['stream_options']) && parsed['stream_options']['include_usage'] === true
    }

    if (turn.type === 'stream-error') {
      const message = turn.message ?? 'model runner has unexpectedly stopped'
      if (!streaming) return fail(500, message, 'server_error')
      const completion = buildCompletion({ model, content: [{ type: 'text', text: turn.afterText ?? '' }], finishReason: undefined, promptTokens })
      const writer = new SseWriter(response, closing)
      await streamThenFail(writer, completion, message, pacing)
      return writer.end()
    }

    const completion = buildCompletion({ model, content: turn.content, finishReason: turn.finishReason, promptTokens })
    if (!streaming) return sendJson(response, 200, completionBody(completion))
    const writer = new SseWriter(response, closing)
    await streamCompletion(writer, completion, pacing)
    writer.end()
  }, options.port)

  return {
    url: `${server.origin}/v1`,
    script: (...turns) => queue.push(turns),
    get pendingTurns() {
      return queue.pending
    },
    requests,
    close: () => server.close()
  }
}

const CHAT_ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool'])

function chatRequestProblem(body: Record<string, unknown>): string | undefined {
  if (typeof body['model'] !== 'string' || body['model'] === '') return "'model' is a required property"
  const messages = body['messages']
  if (!Array.isArray(messages) || messages.length === 0) return "'messages' must be a non-empty array"
  for (const [index, message] of messages.entries()) {
    if (!isPlainObject(message) || !CHAT_ROLES.has(String(message['role']))) return `messages[${index}].role is invalid`
    if (message['role'] === 'tool' && typeof message['tool_call_id'] !== 'string') return `messages[${index}].tool_call_id is required`
  }
  return undefined
}
