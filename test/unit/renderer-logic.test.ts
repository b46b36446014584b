import { describe, expect, it } from 'vitest'
import type { TrailEntry } from '../../shared/model/trail.ts'
import type { Member, TaskRecord } from '../../shared/model/types.ts'
import { parseRoute, routeHash, type Route } from '../../renderer/src/app/route.ts'
import { toProblem } from '../../renderer/src/data/problems.ts'
import { activeMention, insertMention, matchMembers } from '../../renderer/src/lib/mentionQuery.ts'
import { fuzzyScore, rankItems } from '../../renderer/src/lib/quickSwitch.ts'
import { describeToolCall, shownRunId, taskStatusLine, trailSteps, trailSummary } from '../../renderer/src/lib/taskView.ts'
import { formatDuration } from '../../renderer/src/lib/time.ts'
import { countUnread, firstUnreadIndex, LastReadStore, lastReadKey } from '../../renderer/src/lib/unread.ts'

const person = (id: string, name: string, handle: string, removedAt: number | null = null): Member => ({ id, kind: 'person', name, handle, joinedAt: 0, removedAt })
const coworker = (id: string, name: string, handle: string): Member => ({
  id,
  kind: 'coworker',
  name,
  handle,
  joinedAt: 0,
  removedAt: null,
  purpose: '',
  toolset: [],
  model: '',
  budgets: { maxTurnsPerTask: 1, maxOutputTokensPerTask: 256, maxSpendPerTaskUsd: 1, maxSpendPerDayUsd: 1 },
  createdBy: 'mem_a'
})

describe('composer @ autocomplete', () => {
  it('finds the mention being typed at the caret, with the same boundary rule as parseMentions', () => {
    expect(activeMention('hey @sc', 7)).toEqual({ start: 4, query: 'sc' })
    expect(activeMention('@', 1)).toEqual({ start: 0, query: '' })
    expect(activeMention('mail ada@example', 16)).toBeNull()
    expect(activeMention('hey @scout and', 14)).toBeNull()
    expect(activeMention('(@Ada', 5)).toEqual({ start: 1, query: 'ada' })
  })

  it('ranks handle prefixes first, skips removed members and yourself', () => {
    const members = [person('mem_1', 'Ada Lovelace', 'ada-lovelace'), person('mem_2', 'Linus Pauling', 'linus-pauling'), coworker('mem_3', 'Scout', 'scout'), person('mem_4', 'Sam Old', 'sam', 1)]
    expect(matchMembers(members, 's').map((member) => member.handle)).toEqual(['scout', 'linus-pauling'])
    expect(matchMembers(members, 'pau').map((member) => member.handle)).toEqual(['linus-pauling'])
    expect(matchMembers(members, '', { excludeId: 'mem_1' }).map((member) => member.id)).toEqual(['mem_3', 'mem_2'])
  })

  it('replaces the typed query with the handle and a space', () => {
    const text = 'ask @sc about it'
    const mention = activeMention(text, 7)!
    expect(insertMention(text, mention, 7, 'scout')).toEqual({ text: 'ask @scout about it', caret: 11 })
    expect(insertMention('@s', { start: 0, query: 's' }, 2, 'scout')).toEqual({ text: '@scout ', caret: 7 })
  })
})

