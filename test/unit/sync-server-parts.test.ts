import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as Y from 'yjs'
import { openDatabase } from '../../sync-server/database.ts'
import { closeReason } from '../../sync-server/close-codes.ts'
import { resolveLimits, defaultLimits } from '../../sync-server/limits.ts'
import { MetricsRegistry } from '../../sync-server/metrics.ts'
import { decodeClientMessage, encodeSyncStep2, ProtocolError } from '../../sync-server/protocol.ts'
import { TokenBucket } from '../../sync-server/rate-limit.ts'
import { parseRoomName } from '../../sync-server/room-name.ts'
import { matchesHash, mintInviteCode, mintToken, parseToken, sha256Hex } from '../../sync-server/secrets.ts'
import { LevelUpdateLog } from '../../sync-server/update-log.ts'

function message(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  write(encoder)
  return encoding.toUint8Array(encoder)
}

describe('protocol', () => {
  it('decodes what y-websocket sends', () => {
    const doc = new Y.Doc()
    doc.getText('t').insert(0, 'x')
    const step1 = message((e) => { encoding.writeVarUint(e, 0); syncProtocol.writeSyncStep1(e, doc) })
    expect(decodeClientMessage(step1)).toEqual({ type: 'sync-step-1', stateVector: Y.encodeStateVector(doc) })
    const step2 = message((e) => { encoding.writeVarUint(e, 0); syncProtocol.writeSyncStep2(e, doc) })
    expect(decodeClientMessage(step2).type).toBe('sync-step-2')
    const update = message((e) => { encoding.writeVarUint(e, 0); syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc)) })
    expect(decodeClientMessage(update)).toEqual({ type: 'sync-update', update: Y.encodeStateAsUpdate(doc) })
    const awareness = new awarenessProtocol.Awareness(doc)
    awareness.setLocalState({ name: 'Ann' })
    const aw = message((e) => { encoding.writeVarUint(e, 1); encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])) })
    expect(decodeClientMessage(aw).type).toBe('awareness')
    expect(decodeClientMessage(new Uint8Array([3]))).toEqual({ type: 'query-awareness' })
    awareness.destroy()
  })

  it('rejects what does not decode with a ProtocolError', () => {
    for (const bad of [[], [0x80], [9], [2, 0], [0, 7], [0, 0, 5, 1], [0, 2, 3, 0, 0], [3, 3], [1, 2, 1, 1]]) {
      expect(() => decodeClientMessage(new Uint8Array(bad)), JSON.stringify(bad)).toThrow(ProtocolError)
    }
  })

  it('encodes a step 2 that y-protocols reads', () => {
    const doc = new Y.Doc()
    doc.getText('t').insert(0, 'hello')
    const target = new Y.Doc()
    const bytes = encodeSyncStep2(Y.encodeStateAsUpdate(doc))
    const decoder = { arr: bytes, pos: 1 }
    syncProtocol.readSyncMessage(decoder as never, encoding.createEncoder(), target, null)
    expect(target.getText('t').toString()).toBe('hello')
  })
})

describe('TokenBucket', () => {
  it('allows a burst, then the rate', () => {
    let now = 0
    const bucket = new TokenBucket(10, 20, () => now)
    let taken = 0
    while (bucket.take()) taken++
    expect(taken).toBe(20)
    now += 100 // 0.1 s: one more token
    expect(bucket.take()).toBe(true)
    expect(bucket.take()).toBe(false)
    now += 60_000 // refills only up to the burst
    taken = 0
    while (bucket.take()) taken++
    expect(taken).toBe(20)
  })
})

describe('secrets', () => {
  it('mints tokens that parse, and stores only a hash compared in constant time', () => {
    const minted = mintToken()
    const parsed = parseToken(minted.token)!
    expect(parsed.tokenId).toBe(minted.tokenId)
    expect(minted.secretHash).toBe(sha256Hex(parsed.secret))
    expect(minted.token).not.toContain(minted.secretHash)
    expect(matchesHash(parsed.secret, minted.secretHash)).toBe(true)
    expect(matchesHash(parsed.secret + 'x', minted.secretHash)).toBe(false)
    expect(matchesHash(parsed.secret, 'abcd')).toBe(false)
    expect(parseToken('cst_short.secret')).toBeUndefined()
    expect(parseToken(minted.token + ' ')).toBeUndefined()
    expect(mintInviteCode().code).toMatch(/^inv_[a-z2-7]{26}$/)
  })
})

