import { describe, expect, it } from 'vitest'
import { ReplyText } from '../../electron/agent/replyText.ts'
import { formatUsd, RunBudget } from '../../electron/agent/runBudget.ts'

// The loop's parts: how the reply's text is put together, and how budgets decide the next turn.

describe('reply text', () => {
  it('streams pieces as they come and sets blocks after a boundary apart by a blank line', () => {
    const reply = new ReplyText()
    reply.boundary()
    expect(reply.add('Let me ')).toBe('Let me ')
    expect(reply.add('check.')).toBe('check.')
    reply.boundary()
    expect(reply.add('')).toBe('')
    expect(reply.add('Done')).toBe('\n\nDone')
    expect(reply.add('.')).toBe('.')
    expect(reply.text).toBe('Let me check.\n\nDone.')
  })

  it('adds only the line breaks the text lacks', () => {
    const reply = new ReplyText()
    reply.add('A list:\n')
    reply.boundary()
    expect(reply.add('- one')).toBe('\n- one')
    reply.boundary()
    expect(reply.add('\n\nSecond part')).toBe('\n\nSecond part')
    reply.boundary()
    expect(reply.add('\nThird')).toBe('\n\nThird')
  })
})

describe('run budget', () => {
  const budgets = { maxTurns: 3, maxOutputTokens: 1000, maxCostUsd: 1 }
  const usage = (outputTokens: number, inputTokens = 0) => ({ inputTokens, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 })

  it('allows turns until the turn limit, each with the per-turn output limit', () => {
    const budget = new RunBudget({ budgets, perTurnOutputTokens: 200, model: 'claude-haiku-5-5', provider: 'anthropic' })
    for (let turn = 0; turn < 3; turn++) {
      expect(budget.nextTurn()).toEqual({ allowed: true, maxOutputTokens: 200, limitedBy: 'turn' })
      budget.record(usage(10, 100))
    }
    expect(budget.nextTurn()).toEqual({ allowed: false, reason: 'stopped after 3 model turns, the limit per task' })
    expect(budget.turns).toBe(3)
    expect(budget.usage).toEqual(usage(30, 300))
  })

  it('caps output by the tokens left, then stops', () => {
    const budget = new RunBudget({ budgets, perTurnOutputTokens: 800, model: 'claude-haiku-5-5', provider: 'anthropic' })
    budget.record(usage(700))
    expect(budget.nextTurn()).toEqual({ allowed: true, maxOutputTokens: 300, limitedBy: 'output' })
    budget.record(usage(300))
    expect(budget.nextTurn()).toEqual({ allowed: false, reason: 'stopped after 1000 output tokens, the limit per task is 1000' })
  })

  it('caps output by what the cost left pays for after the next prompt, and prices local models at nothing', () => {
    // Haiku: $1 input, $5 output per million tokens.
    const budget = new RunBudget({ budgets: { ...budgets, maxCostUsd: 0.01, maxOutputTokens: 1e6 }, perTurnOutputTokens: 4000, model: 'claude-haiku-5-5', provider: 'anthropic' })
    expect(budget.nextTurn()).toEqual({ allowed: true, maxOutputTokens: 2000, limitedBy: 'cost' })
    expect(budget.record(usage(1000, 4000))).toBeCloseTo(0.009, 10)
    // Left: $0.001, less the next prompt's least cost (5000 tokens from the cache: $0.0005): 100 output tokens.
    expect(budget.nextTurn()).toEqual({ allowed: true, maxOutputTokens: 100, limitedBy: 'cost' })
    budget.record(usage(200, 0))
    expect(budget.nextTurn()).toEqual({ allowed: false, reason: 'stopped at about $0.010 of model use, the limit per task is $0.010' })

    const local = new RunBudget({ budgets: { ...budgets, maxCostUsd: 0.0001 }, perTurnOutputTokens: 4000, model: '', provider: 'openai-compatible' })
    local.record(usage(900, 100_000))
    expect(local.nextTurn()).toEqual({ allowed: true, maxOutputTokens: 100, limitedBy: 'output' })
    expect(local.costUsd).toBe(0)
  })

  it('formats small amounts so they do not read as zero', () => {
    expect(formatUsd(1.234)).toBe('$1.23')
    expect(formatUsd(0.5)).toBe('$0.50')
    expect(formatUsd(0)).toBe('$0.00')
    expect(formatUsd(0.0123)).toBe('$0.012')
    expect(formatUsd(0.00034)).toBe('$0.00034')
  })
})
