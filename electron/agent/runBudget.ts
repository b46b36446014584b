import type { RunBudgets } from './protocol.ts'
import { estimateCostUsd } from './providers/pricing.ts'
import { emptyUsage, type ProviderKind, type TokenUsage } from './providers/types.ts'

/**
 * The limits of one run: model turns, output tokens and estimated cost. The loop asks before each turn
 * whether it may start and how many output tokens it may spend; a turn never starts once a limit is
 * reached, and its output is capped so that it cannot run past the output or cost limit by much.
 */

/** What capped the next turn's output: the per-turn limit of the request, or one of the run's budgets. */
export type OutputLimit = 'turn' | 'output' | 'cost'

export type NextTurn = { allowed: true; maxOutputTokens: number; limitedBy: OutputLimit } | { allowed: false; reason: string }

export interface RunBudgetOptions {
  budgets: RunBudgets
  /** The run's per-turn output limit (`maxOutputTokens` of the run message). */
  perTurnOutputTokens: number
  /** Model and provider, to price usage (local models cost nothing). */
  model: string
  provider: ProviderKind
}

export class RunBudget {
  turns = 0
  readonly usage: TokenUsage = emptyUsage()
  costUsd = 0
  /** The least the next turn's prompt can cost: the last prompt and reply, as if all read from the cache. */
  #promptFloorUsd = 0

  constructor(private readonly options: RunBudgetOptions) {}

  /** Whether another turn may start, and with how many output tokens at most. */
  nextTurn(): NextTurn {
    const { budgets, perTurnOutputTokens } = this.options
    if (this.turns >= budgets.maxTurns) {
      return { allowed: false, reason: `stopped after ${plural(this.turns, 'model turn')}, the limit per task` }
    }
    const outputLeft = budgets.maxOutputTokens - this.usage.outputTokens
    if (outputLeft <= 0) return { allowed: false, reason: this.reasonFor('output') }
    const affordable = this.#affordableOutputTokens()
    if (affordable < 1) return { allowed: false, reason: this.reasonFor('cost') }

    let maxOutputTokens = perTurnOutputTokens
    let limitedBy: OutputLimit = 'turn'
    if (outputLeft < maxOutputTokens) [maxOutputTokens, limitedBy] = [outputLeft, 'output']
    if (affordable < maxOutputTokens) [maxOutputTokens, limitedBy] = [affordable, 'cost']
    return { allowed: true, maxOutputTokens, limitedBy }
  }

  /** Counts a finished turn; returns its estimated cost. */
  record(usage: TokenUsage): number {
    const { model, provider } = this.options
    const cost = estimateCostUsd(model, usage, provider)
    this.turns += 1
    this.usage.inputTokens += usage.inputTokens
    this.usage.outputTokens += usage.outputTokens
    this.usage.cacheReadTokens += usage.cacheReadTokens
    this.usage.cacheWriteTokens += usage.cacheWriteTokens
    this.costUsd += cost
    const carried = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens + usage.outputTokens
    this.#promptFloorUsd = estimateCostUsd(model, { ...emptyUsage(), cacheReadTokens: carried }, provider)
    return cost
  }

  /** Why a turn capped by `limit` ended at its output limit, or why no turn may start. */
  reasonFor(limit: OutputLimit): string {
    const { budgets, perTurnOutputTokens } = this.options
    switch (limit) {
      case 'turn':
        return `the reply was cut off at ${perTurnOutputTokens} output tokens, the limit per model turn`
      case 'output':
        return `stopped after ${this.usage.outputTokens} output tokens, the limit per task is ${budgets.maxOutputTokens}`
      case 'cost':
        return `stopped at about ${formatUsd(this.costUsd)} of model use, the limit per task is ${formatUsd(budgets.maxCostUsd)}`
    }
  }

  /** Output tokens the rest of the cost budget pays for, after the next prompt's least cost. Unlimited for free models. */
  #affordableOutputTokens(): number {
    const { model, provider, budgets } = this.options
    const perToken = estimateCostUsd(model, { ...emptyUsage(), outputTokens: 1 }, provider)
    if (perToken === 0) return Number.POSITIVE_INFINITY
    const left = budgets.maxCostUsd - this.costUsd - this.#promptFloorUsd
    // A hair of slack so that float error does not turn an exact fit into one token short.
    return Math.floor(left / perToken + 1e-9)
  }
}

/** `$1.25`, and small amounts with two significant digits (`$0.00034`) so they do not read as zero. */
export function formatUsd(amount: number): string {
  if (amount >= 0.1 || amount === 0) return `$${amount.toFixed(2)}`
  const decimals = Math.min(8, Math.max(2, 1 - Math.floor(Math.log10(amount))))
  return `$${amount.toFixed(decimals)}`
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}
