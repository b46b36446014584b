import { isCommonsError, ValidationError } from '../../../shared/errors.ts'
import type { CoworkerBudgets } from '../../../shared/model/types.ts'
import { defaultBudgets } from '../../../shared/operations/coworkers.ts'
import type { ToolAccess, ToolCatalogEntry } from '../../../shared/toolCatalog.ts'

/** The coworker form's logic, as pure functions: tool groups, model choices, budgets, channel changes. */

export interface ToolGroup {
  access: ToolAccess
  title: string
  description: string
  tools: Array<ToolCatalogEntry & { checked: boolean }>
  /** How many of the group's tools are checked. */
  checked: number
}

/** The catalog in two groups, read then write, each tool with whether it is in `selected`. */
export function toolGroups(catalog: readonly ToolCatalogEntry[], selected: Iterable<string>): ToolGroup[] {
  const chosen = new Set(selected)
  const group = (access: ToolAccess, title: string, description: string): ToolGroup => {
    const tools = catalog.filter((tool) => tool.access === access).map((tool) => ({ ...tool, checked: chosen.has(tool.name) }))
    return { access, title, description, tools, checked: tools.filter((tool) => tool.checked).length }
  }
  return [
    group('read', 'Reads', 'Look things up in the workspace. Nothing changes.'),
    group('write', 'Writes', 'Change the workspace: documents, trackers, memory, messages.')
  ]
}

/** Tool names in catalog order (unknown names, which the operation refuses, are kept at the end). */
export function orderedToolset(catalog: readonly ToolCatalogEntry[], selected: Iterable<string>): string[] {
  const chosen = new Set(selected)
  const known = catalog.filter((tool) => chosen.has(tool.name)).map((tool) => tool.name)
  return [...known, ...[...chosen].filter((name) => !known.includes(name))]
}

export interface ModelChoice {
  /** '' is the workspace default. */
  value: string
  label: string
  description: string
}

export const recommendedModel = 'claude-sonnet-5-5'

/** The models a coworker can be given; the empty value follows this device's default model. */
export const modelChoices: readonly ModelChoice[] = [
  { value: 'claude-sonnet-5-5', label: 'claude-sonnet-5-5', description: 'Balanced speed, quality and cost. Recommended.' },
  { value: 'claude-opus-5-5', label: 'claude-opus-5-5', description: 'Most capable, for hard research and writing. Costs more.' },
  { value: 'claude-haiku-5-5', label: 'claude-haiku-5-5', description: 'Fastest and cheapest, for simple lookups and summaries.' },
  { value: '', label: 'Workspace default', description: 'Whatever model this device’s settings pick.' }
]

/** Choices for a coworker whose model may be none of the current ones (kept, so editing does not change it). */
export function modelChoicesFor(current: string): ModelChoice[] {
  if (modelChoices.some((choice) => choice.value === current)) return [...modelChoices]
  return [...modelChoices, { value: current, label: current, description: 'Set elsewhere (the command line or an older version).' }]
}

const retiring: Array<{ pattern: RegExp; date: string; replacement: string }> = [{ pattern: /^claude-sonnet-4-5(-\d{8})?$/, date: '2026-11-30', replacement: 'claude-sonnet-5-5' }]

/** A warning for a model that is being retired, or null. */
export function modelWarning(model: string): string | null {
  const match = retiring.find((entry) => entry.pattern.test(model.trim()))
  if (match === undefined) return null
  return `${model.trim()} reaches end of life on ${match.date}; after that, tasks on it fail. Switch to ${match.replacement}.`
}

export type BudgetField = keyof CoworkerBudgets

export const budgetFields: ReadonlyArray<{ field: BudgetField; label: string; hint: string; step: string; min: number; max: number; integer: boolean }> = [
  { field: 'maxTurnsPerTask', label: 'Turns per task', hint: 'Model round trips in one task', step: '1', min: 1, max: 200, integer: true },
  { field: 'maxOutputTokensPerTask', label: 'Output tokens per task', hint: 'What it may write in one task', step: '1000', min: 256, max: 1_000_000, integer: true },
  { field: 'maxSpendPerTaskUsd', label: 'Spend per task (US$)', hint: 'Estimated, from token prices', step: '0.5', min: 0.01, max: 1_000, integer: false },
  { field: 'maxSpendPerDayUsd', label: 'Spend per day (US$)', hint: 'All its tasks in one UTC day', step: '1', min: 0.01, max: 10_000, integer: false }
]

export type BudgetDraft = Record<BudgetField, string>

export function budgetDraft(budgets: CoworkerBudgets = defaultBudgets): BudgetDraft {
  return {
    maxTurnsPerTask: String(budgets.maxTurnsPerTask),
    maxOutputTokensPerTask: String(budgets.maxOutputTokensPerTask),
    maxSpendPerTaskUsd: String(budgets.maxSpendPerTaskUsd),
    maxSpendPerDayUsd: String(budgets.maxSpendPerDayUsd)
  }
}

/** The typed budgets, or what is wrong with each field (in the same ranges the operation checks). */
export function parseBudgets(draft: BudgetDraft): { budgets: CoworkerBudgets | null; errors: Partial<Record<BudgetField, string>> } {
  const errors: Partial<Record<BudgetField, string>> = {}
  const values: Partial<CoworkerBudgets> = {}
  for (const { field, min, max, integer } of budgetFields) {
    const text = draft[field].trim().replace(/^\$/, '').replace(/,/g, '')
    const value = Number(text)
    if (text === '' || !Number.isFinite(value)) errors[field] = 'Enter a number'
    else if (integer && !Number.isInteger(value)) errors[field] = 'Enter a whole number'
    else if (value < min) errors[field] = `Must be at least ${min.toLocaleString('en-US')}`
    else if (value > max) errors[field] = `Must be at most ${max.toLocaleString('en-US')}`
    else values[field] = value
  }
  return Object.keys(errors).length === 0 ? { budgets: values as CoworkerBudgets, errors } : { budgets: null, errors }
}

/** Which channels to add the coworker to and take it out of. */
export function channelChanges(before: Iterable<string>, after: Iterable<string>): { add: string[]; remove: string[] } {
  const was = new Set(before)
  const is = new Set(after)
  return { add: [...is].filter((id) => !was.has(id)), remove: [...was].filter((id) => !is.has(id)) }
}

/**
 * An operation's ValidationError as problems per form field (`name`, `purpose`, `budgets.maxTurnsPerTask`),
 * with the rest under '' for a notice above the buttons. Null for any other error.
 */
export function fieldProblems(error: unknown): Record<string, string> | null {
  if (!(error instanceof ValidationError) && !(isCommonsError(error) && 'problems' in error)) return null
  const problems: Record<string, string> = {}
  for (const { field, problem } of (error as ValidationError).problems) {
    const text = problem.charAt(0).toUpperCase() + problem.slice(1)
    problems[field] = problems[field] === undefined ? text : `${problems[field]}; ${text}`
  }
  return problems
}

/** US dollars as a budget or a cost reads: `$0.042`, `$1.20`, `$12`. */
export function formatUsd(amount: number): string {
  if (amount === 0) return '$0'
  if (amount < 0.01) return `$${amount.toFixed(4)}`
  if (amount < 1) return `$${amount.toFixed(3)}`
  if (Number.isInteger(amount)) return `$${amount.toLocaleString('en-US')}`
  return `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
}