describe('unread counts', () => {
  const message = (authorId: string, createdAt: number) => ({ authorId, createdAt })
  it('counts others’ messages after the last read, stopping at your own', () => {
    const list = [message('a', 1), message('b', 2), message('me', 3), message('b', 4), message('c', 5)]
    expect(countUnread(list, 0, 'me')).toBe(2)
    expect(countUnread(list, 4, 'me')).toBe(1)
    expect(countUnread(list, 5, 'me')).toBe(0)
    expect(firstUnreadIndex(list, 0, 'me')).toBe(3)
    expect(firstUnreadIndex(list, 9, 'me')).toBeNull()
  })

  it('reads only the unread tail of a long channel, up to the cap', () => {
    let reads = 0
    const list = new Proxy(Array.from({ length: 50_000 }, (_, index) => message('x', index)), {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++
        return Reflect.get(target, key, receiver)
      }
    })
    expect(countUnread(list, 49_990, 'me')).toBe(9)
    expect(reads).toBeLessThanOrEqual(11)
    expect(countUnread(list, 0, 'me', 99)).toBe(100)
  })

  it('keeps last-read times per workspace and member, only moving forward, and survives bad storage', () => {
    const data = new Map<string, string>()
    const storage = { getItem: (key: string) => data.get(key) ?? null, setItem: (key: string, value: string) => void data.set(key, value) }
    const key = lastReadKey('ws_a', 'mem_b')
    const store = new LastReadStore(storage, key)
    let notified = 0
    store.subscribe(() => notified++)
    store.markRead('ch_1', 100)
    store.markRead('ch_1', 50)
    expect(store.get('ch_1')).toBe(100)
    expect(notified).toBe(1)
    expect(new LastReadStore(storage, key).get('ch_1')).toBe(100)
    expect(new LastReadStore(storage, lastReadKey('ws_a', 'mem_c')).get('ch_1')).toBeNull()
    data.set(key, '{not json')
    expect(new LastReadStore(storage, key).get('ch_1')).toBeNull()
    expect(new LastReadStore(null, key).get('ch_1')).toBeNull()
  })
})

describe('quick switcher ranking', () => {
  it('prefers prefixes, then substrings, then in-order characters', () => {
    expect(fuzzyScore('gen', 'general')).toBeGreaterThan(fuzzyScore('gen', 'regenerate')!)
    expect(fuzzyScore('wr', 'weekly-report')).not.toBeNull()
    expect(fuzzyScore('xyz', 'general')).toBeNull()
    const items = [
      { id: '1', label: 'random' },
      { id: '2', label: 'weekly-report' },
      { id: '3', label: 'Weekly report — Week 47' },
      { id: '4', label: 'Ada Lovelace', keywords: 'ada-lovelace' }
    ]
    expect(rankItems(items, 'week').map((item) => item.id)).toEqual(['2', '3'])
    expect(rankItems(items, 'lovel').map((item) => item.id)).toEqual(['4'])
    expect(rankItems(items, '').length).toBe(4)
  })
})