describe('room names', () => {
  it('accepts <workspace>/<segments> and reads the workspace', () => {
    expect(parseRoomName('ws_aaaaaaaaaaaaaaaaaaaa/root')).toEqual({ room: 'ws_aaaaaaaaaaaaaaaaaaaa/root', workspaceId: 'ws_aaaaaaaaaaaaaaaaaaaa' })
    expect(parseRoomName('ws_aaaaaaaaaaaaaaaaaaaa/channel/ch_bbbbbbbbbbbbbbbbbbbb')?.workspaceId).toBe('ws_aaaaaaaaaaaaaaaaaaaa')
    for (const bad of ['', 'root', 'ws_aaaaaaaaaaaaaaaaaaaa', 'ws_aaaaaaaaaaaaaaaaaaaa/', 'ws_AAAAAAAAAAAAAAAAAAAA/root', 'ws_aaaaaaaaaaaaaaaaaaaa/a/b/c/d', 'ws_aaaaaaaaaaaaaaaaaaaa/../x', 'ws_aaaaaaaaaaaaaaaaaaaa/a b']) {
      expect(parseRoomName(bad), bad).toBeUndefined()
    }
  })
})

describe('limits', () => {
  it('fills in defaults and refuses values that are not positive numbers', () => {
    expect(resolveLimits({ idleTimeoutSeconds: 0.5 })).toEqual({ ...defaultLimits, idleTimeoutSeconds: 0.5 })
    expect(() => resolveLimits({ maxFrameBytes: 0 })).toThrow(RangeError)
    expect(() => resolveLimits({ maxFrameBytes: Number.NaN })).toThrow(RangeError)
  })

  it('keeps close reasons within 123 bytes', () => {
    expect(Buffer.byteLength(closeReason('é'.repeat(200)))).toBeLessThanOrEqual(123)
    expect(closeReason('short')).toBe('short')
  })
})

describe('metrics', () => {
  it('renders the Prometheus text format', () => {
    const registry = new MetricsRegistry()
    const counter = registry.counter('c_total', 'A counter.')
    const labelled = registry.labelledCounter<'reason'>('r_total', 'By reason.')
    registry.gauge('g', 'A gauge.', () => 7)
    const histogram = registry.histogram('h_seconds', 'A histogram.', [0.1, 1])
    counter.inc()
    counter.inc(2)
    labelled.incWith({ reason: 'a "quoted"\nvalue' })
    histogram.observe(0.05)
    histogram.observe(0.5)
    histogram.observe(5)
    expect(registry.render()).toBe(
      [
        '# HELP c_total A counter.',
        '# TYPE c_total counter',
        'c_total 3',
        '# HELP r_total By reason.',
        '# TYPE r_total counter',
        'r_total{reason="a \\"quoted\\"\\nvalue"} 1',
        '# HELP g A gauge.',
        '# TYPE g gauge',
        'g 7',
        '# HELP h_seconds A histogram.',
        '# TYPE h_seconds histogram',
        'h_seconds_bucket{le="0.1"} 1',
        'h_seconds_bucket{le="1"} 2',
        'h_seconds_bucket{le="+Inf"} 3',
        'h_seconds_sum 5.55',
        'h_seconds_count 3',
        ''
      ].join('\n')
    )
  })
})

describe('LevelUpdateLog', () => {
  it('appends, loads and compacts per room without touching rooms that share a prefix', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'commons-sync-log-'))
    const db = await openDatabase(join(dir, 'db'))
    try {
      const log = new LevelUpdateLog(db)
      const a = 'ws_aaaaaaaaaaaaaaaaaaaa/x'
      const b = 'ws_aaaaaaaaaaaaaaaaaaaa/x-y'
      await log.append(a, 0, [new Uint8Array([1]), new Uint8Array([2])])
      await log.append(b, 0, [new Uint8Array([9])])
      await log.append(a, 2, [new Uint8Array([3])])
      const load = async (room: string) => {
        const stored = await log.load(room)
        return { ...stored, updates: stored.updates.map((update) => [...update]) }
      }
      expect(await load(a)).toEqual({ updates: [[1], [2], [3]], firstSeq: 0, nextSeq: 3, bytes: 3 })
      await log.compact(a, new Uint8Array([7, 7]), 0, 3)
      expect(await load(a)).toEqual({ updates: [[7, 7]], firstSeq: 3, nextSeq: 4, bytes: 2 })
      expect((await load(b)).updates).toEqual([[9]])
      expect(await load('ws_aaaaaaaaaaaaaaaaaaaa/none')).toEqual({ updates: [], firstSeq: 0, nextSeq: 0, bytes: 0 })
      // Sequence numbers past 0xf sort correctly.
      await log.append(b, 1, Array.from({ length: 40 }, (_, i) => new Uint8Array([i])))
      expect((await log.load(b)).updates.slice(1).map((u) => u[0])).toEqual([...Array(40).keys()])
    } finally {
      await db.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
