import type { ProviderKind, TokenUsage } from './types.ts'

/**
 * What a turn costs, estimated from its token usage.
 *
 * These prices are estimates to keep current with Anthropic's price list (USD per million tokens).
 * A model not in the table is priced by its family, matched by name (opus / sonnet / haiku), and
 * anything else as Sonnet. Cache writes (5-minute entries, the only kind Commons makes) cost 1.25×
 * the input price, cache reads 0.1×. Local models cost nothing.
 */

export interface ModelPrice {
  inputPerMTok: number
  outputPerMTok: number
}

const FAMILY_PRICES = {
  opus: { inputPerMTok: 5, outputPerMTok: 25 },
  sonnet: { inputPerMTok: 3, outputPerMTok: 15 },
  haiku: { inputPerMTok: 1, outputPerMTok: 5 }
} satisfies Record<string, ModelPrice>

export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-opus-5-5': FAMILY_PRICES.opus,
  'claude-sonnet-5-5': FAMILY_PRICES.sonnet,
  'claude-haiku-5-5': FAMILY_PRICES.haiku,
  'claude-sonnet-4-5': FAMILY_PRICES.sonnet,
  'claude-haiku-4-5': FAMILY_PRICES.haiku
}

export const CACHE_WRITE_MULTIPLIER = 1.25
export const CACHE_READ_MULTIPLIER = 0.1

export function priceOf(model: string): ModelPrice {
  const listed = MODEL_PRICES[model]
  if (listed) return listed
  const family = (Object.keys(FAMILY_PRICES) as Array<keyof typeof FAMILY_PRICES>).find((name) => model.includes(name))
  return FAMILY_PRICES[family ?? 'sonnet']
}

export function estimateCostUsd(model: string, usage: TokenUsage, provider: ProviderKind = 'anthropic'): number {
  if (provider !== 'anthropic') return 0
  const { inputPerMTok, outputPerMTok } = priceOf(model)
  const inputEquivalent =
    usage.inputTokens + usage.cacheWriteTokens * CACHE_WRITE_MULTIPLIER + usage.cacheReadTokens * CACHE_READ_MULTIPLIER
  return (inputEquivalent * inputPerMTok + usage.outputTokens * outputPerMTok) / 1_000_000
}
