import type { Anthropic, ClientOptions } from '@anthropic-ai/sdk'
import type { Logger } from '../../../shared/log.ts'
import { createAnthropicProvider } from './anthropicProvider.ts'
import { createOpenAiCompatibleProvider } from './openAiCompatibleProvider.ts'
import type { Sleep } from './retry.ts'
import type { ModelProvider } from './types.ts'

/** Model providers: Claude through the Anthropic SDK, and local models behind an OpenAI-compatible endpoint. */

export type ProviderConfig =
  | { kind: 'anthropic'; apiKey: string; baseURL?: string | undefined }
  | { kind: 'openai-compatible'; baseURL: string; apiKey?: string | undefined; model: string }

/** Services a provider uses; each has a working default, and tests pass their own. */
export interface ProviderServices {
  log?: Logger
  sleep?: Sleep
  random?: () => number
  maxRetries?: number
  /** Anthropic only. */
  createClient?: (options: ClientOptions) => Anthropic
  /** OpenAI-compatible only. */
  fetch?: typeof fetch
}

/** Throws a 'not-configured' ModelError when the config lacks a key (Anthropic) or an endpoint (local). */
export function createProvider(config: ProviderConfig, services: ProviderServices = {}): ModelProvider {
  const { log, sleep, random, maxRetries, createClient, fetch } = services
  switch (config.kind) {
    case 'anthropic':
      return createAnthropicProvider({ apiKey: config.apiKey, baseURL: config.baseURL, log, sleep, random, maxRetries, createClient })
    case 'openai-compatible': {
      const { baseURL, apiKey, model } = config
      return createOpenAiCompatibleProvider({ baseURL, apiKey, model, log, sleep, random, maxRetries, fetch })
    }
  }
}

export * from './types.ts'
export { ModelError, isModelError, budgetReached, type ModelErrorReason } from './modelErrors.ts'
export { resolveAnthropicConfig, type AnthropicConfig, type AnthropicConfigSources } from './anthropicConfig.ts'
export { createAnthropicProvider, ANTHROPIC_DEFAULT_BASE_URL, type AnthropicProviderOptions } from './anthropicProvider.ts'
export { createOpenAiCompatibleProvider, type OpenAiCompatibleProviderOptions } from './openAiCompatibleProvider.ts'
export { estimateCostUsd, priceOf, MODEL_PRICES, type ModelPrice } from './pricing.ts'
export { CURRENT_MODELS, DEFAULT_MODEL, RETIRING_MODELS, modelWarning } from './models.ts'
export { DEFAULT_RETRY_POLICY, type RetryPolicy, type Sleep } from './retry.ts'
