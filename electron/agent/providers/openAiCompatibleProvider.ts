import { createLogger, type Logger } from '../../../shared/log.ts'
import {
  abortedError,
  fromLocalFetchError,
  fromLocalHttpStatus,
  fromLocalStreamError,
  interrupted,
  localNotConfigured,
  ModelError,
  type LocalErrorContext
} from './modelErrors.ts'
import { buildChatBody } from './openAiMessages.ts'
import { ChatTurnAssembler, type ChatChunk } from './openAiTurn.ts'
import { DEFAULT_RETRY_POLICY, realSleep, withRetries, type RetryPolicy, type Sleep } from './retry.ts'
import { sseData } from './sseData.ts'
import type { ConnectionCheck, ModelEventListener, ModelProvider, ModelRequest, ModelStreamEvent, ModelTurn } from './types.ts'

/**
 * A local model behind an OpenAI-compatible endpoint (Ollama, LM Studio, llama.cpp server), for the
 * private assistant offline: streamed `/chat/completions` over plain fetch.
 */

export interface OpenAiCompatibleProviderOptions {
  /** Including /v1, e.g. http://127.0.0.1:11434/v1 (Ollama) or http://127.0.0.1:1234/v1 (LM Studio). */
  baseURL: string
  /** Local servers usually need none. */
  apiKey?: string | undefined
  /** The model to serve when a request names none, e.g. `qwen3:8b`. */
  model: string
  /** Retries after the first attempt (default 2). A server that is not running is not retried. */
  maxRetries?: number | undefined
  fetch?: typeof fetch | undefined
  sleep?: Sleep | undefined
  random?: (() => number) | undefined
  log?: Logger | undefined
}

const LOCAL_RETRY_POLICY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, maxRetries: 2, baseDelayMs: 500, maxDelayMs: 5000 }

export function createOpenAiCompatibleProvider(options: OpenAiCompatibleProviderOptions): ModelProvider {
  if (!isHttpUrl(options.baseURL)) throw localNotConfigured('endpoint')
  const baseURL = options.baseURL.trim().replace(/\/+$/, '')
  const log = options.log ?? createLogger({ scope: 'models.local' })
  const fetchImpl = options.fetch ?? globalThis.fetch
  const policy: RetryPolicy = { ...LOCAL_RETRY_POLICY, ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }) }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {})
  }

  /** One request; `emit` marks content as shown, after which a failure is not retried. */
  async function streamOnce(request: ModelRequest, context: LocalErrorContext, emit: (event: ModelStreamEvent) => void, shown: () => boolean) {
    const { signal } = request
    let response: Response
    try {
      const body = JSON.stringify(buildChatBody(request, context.model))
      response = await fetchImpl(`${baseURL}/chat/completions`, { method: 'POST', headers, body, ...(signal ? { signal } : {}) })
    } catch (error) {
      throw fromLocalFetchError(error, context, signal)
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '')
      throw fromLocalHttpStatus(response.status, text, context, response.headers)
    }
    if (!response.body) throw new ModelError('server-error', 'the local model server sent an empty reply', LOCAL_URL_HINT)

    const turn = new ChatTurnAssembler(context.model, emit, log)
    let done = false
    try {
      for await (const data of sseData(response.body)) {
        if (data === '[DONE]') {
          done = true
          break
        }
        const chunk = parseChunk(data)
        if (chunk.error !== undefined) throw fromLocalStreamError(chunk.error)
        turn.add(chunk)
      }
      if (!done && !turn.finished) {
        const message = `the local model server at ${baseURL} closed the stream before the reply was complete`
        throw new ModelError('unreachable', message, "check the server's log; the model may have crashed")
      }
    } catch (error) {
      const mapped = error instanceof ModelError ? error : fromLocalFetchError(error, context, signal)
      // Retrying after text was shown would show it twice.
      throw shown() && mapped.retryable ? interrupted(mapped, 'the local model') : mapped
    }
    return turn.finish()
  }

  return {
    kind: 'openai-compatible',

    async streamTurn(request: ModelRequest, onEvent: ModelEventListener = () => {}): Promise<ModelTurn> {
      if (request.signal?.aborted) throw abortedError(request.signal.reason)
      const model = request.model || options.model
      if (!model) throw localNotConfigured('model')
      const context: LocalErrorContext = { baseURL, model }
      let contentShown = false
      const emit = (event: ModelStreamEvent) => {
        contentShown = true
        onEvent(event)
      }
      return withRetries(() => streamOnce(request, context, emit, () => contentShown), {
        policy,
        sleep: options.sleep ?? realSleep,
        random: options.random,
        signal: request.signal,
        onRetry: onEvent,
        log
      })
    },

    async testConnection(model?: string): Promise<ConnectionCheck> {
      const context: LocalErrorContext = { baseURL, model: model ?? options.model }
      let response: Response
      try {
        response = await fetchImpl(`${baseURL}/models`, { headers })
      } catch (error) {
        throw fromLocalFetchError(error, context)
      }
      const text = await response.text().catch(() => '')
      if (!response.ok) throw fromLocalHttpStatus(response.status, text, context, response.headers)
      const models = modelIdsOf(text)
      if (models === undefined) {
        throw new ModelError('not-configured', `${baseURL}/models did not answer with a model list`, LOCAL_URL_HINT)
      }
      const wanted = context.model
      // Ollama also serves `name` as `name:latest`.
      if (wanted && models.length > 0 && !models.includes(wanted) && !models.includes(`${wanted}:latest`)) {
        throw fromLocalHttpStatus(404, JSON.stringify({ error: { message: 'model not found', code: 'model_not_found' } }), context)
      }
      return { ok: true, models }
    }
  }
}

const LOCAL_URL_HINT = 'check the endpoint URL in Settings; it usually ends in /v1'

function parseChunk(data: string): ChatChunk & { error?: unknown } {
  try {
    const parsed = JSON.parse(data) as unknown
    if (typeof parsed === 'object' && parsed !== null) return parsed as ChatChunk & { error?: unknown }
  } catch {
    // reported below
  }
  const message = `the local model server sent something that is not JSON: ${data.slice(0, 120)}`
  throw new ModelError('server-error', message, LOCAL_URL_HINT, { retryable: false })
}

function modelIdsOf(text: string): string[] | undefined {
  try {
    const { data } = JSON.parse(text) as { data?: unknown }
    if (!Array.isArray(data)) return undefined
    return data.flatMap((entry: { id?: unknown } | null) => (typeof entry?.id === 'string' ? [entry.id] : []))
  } catch {
    return undefined
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value.trim())
    return protocol === 'http:' || protocol === 'https:'
  } catch {
    return false
  }
}
