import Anthropic, { type ClientOptions } from '@anthropic-ai/sdk'
import type { MessageCreateParamsBase } from '@anthropic-ai/sdk/resources/messages'
import { createLogger, type Logger } from '../../../shared/log.ts'
import { buildMessagesParams, toModelTurn } from './anthropicRequest.ts'
import { abortedError, anthropicNotConfigured, fromAnthropicError, interrupted } from './modelErrors.ts'
import { modelWarning } from './models.ts'
import { DEFAULT_RETRY_POLICY, realSleep, withRetries, type RetryPolicy, type Sleep } from './retry.ts'
import type { ConnectionCheck, ModelEventListener, ModelProvider, ModelRequest, ModelStreamEvent, ModelTurn } from './types.ts'

export { resolveAnthropicConfig, type AnthropicConfig, type AnthropicConfigSources } from './anthropicConfig.ts'

/** Claude through the official SDK: streaming, tool use, prompt caching (see anthropicRequest.ts), retries, abort. */

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com'

export interface AnthropicProviderOptions {
  apiKey: string
  /** Default https://api.anthropic.com (the environment is not read here; see resolveAnthropicConfig). */
  baseURL?: string | undefined
  /** Retries after the first attempt (default 3). */
  maxRetries?: number | undefined
  /** Finer control of the backoff; `maxRetries` wins over `retryPolicy.maxRetries`. */
  retryPolicy?: Partial<RetryPolicy> | undefined
  /** Per-request timeout of the SDK (default: the SDK's, 10 minutes). */
  timeoutMs?: number | undefined
  /** Builds the SDK client; tests and callers that wrap the client pass their own. */
  createClient?: ((options: ClientOptions) => Anthropic) | undefined
  sleep?: Sleep | undefined
  /** Jitter source for backoff, in [0, 1). */
  random?: (() => number) | undefined
  log?: Logger | undefined
}

export function createAnthropicProvider(options: AnthropicProviderOptions): ModelProvider {
  if (!options.apiKey.trim()) throw anthropicNotConfigured()
  const baseURL = options.baseURL ?? ANTHROPIC_DEFAULT_BASE_URL
  const log = options.log ?? createLogger({ scope: 'models.anthropic' })
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY_POLICY,
    ...options.retryPolicy,
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries })
  }
  const createClient = options.createClient ?? ((clientOptions: ClientOptions) => new Anthropic(clientOptions))
  // The SDK's own retries are off: retry.ts retries, so each retry reaches the UI and stream errors are covered too.
  const client = createClient({
    apiKey: options.apiKey,
    baseURL,
    maxRetries: 0,
    logger: sdkLogger(log),
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs })
  })
  const warnedModels = new Set<string>()

  function warnIfRetiring(model: string): void {
    const warning = modelWarning(model)
    if (warning === undefined || warnedModels.has(model)) return
    warnedModels.add(model)
    log.warn(warning, { model })
  }

  return {
    kind: 'anthropic',

    async streamTurn(request: ModelRequest, onEvent: ModelEventListener = () => {}): Promise<ModelTurn> {
      warnIfRetiring(request.model)
      if (request.signal?.aborted) throw abortedError(request.signal.reason)
      const params = buildMessagesParams(request)
      const context = { baseURL, model: request.model }
      let contentShown = false

      return withRetries(
        async () => {
          const attempt = new StreamAttempt(onEvent, () => (contentShown = true))
          try {
            return await attempt.run(client, params, request.signal)
          } catch (error) {
            if (attempt.listenerError !== undefined) throw attempt.listenerError
            const mapped = fromAnthropicError(error, context)
            // Retrying after text was shown would show it twice.
            throw contentShown && mapped.retryable ? interrupted(mapped, 'Claude') : mapped
          }
        },
        { policy, sleep: options.sleep ?? realSleep, random: options.random, signal: request.signal, onRetry: onEvent, log }
      )
    },

    async testConnection(model?: string): Promise<ConnectionCheck> {
      try {
        const models: string[] = []
        for await (const info of client.models.list()) models.push(info.id)
        if (model !== undefined) await client.models.retrieve(model)
        const warning = model === undefined ? undefined : modelWarning(model)
        return { ok: true, models, ...(warning === undefined ? {} : { warning }) }
      } catch (error) {
        throw fromAnthropicError(error, { baseURL, ...(model === undefined ? {} : { model }) })
      }
    }
  }
}

/** One streamed request: forwards text and tool calls as they arrive and resolves with the final turn. */
class StreamAttempt {
  /** A listener that threw: the stream is stopped and this is rethrown as it is. */
  listenerError: unknown

  constructor(
    private readonly onEvent: ModelEventListener,
    private readonly onContent: () => void
  ) {}

  async run(client: Anthropic, params: MessageCreateParamsBase, signal: AbortSignal | undefined): Promise<ModelTurn> {
    const stream = client.messages.stream(params, signal ? { signal } : undefined)
    const emit = (event: ModelStreamEvent) => {
      if (this.listenerError !== undefined) return
      this.onContent()
      try {
        this.onEvent(event)
      } catch (error) {
        this.listenerError = error
        stream.abort()
      }
    }
    stream.on('streamEvent', (event) => {
      if (event.type === 'content_block_start' && event.content_block.type === 'tool_use') {
        emit({ type: 'tool_call', phase: 'started', id: event.content_block.id, name: event.content_block.name })
      } else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        emit({ type: 'text', text: event.delta.text })
      }
    })
    stream.on('contentBlock', (block) => {
      if (block.type !== 'tool_use') return
      emit({ type: 'tool_call', phase: 'finished', id: block.id, name: block.name, input: block.input })
    })
    const message = await stream.finalMessage()
    return toModelTurn(message, stream.request_id)
  }
}

/** The SDK's log lines, through the app's logger (the SDK would write to the console). */
function sdkLogger(log: Logger): NonNullable<ClientOptions['logger']> {
  const forward =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, ...rest: unknown[]) =>
      log[level](String(message), rest.length > 0 ? { details: rest } : undefined)
  return { debug: forward('debug'), info: forward('info'), warn: forward('warn'), error: forward('error') }
}
