import { describe, expect, it } from 'vitest'
import { ValidationError } from '../../shared/errors.ts'
import type { MemoryItem } from '../../shared/model/types.ts'
import { defaultBudgets } from '../../shared/operations/coworkers.ts'
import { setDeliverableStatus } from '../../shared/operations/deliverables.ts'
import { addPerson, removeMember } from '../../shared/operations/members.ts'
import { createTask } from '../../shared/operations/tasks.ts'
import { createSlotTask } from '../../shared/operations/workflowRuns.ts'
import { toolCatalog } from '../../shared/toolCatalog.ts'
import { newId } from '../../shared/ids.ts'
import {
  budgetDraft,
  channelChanges,
  fieldProblems,
  formatUsd,
  modelChoicesFor,
  modelWarning,
  orderedToolset,
  parseBudgets,
  toolGroups
} from '../../renderer/src/coworkers/coworkerForm.ts'
import { countByKind, filterMemory, foldText, groupMemory, sourceLink } from '../../renderer/src/memory/memoryList.ts'
import { checkSchedule, cronToWords, formatRunTime, formatUntil, hasWords, joinWords, ordinal, schedulePresets, timeZoneOptions, zoneOffset } from '../../renderer/src/workflows/cronWords.ts'
import { reviewQueue } from '../../renderer/src/workflows/reviewQueue.ts'
import { contextOf, coworkerDocument, finish, workflowWorkspace } from './workflows-fixtures.ts'

describe('cron in words', () => {
  it('says the common patterns the way people do', () => {
    expect(cronToWords('0 9 * * 1', { timeZone: 'Europe/Paris' })).toBe('Every Monday at 09:00 (Europe/Paris)')
    expect(cronToWords('0 9 * * MON')).toBe('Every Monday at 09:00')
    expect(cronToWords('30 8 * * *')).toBe('Every day at 08:30')
    expect(cronToWords('0 17 * * 1-5')).toBe('Every weekday at 17:00')
    expect(cronToWords('0 17 * * mon-fri')).toBe('Every weekday at 17:00')
    expect(cronToWords('0 9 1 * *')).toBe('On the 1st of every month at 09:00')
    expect(cronToWords('15 6 2,15 * *')).toBe('On the 2nd and 15th of every month at 06:15')
    expect(cronToWords('0 9 1 1,7 *')).toBe('On the 1st of January and July at 09:00')
    expect(cronToWords('0 9 * * 1,3,5')).toBe('Every Monday, Wednesday and Friday at 09:00')
    expect(cronToWords('0 10 * * 0,6')).toBe('Every Sunday and Saturday at 10:00')
    expect(cronToWords('0 10 * * 7')).toBe('Every Sunday at 10:00')
    expect(cronToWords('0 9,17 * * *')).toBe('Every day at 09:00 and 17:00')
    expect(cronToWords('0 9 * * 0-6')).toBe('Every day at 09:00')
  })

  it('says repeating schedules', () => {
    expect(cronToWords('* * * * *')).toBe('Every minute')
    expect(cronToWords('*/15 * * * *')).toBe('Every 15 minutes')
    expect(cronToWords('*/30 * * * 1-5')).toBe('Every 30 minutes on weekdays')
    expect(cronToWords('0 * * * *')).toBe('Every hour')
    expect(cronToWords('30 * * * *')).toBe('Every hour at :30')
    expect(cronToWords('0 */2 * * *')).toBe('Every 2 hours')
    expect(cronToWords('0 9-17 * * 1-5')).toBe('Every hour from 09:00 to 17:00 on weekdays')
    expect(cronToWords('0 * * * 1')).toBe('Every hour on Mondays')
  })

  it('falls back to the expression for what it cannot say exactly', () => {
    for (const expression of ['0 9 1 * 1', '0 9 * 1 *', '0 9 L * *', '0 9 * * 5#3', '1-5/2 * * * *', '0,30 9 * * *', '0 0 9 * * *', 'nonsense', '0 25 * * *']) {
      expect(cronToWords(expression)).toBe(expression)
      expect(hasWords(expression)).toBe(false)
    }
    expect(cronToWords('  0 9 * * 1 ')).toBe('Every Monday at 09:00')
  })

  it('has words for every preset, and the preset labels are those words', () => {
    for (const preset of schedulePresets) expect(cronToWords(preset.cron)).toBe(preset.label)
  })

  it('orders and joins like English', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '31st'])
    expect(joinWords([])).toBe('')
    expect(joinWords(['a'])).toBe('a')
    expect(joinWords(['a', 'b'])).toBe('a and b')
    expect(joinWords(['a', 'b', 'c'])).toBe('a, b and c')
  })
})

