import { describe, expect, it } from 'vitest'
import { runAllowance } from '../../electron/host/tasks/budgets.ts'
import { coworkerUsage, spentTodayUsd, usageByCoworker, utcDayStart } from '../../shared/operations/usage.ts'
import { rootCollections } from '../../shared/model/rootDoc.ts'
import type { TaskRecord, TaskUsage } from '../../shared/model/types.ts'
import { defaultBudgets } from '../../shared/operations/coworkers.ts'
import { createTask } from '../../shared/operations/tasks.ts'
import { newWorkspace } from './fixtures/workspace.ts'
import { taskRecord } from './tasks-fakes.ts'

const budgets = { maxTurnsPerTask: 10, maxOutputTokensPerTask: 20_000, maxSpendPerTaskUsd: 1, maxSpendPerDayUsd: 5 }
const noon = Date.UTC(2026, 10, 21, 12)
const hour = 3_600_000

function usage(estimatedCostUsd: number, extra: Partial<TaskUsage> = {}): TaskUsage {
  return { inputTokens: 1000, outputTokens: 200, cacheReadTokens: 50, cacheWriteTokens: 10, estimatedCostUsd, turns: 2, ...extra }
}

const task = (fields: Partial<TaskRecord>): TaskRecord => taskRecord({ createdAt: noon - hour, createdByDevice: 'dev', status: 'succeeded', ...fields })

describe('run budgets', () => {
  it("caps spend by the task's limit, or by what is left of the day when that is less", () => {
    const fresh = runAllowance({ budgets, coworkerName: 'Scout', spentTodayUsd: 0 })
    expect(fresh).toEqual({ allowed: true, budgets: { maxTurns: 10, maxOutputTokens: 20_000, maxCostUsd: 1 }, maxOutputTokensPerTurn: 8_192 })
    const late = runAllowance({ budgets, coworkerName: 'Scout', spentTodayUsd: 4.75 })
    expect(late.allowed && late.budgets.maxCostUsd).toBeCloseTo(0.25, 10)
  })

  it('ends at once with a clear reason when nothing is left today', () => {
    const spent = runAllowance({ budgets, coworkerName: 'Scout', spentTodayUsd: 5.2 })
    expect(spent).toEqual({ allowed: false, reason: expect.stringMatching(/^Scout reached its daily spend limit of \$5\.00 \(about \$5\.20 spent today, UTC\); .*raise the daily limit/) })
    expect(runAllowance({ budgets, coworkerName: 'Scout', spentTodayUsd: 5 }).allowed).toBe(false)
  })

  it('takes off what earlier tries of the same task used', () => {
    const retry = runAllowance({ budgets, coworkerName: 'Scout', spentTodayUsd: 0, usedByTask: { turns: 3, outputTokens: 19_000, estimatedCostUsd: 0.4 }, maxOutputTokensPerTurn: 4_096 })
    expect(retry).toEqual({ allowed: true, budgets: { maxTurns: 7, maxOutputTokens: 1_000, maxCostUsd: 0.6 }, maxOutputTokensPerTurn: 1_000 })
    expect(runAllowance({ budgets, coworkerName: 'Scout', spentTodayUsd: 0, usedByTask: { turns: 10, outputTokens: 0, estimatedCostUsd: 0 } })).toEqual({
      allowed: false,
      reason: 'stopped after 10 model turns, the limit per task'
    })
    expect(runAllowance({ budgets, coworkerName: 'Scout', spentTodayUsd: 0, usedByTask: { turns: 1, outputTokens: 20_000, estimatedCostUsd: 0 } }).allowed).toBe(false)
    expect(runAllowance({ budgets, coworkerName: 'Scout', spentTodayUsd: 0, usedByTask: { turns: 1, outputTokens: 0, estimatedCostUsd: 1 } }).allowed).toBe(false)
  })

  it("counts a day's spend by UTC day, from the other tasks of the same coworker", () => {
    expect(utcDayStart(noon)).toBe(Date.UTC(2026, 10, 21))
    const tasks = [
      task({ id: 'task_1', usage: usage(1.5), finishedAt: noon - hour }),
      task({ id: 'task_2', usage: usage(2), finishedAt: Date.UTC(2026, 10, 21) - 1 }), // yesterday, one ms before midnight
      task({ id: 'task_3', usage: usage(0.5), finishedAt: Date.UTC(2026, 10, 21) }), // today, at midnight
      task({ id: 'task_4', usage: usage(9), coworkerId: 'mem_other', finishedAt: noon }),
      task({ id: 'task_5', usage: null, status: 'running', startedAt: noon }),
      task({ id: 'task_6', usage: usage(0.25), finishedAt: noon })
    ]
    expect(spentTodayUsd(tasks, 'mem_scout', noon)).toBeCloseTo(2.25, 10)
    expect(spentTodayUsd(tasks, 'mem_scout', noon, 'task_6')).toBeCloseTo(2, 10)
  })

  it('adds up usage per coworker, all time and today', () => {
    const { root, ada } = newWorkspace()
    const make = (coworkerId: string, cost: number, finishedAt: number) => {
      const created = createTask(root, { coworkerId, channelId: 'ch_x', trigger: { type: 'mention', messageId: 'msg_x', threadId: null }, prompt: 'x', deviceId: 'dev' }, ada)
      const record = rootCollections(root).tasks.get(created.id)!
      record.set('status', 'succeeded')
      record.set('usage', usage(cost))
      record.set('finishedAt', finishedAt)
    }
    make('mem_scout', 1, noon)
    make('mem_scout', 2, noon - 24 * hour)
    make('mem_writer', 0.5, noon)
    createTask(root, { coworkerId: 'mem_scout', channelId: 'ch_x', trigger: { type: 'mention', messageId: 'msg_y', threadId: null }, prompt: 'x', deviceId: 'dev' }, ada)

    const scout = coworkerUsage(root, 'mem_scout', noon)
    expect(scout.allTime).toEqual({ tasks: 2, turns: 4, inputTokens: 2000, outputTokens: 400, cacheReadTokens: 100, cacheWriteTokens: 20, estimatedCostUsd: 3 })
    expect(scout.today.estimatedCostUsd).toBe(1)
    expect(scout.today.tasks).toBe(1)
    expect(usageByCoworker(root, noon).get('mem_writer')!.today.estimatedCostUsd).toBe(0.5)
    expect(coworkerUsage(root, 'mem_nobody', noon).allTime.tasks).toBe(0)
    expect(defaultBudgets.maxSpendPerDayUsd).toBeGreaterThan(defaultBudgets.maxSpendPerTaskUsd)
  })
})