describe('coworker task presentation', () => {
  const task = (fields: Partial<TaskRecord> = {}): TaskRecord => ({
    id: 'task_1',
    coworkerId: 'mem_c',
    channelId: 'ch_1',
    trigger: { type: 'mention', messageId: 'msg_1', threadId: null },
    requestedBy: 'mem_a',
    prompt: 'do it',
    createdAt: 0,
    createdByDevice: 'dev_1',
    status: 'running',
    claim: { deviceId: 'dev_1', runId: 'run_2', claimedAt: 0, leaseUntil: 10, attempt: 1 },
    stopRequest: null,
    result: null,
    endReason: null,
    usage: null,
    startedAt: 0,
    finishedAt: null,
    ...fields
  })

  const trail: TrailEntry[] = [
    { type: 'claimed', at: 0, runId: 'run_1', deviceId: 'dev_2', attempt: 1 },
    { type: 'tool-call', at: 1, runId: 'run_1', callId: 'x', tool: 'recall', input: {} },
    { type: 'claimed', at: 2, runId: 'run_2', deviceId: 'dev_1', attempt: 1 },
    { type: 'tool-call', at: 3, runId: 'run_2', callId: 'a', tool: 'recall', input: { query: 'x' } },
    { type: 'tool-result', at: 5, runId: 'run_2', callId: 'a', tool: 'recall', ok: true, summary: '2 items', durationMs: 2 },
    { type: 'tool-call', at: 6, runId: 'run_2', callId: 'b', tool: 'post_message', input: {} },
    { type: 'tool-refused', at: 6, runId: 'run_2', callId: 'b', tool: 'post_message', reason: 'not in its toolset' },
    { type: 'tool-call', at: 7, runId: 'run_2', callId: 'c', tool: 'create_document', input: { title: 'Weekly report' } }
  ]

  it('says what the latest step of the winning run is doing', () => {
    expect(taskStatusLine(task(), trail)).toEqual({ text: 'writing Weekly report…', tone: 'working' })
    expect(taskStatusLine(task(), trail.slice(0, 5)).text).toBe('thinking…')
    expect(taskStatusLine(task(), trail.slice(0, 5), { writing: true }).text).toBe('writing a reply…')
    expect(taskStatusLine(task(), trail.slice(0, 4)).text).toBe('searching memory…')
    expect(taskStatusLine(task({ status: 'queued', claim: null }), []).text).toBe('waiting to start…')
    expect(taskStatusLine(task({ stopRequest: { by: 'mem_a', at: 1 } }), trail).text).toBe('stopping…')
    expect(taskStatusLine(task({ status: 'failed', endReason: 'the turn budget ran out' }), trail)).toEqual({ text: 'the turn budget ran out', tone: 'failed' })
  })

  it('joins calls with results and marks refusals, for the shown run only', () => {
    expect(shownRunId(task(), trail)).toBe('run_2')
    expect(shownRunId(task({ claim: null }), trail.slice(0, 2))).toBe('run_1')
    const steps = trailSteps(trail, 'run_2')
    expect(steps.map((step) => step.kind)).toEqual(['note', 'tool', 'refused', 'tool'])
    expect(steps[1]).toMatchObject({ kind: 'tool', tool: 'recall', result: { ok: true, summary: '2 items', durationMs: 2 } })
    expect(steps[2]).toMatchObject({ kind: 'refused', tool: 'post_message', reason: 'not in its toolset' })
    expect(steps[3]).toMatchObject({ kind: 'tool', result: null, description: 'writing Weekly report' })
    expect(trailSummary(steps)).toEqual({ toolCalls: 2, refused: 1, failed: 0, turns: 0 })
  })

  it('names deliverables and channels in descriptions when it can', () => {
    const names = { deliverable: (id: string) => (id === 'dl_1' ? 'Launch plan' : null), channel: () => 'general' }
    expect(describeToolCall('edit_document', { deliverableId: 'dl_1' }, names)).toBe('editing Launch plan')
    expect(describeToolCall('read_channel', { channelId: 'ch_1' }, names)).toBe('reading #general')
    expect(describeToolCall('some_new_tool', {})).toBe('using some_new_tool')
  })
})

describe('routes, errors and durations', () => {
  it('round-trips routes through the hash', () => {
    const routes: Route[] = [
      { view: 'home' },
      { view: 'channel', channelId: 'ch_abc' },
      { view: 'deliverables', deliverableId: null },
      { view: 'deliverables', deliverableId: 'dl_x' },
      { view: 'memory' },
      { view: 'coworkers', coworkerId: 'mem_1' },
      { view: 'workflows', workflowId: null },
      { view: 'settings' }
    ]
    for (const route of routes) expect(parseRoute(routeHash(route))).toEqual(route)
    expect(parseRoute('#/nonsense')).toEqual({ view: 'home' })
    expect(parseRoute('')).toEqual({ view: 'home' })
  })

  it('turns bridge and operation errors into what happened and what to try', () => {
    expect(toProblem({ code: 'access', message: 'the token was refused', hint: 'ask for a new invite' })).toEqual({ message: 'The token was refused', hint: 'Ask for a new invite', code: 'access' })
    expect(toProblem(new Error('boom'), 'try again')).toEqual({ message: 'Boom', hint: 'Try again', code: null })
    expect(toProblem(undefined).message).toBe('Something went wrong')
  })

  it('formats durations compactly', () => {
    expect(formatDuration(850)).toBe('850ms')
    expect(formatDuration(4200)).toBe('4.2s')
    expect(formatDuration(65_000)).toBe('1m 05s')
    expect(formatDuration(2 * 3600_000 + 3 * 60_000)).toBe('2h 03m')
  })
})