describe('schedule check and preview', () => {
  const after = new Date(Date.UTC(2026, 10, 23, 8)) // Monday 23 November 2026, 08:00 UTC

  it('gives the next three runs in the workflow time zone', () => {
    const check = checkSchedule('0 9 * * 1', 'Europe/Paris', { after })
    expect(check.ok).toBe(true)
    if (!check.ok) return
    expect(check.runs.map((run) => run.toISOString())).toEqual(['2026-11-30T08:00:00.000Z', '2026-12-07T08:00:00.000Z', '2026-12-14T08:00:00.000Z'])
    expect(formatRunTime(check.runs[0]!, 'Europe/Paris')).toBe('Mon 30 Nov, 09:00')
    expect(formatRunTime(check.runs[0]!, 'UTC')).toBe('Mon 30 Nov, 08:00')
  })

  it('says what is wrong with a bad schedule or zone, as the operations would', () => {
    const empty = checkSchedule('  ', 'UTC')
    expect(empty.ok).toBe(false)
    const short = checkSchedule('0 9 * *', 'UTC')
    expect(short).toMatchObject({ ok: false })
    expect(!short.ok && short.problem).toMatch(/five-field cron expression/)
    const invalid = checkSchedule('0 99 * * *', 'UTC')
    expect(!invalid.ok && invalid.problem).toMatch(/^Schedule is not a valid cron expression/)
    const zone = checkSchedule('0 9 * * *', 'Mars/Olympus')
    expect(!zone.ok && zone.problem).toMatch(/IANA zone/)
  })

  it('says how long until a run', () => {
    const now = 1_000_000_000
    expect(formatUntil(now + 20_000, now)).toBe('in less than a minute')
    expect(formatUntil(now + 5 * 60_000, now)).toBe('in 5 minutes')
    expect(formatUntil(now + 3 * 3_600_000, now)).toBe('in 3 hours')
    expect(formatUntil(now + 3 * 86_400_000, now)).toBe('in 3 days')
    expect(formatUntil(now - 1000, now)).toBe('due now')
  })

  it('says a zone’s offset from UTC', () => {
    const winter = Date.UTC(2026, 0, 15)
    expect(zoneOffset('UTC', winter)).toBe('UTC')
    expect(zoneOffset('Europe/Paris', winter)).toBe('UTC+1')
    expect(zoneOffset('Europe/Paris', Date.UTC(2026, 6, 15))).toBe('UTC+2')
    expect(zoneOffset('America/St_Johns', winter)).toBe('UTC−3:30')
    expect(zoneOffset('Asia/Kolkata', winter)).toBe('UTC+5:30')
  })

  it('lists UTC first and keeps zones it is given', () => {
    const zones = timeZoneOptions(['Europe/Paris', ''])
    expect(zones[0]).toBe('UTC')
    expect(zones).toContain('Europe/Paris')
    expect(zones).not.toContain('')
    expect(new Set(zones).size).toBe(zones.length)
  })
})

