import type { CoworkerBudgets, TaskUsage } from '../../../shared/model/types.ts'
import type { RunBudgets } from '../../agent/protocol.ts'
import { formatUsd } from '../../agent/runBudget.ts'

/**
 * The budgets of one run of a coworker task: its per-task limits, less what earlier tries of the same
 * task already used (a run retried after the agent process died), and a spend cap that is the smaller of
 * the per-task limit and what is left of the coworker's daily limit today (UTC).
 */

export type RunAllowance =
  | { allowed: true; budgets: RunBudgets; /** Output tokens per model turn. */ maxOutputTokensPerTurn: number }
  | { allowed: false; reason: string }

export interface AllowanceInput {
  budgets: CoworkerBudgets
  coworkerName: string
  /** What the coworker's other tasks spent today (UTC). */
  spentTodayUsd: number
  /** What earlier tries of this task used. */
  usedByTask?: Pick<TaskUsage, 'turns' | 'outputTokens' | 'estimatedCostUsd'>
  /** The most output tokens one model turn may produce. Default 8,192. */
  maxOutputTokensPerTurn?: number
}

/** Spend smaller than this is treated as nothing left (a run could not afford one token). */
const spendEpsilonUsd = 1e-6

export function runAllowance(input: AllowanceInput): RunAllowance {
  const { budgets, coworkerName } = input
  const used = input.usedByTask ?? { turns: 0, outputTokens: 0, estimatedCostUsd: 0 }
  const leftToday = budgets.maxSpendPerDayUsd - input.spentTodayUsd
  if (leftToday <= spendEpsilonUsd) {
    return {
      allowed: false,
      reason:
        `${coworkerName} reached its daily spend limit of ${formatUsd(budgets.maxSpendPerDayUsd)} ` +
        `(about ${formatUsd(input.spentTodayUsd)} spent today, UTC); it can work again after midnight UTC, ` +
        'or raise the daily limit in its settings'
    }
  }
  const turns = budgets.maxTurnsPerTask - used.turns
  if (turns < 1) return { allowed: false, reason: `stopped after ${used.turns} model turns, the limit per task` }
  const outputTokens = budgets.maxOutputTokensPerTask - used.outputTokens
  if (outputTokens < 1) {
    return { allowed: false, reason: `stopped after ${used.outputTokens} output tokens, the limit per task is ${budgets.maxOutputTokensPerTask}` }
  }
  const taskLeft = budgets.maxSpendPerTaskUsd - used.estimatedCostUsd
  if (taskLeft <= spendEpsilonUsd) {
    return { allowed: false, reason: `stopped at about ${formatUsd(used.estimatedCostUsd)} of model use, the limit per task is ${formatUsd(budgets.maxSpendPerTaskUsd)}` }
  }
  return {
    allowed: true,
    budgets: { maxTurns: turns, maxOutputTokens: outputTokens, maxCostUsd: Math.min(taskLeft, leftToday) },
    maxOutputTokensPerTurn: Math.min(input.maxOutputTokensPerTurn ?? 8_192, outputTokens)
  }
}
