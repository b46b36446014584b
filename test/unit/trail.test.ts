import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { appendTrail, readTrail, type TrailEntry } from '../../shared/model/trail.ts'

const claimed = (runId: string, at: number, deviceId: string): TrailEntry => ({ type: 'claimed', at, runId, deviceId, attempt: 1 })

describe('task trails', () => {
  it('keep the entries of two runs that started the same task at once on two devices', () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    appendTrail(a, 'task_1', [claimed('run-a', 1_000, 'dev_a')], 'a')
    appendTrail(b, 'task_1', [claimed('run-b', 1_001, 'dev_b'), { type: 'lost-claim', at: 1_005, runId: 'run-b', winnerRunId: 'run-a' }], 'b')
    appendTrail(a, 'task_1', [{ type: 'finished', at: 1_010, runId: 'run-a', status: 'succeeded', reason: null, messageId: 'msg_1' }], 'a')
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    const trail = readTrail(a, 'task_1')
    expect(trail.map((entry) => [entry.runId, entry.type])).toEqual([
      ['run-a', 'claimed'],
      ['run-b', 'claimed'],
      ['run-b', 'lost-claim'],
      ['run-a', 'finished']
    ])
    expect(readTrail(b, 'task_1')).toEqual(trail)
    expect(readTrail(a, 'task_2')).toEqual([])
  })
})