describe('coworker form', () => {
  it('groups the tool catalog into reads then writes, with what is checked', () => {
    const groups = toolGroups(toolCatalog, ['recall', 'create_document', 'remember'])
    expect(groups.map((group) => group.access)).toEqual(['read', 'write'])
    expect(groups[0]!.tools.every((tool) => tool.access === 'read')).toBe(true)
    expect(groups[1]!.tools.every((tool) => tool.access === 'write')).toBe(true)
    expect(groups[0]!.tools.length + groups[1]!.tools.length).toBe(toolCatalog.length)
    expect(groups.map((group) => group.checked)).toEqual([1, 2])
    expect(groups[1]!.tools.find((tool) => tool.name === 'create_document')?.checked).toBe(true)
    expect(groups[1]!.tools.find((tool) => tool.name === 'post_message')?.checked).toBe(false)
    expect(groups[0]!.tools[0]!.summary).not.toBe('')
  })

  it('keeps the toolset in catalog order', () => {
    expect(orderedToolset(toolCatalog, ['remember', 'read_channel', 'create_document'])).toEqual(['read_channel', 'create_document', 'remember'])
    expect(orderedToolset(toolCatalog, ['made_up', 'recall'])).toEqual(['recall', 'made_up'])
  })

  it('offers the current models and keeps an unknown one', () => {
    expect(modelChoicesFor('claude-sonnet-5-5').map((choice) => choice.value)).toEqual(['claude-sonnet-5-5', 'claude-opus-5-5', 'claude-haiku-5-5', ''])
    expect(modelChoicesFor('claude-sonnet-4-5').at(-1)?.value).toBe('claude-sonnet-4-5')
  })

  it('warns about a retiring model', () => {
    expect(modelWarning('claude-sonnet-4-5')).toMatch(/end of life on 2026-11-30/)
    expect(modelWarning('claude-sonnet-4-5-20250929')).toMatch(/claude-sonnet-5-5/)
    expect(modelWarning('claude-sonnet-5-5')).toBeNull()
    expect(modelWarning('')).toBeNull()
  })

  it('parses budgets in the ranges the operation accepts', () => {
    expect(parseBudgets(budgetDraft())).toEqual({ budgets: defaultBudgets, errors: {} })
    expect(parseBudgets({ maxTurnsPerTask: '20', maxOutputTokensPerTask: '32,000', maxSpendPerTaskUsd: '$2.5', maxSpendPerDayUsd: '25' }).budgets).toEqual({
      maxTurnsPerTask: 20,
      maxOutputTokensPerTask: 32_000,
      maxSpendPerTaskUsd: 2.5,
      maxSpendPerDayUsd: 25
    })
    const bad = parseBudgets({ maxTurnsPerTask: '1.5', maxOutputTokensPerTask: '10', maxSpendPerTaskUsd: '', maxSpendPerDayUsd: '99999' })
    expect(bad.budgets).toBeNull()
    expect(bad.errors).toEqual({
      maxTurnsPerTask: 'Enter a whole number',
      maxOutputTokensPerTask: 'Must be at least 256',
      maxSpendPerTaskUsd: 'Enter a number',
      maxSpendPerDayUsd: 'Must be at most 10,000'
    })
  })

  it('works out which channels to add and remove', () => {
    expect(channelChanges(['ch_a', 'ch_b'], ['ch_b', 'ch_c'])).toEqual({ add: ['ch_c'], remove: ['ch_a'] })
    expect(channelChanges([], [])).toEqual({ add: [], remove: [] })
  })

  it('maps an operation’s validation error to form fields', () => {
    const error = new ValidationError('create coworker', [
      { field: 'name', problem: 'name must be 1 to 80 characters' },
      { field: 'budgets.maxTurnsPerTask', problem: 'must be at least 1' }
    ])
    expect(fieldProblems(error)).toEqual({ name: 'Name must be 1 to 80 characters', 'budgets.maxTurnsPerTask': 'Must be at least 1' })
    expect(fieldProblems(new Error('boom'))).toBeNull()
  })

  it('formats dollars by size', () => {
    expect(formatUsd(0)).toBe('$0')
    expect(formatUsd(0.0042)).toBe('$0.0042')
    expect(formatUsd(0.042)).toBe('$0.042')
    expect(formatUsd(1.2)).toBe('$1.20')
    expect(formatUsd(12)).toBe('$12')
    expect(formatUsd(1234.5)).toBe('$1,234.50')
  })
})

describe('memory list', () => {
  const item = (id: string, kind: MemoryItem['kind'], text: string, createdAt: number, pinned = false): MemoryItem => ({
    id,
    kind,
    text,
    source: { type: 'none' },
    authorId: 'mem_a',
    pinned,
    createdAt,
    updatedAt: createdAt
  })
  const items = [
    item('mm_1', 'fact', 'Invoices go out on the 1st', 1),
    item('mm_2', 'decision', 'We ship on Thursdays', 2, true),
    item('mm_3', 'preference', 'Reports in British English, résumé style', 3),
    item('mm_4', 'fact', 'The launch moved to Friday', 4, true)
  ]

  it('filters by kind and by every word of the query, accents aside', () => {
    expect(filterMemory(items, { kind: 'fact' }).map((entry) => entry.id)).toEqual(['mm_1', 'mm_4'])
    expect(filterMemory(items, { query: 'resume british' }).map((entry) => entry.id)).toEqual(['mm_3'])
    expect(filterMemory(items, { query: 'ship thursday' }).map((entry) => entry.id)).toEqual(['mm_2'])
    expect(filterMemory(items, { query: 'decision' }).map((entry) => entry.id)).toEqual(['mm_2'])
    expect(filterMemory(items, { query: 'friday', kind: 'decision' })).toEqual([])
    expect(filterMemory(items, { query: '   ', kind: 'all' })).toHaveLength(4)
    expect(foldText('Résumé')).toBe('resume')
  })

  it('puts pinned items first, each group newest first, and counts kinds', () => {
    const { pinned, other } = groupMemory(items)
    expect(pinned.map((entry) => entry.id)).toEqual(['mm_4', 'mm_2'])
    expect(other.map((entry) => entry.id)).toEqual(['mm_3', 'mm_1'])
    expect(countByKind(items)).toEqual({ all: 4, fact: 2, decision: 1, preference: 1 })
  })

  it('links an item to the message’s channel or the deliverable it came from', () => {
    const names = { channel: (id: string) => (id === 'ch_1' ? 'general' : null), deliverable: (id: string) => (id === 'dl_1' ? 'Weekly report' : null) }
    expect(sourceLink({ type: 'message', channelId: 'ch_1', messageId: 'msg_1' }, names)).toEqual({ href: '#/c/ch_1', label: 'From a message in #general' })
    expect(sourceLink({ type: 'deliverable', deliverableId: 'dl_1' }, names)).toEqual({ href: '#/deliverables/dl_1', label: 'From “Weekly report”' })
    expect(sourceLink({ type: 'deliverable', deliverableId: 'dl_2' }, names)?.label).toBe('From a deliverable')
    expect(sourceLink({ type: 'none' }, names)).toBeNull()
  })
})

describe('review queue', () => {
  it('holds in-review deliverables that workflow tasks made, for their owner first', () => {
    const space = workflowWorkspace()
    const weekly = space.workflow({ cron: '0 9 * * 1' })
    const { task } = createSlotTask(space.session, weekly, space.time.now, { missed: false, context: space.ada })
    const report = coworkerDocument(space, 'Weekly report')
    finish(space, task.id, { deliverableIds: [report.id] })
    const scribe = contextOf(space.scribe.id, space.time.clock)

    // A draft is not in the queue; in review, it waits for Ada, the workflow's owner.
    expect(reviewQueue(space.root, space.adaId)).toEqual({ mine: [], others: [] })
    space.time.now += 60_000
    setDeliverableStatus(space.root, { deliverableId: report.id, status: 'in-review' }, scribe)
    const forAda = reviewQueue(space.root, space.adaId)
    expect(forAda.mine.map((entry) => [entry.deliverable.title, entry.workflow.id, entry.task.id, entry.reviewerId, entry.sentAt])).toEqual([
      ['Weekly report', weekly.id, task.id, space.adaId, space.time.now]
    ])

    // Grace sees it as waiting for someone else.
    const graceId = newId('mem')
    addPerson(space.root, { memberId: graceId, name: 'Grace Hopper' }, space.ada)
    expect(reviewQueue(space.root, graceId).mine).toEqual([])
    expect(reviewQueue(space.root, graceId).others).toHaveLength(1)

    // A deliverable a mention task made is not a workflow's to review.
    const mentionTask = createTask(space.root, { coworkerId: space.scribe.id, channelId: space.channel.id, trigger: { type: 'mention', messageId: 'msg_x', threadId: null }, prompt: 'hi', deviceId: 'dev_a' }, space.ada)
    const notes = coworkerDocument(space, 'Call notes')
    finish(space, mentionTask.id, { deliverableIds: [notes.id] })
    setDeliverableStatus(space.root, { deliverableId: notes.id, status: 'in-review' }, scribe)
    expect(reviewQueue(space.root, space.adaId).mine.map((entry) => entry.deliverable.title)).toEqual(['Weekly report'])

    // A revision of the workflow's deliverable still belongs to the workflow.
    setDeliverableStatus(space.root, { deliverableId: report.id, status: 'draft', comment: 'shorter' }, space.ada)
    const revision = createTask(
      space.root,
      { coworkerId: space.scribe.id, channelId: space.channel.id, trigger: { type: 'revision', deliverableId: report.id, comment: 'shorter', previousTaskId: task.id }, prompt: 'revise', deviceId: 'dev_a' },
      space.ada
    )
    space.time.now += 60_000
    finish(space, revision.id, { deliverableIds: [report.id] })
    setDeliverableStatus(space.root, { deliverableId: report.id, status: 'in-review' }, scribe)
    const after = reviewQueue(space.root, space.adaId).mine
    expect(after.map((entry) => [entry.deliverable.title, entry.task.id])).toEqual([['Weekly report', revision.id]])

    // When the owner leaves, anyone may review it: it is in everyone's own queue.
    removeMember(space.root, { memberId: space.adaId }, space.ada)
    const orphan = reviewQueue(space.root, graceId)
    expect(orphan.mine.map((entry) => [entry.deliverable.title, entry.reviewerId])).toEqual([['Weekly report', null]])
  })
})
