import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { snapshotChannelContext, type ContextSource } from '../../electron/host/assistant/channelContext.ts'
import { isCommonsError } from '../../shared/errors.ts'
import { newId } from '../../shared/ids.ts'
import { addCoworkerToChannel, createChannel, joinChannel } from '../../shared/operations/channels.ts'
import { createCoworker } from '../../shared/operations/coworkers.ts'
import { createDocument, setDeliverableStatus } from '../../shared/operations/deliverables.ts'
import { addPerson } from '../../shared/operations/members.ts'
import { addMemory } from '../../shared/operations/memory.ts'
import { deleteMessage, postMessage, type ChannelDocs } from '../../shared/operations/messages.ts'
import { newWorkspace } from './fixtures/workspace.ts'

/** A workspace held in memory, seen from Ada's side, with channel docs made on demand. */
function workspace() {
  const fixture = newWorkspace()
  const channelDocs = new Map<string, Y.Doc>()
  const docOf = (channelId: string) => {
    let doc = channelDocs.get(channelId)
    if (doc === undefined) channelDocs.set(channelId, (doc = new Y.Doc()))
    return doc
  }
  const source: ContextSource = {
    root: fixture.root,
    memberId: fixture.adaId,
    withChannel: async <T,>(channelId: string, change: (docs: ChannelDocs) => T | Promise<T>) => change({ root: fixture.root, channel: docOf(channelId) })
  }
  return { ...fixture, source, docOf }
}

const fixedNow = () => Date.UTC(2026, 10, 21, 12, 30)

describe('snapshotChannelContext', () => {
  it('holds recent messages with author names, the channel deliverables and pinned memory, and a short label', async () => {
    const w = workspace()
    const launch = createChannel(w.root, { name: 'launch', topic: 'Ship v2' }, w.ada)
    const other = createChannel(w.root, { name: 'random' }, w.ada)
    const graceId = newId('mem')
    addPerson(w.root, { memberId: graceId, name: 'Grace Hopper' }, w.ada)
    joinChannel(w.root, { channelId: launch.id }, w.as(graceId))
    const scribe = createCoworker(w.root, { name: 'Scribe', purpose: 'Writes reports', toolset: ['read_channel'] }, w.ada)
    addCoworkerToChannel(w.root, { channelId: launch.id, coworkerId: scribe.id }, w.ada)

    const docs = { root: w.root, channel: w.docOf(launch.id) }
    const first = postMessage(docs, { channelId: launch.id, text: 'We ship on Friday.' }, w.ada)
    postMessage(docs, { channelId: launch.id, text: 'Agreed, Friday it is.', replyTo: first.id }, w.as(graceId))
    postMessage(docs, { channelId: launch.id, text: 'Pricing page is still a draft.' }, w.as(graceId))
    const gone = postMessage(docs, { channelId: launch.id, text: 'an oops message' }, w.as(graceId))
    deleteMessage(docs.channel, { messageId: gone.id }, w.as(graceId))
    postMessage(docs, { channelId: launch.id, text: 'Weekly report drafted.' }, w.as(scribe.id))

    const reportId = newId('dl')
    createDocument({ root: w.root, deliverable: new Y.Doc() }, { deliverableId: reportId, title: 'Weekly report', channelId: launch.id }, w.ada)
    setDeliverableStatus(w.root, { deliverableId: reportId, status: 'in-review' }, w.ada)
    createDocument({ root: w.root, deliverable: new Y.Doc() }, { deliverableId: newId('dl'), title: 'Random notes', channelId: other.id }, w.ada)
    addMemory(w.root, { kind: 'decision', text: 'Launch is on Friday', pinned: true }, w.ada)
    addMemory(w.root, { kind: 'fact', text: 'Not pinned, not included' }, w.ada)

    const snapshot = await snapshotChannelContext(w.source, launch.id, {}, fixedNow)
    expect(snapshot).toMatchObject({
      channelId: launch.id,
      channelName: 'launch',
      takenAt: fixedNow(),
      label: '#launch · 3 messages · 1 deliverable · 1 pinned',
      counts: { messages: 3, deliverables: 1, pinnedMemory: 1 }
    })
    const { text } = snapshot
    expect(text).toContain('Channel #launch (topic: Ship v2)')
    expect(text).toContain('Snapshot taken 2026-11-21 12:30 UTC.')
    expect(text).toMatch(/\] Ada Lovelace: We ship on Friday\. \(1 reply in its thread\)/)
    expect(text).toMatch(/\] Grace Hopper: Pricing page is still a draft\./)
    expect(text).toMatch(/\] Scribe \(AI coworker\): Weekly report drafted\./)
    expect(text).not.toContain('oops')
    expect(text).not.toContain('Agreed, Friday') // thread replies are not in the snapshot
    expect(text).toMatch(/"Weekly report" \(document, in-review, id dl_/)
    expect(text).not.toContain('Random notes')
    expect(text).toContain('- decision: Launch is on Friday')
    expect(text).not.toContain('Not pinned')
    // Oldest first.
    expect(text.indexOf('We ship on Friday')).toBeLessThan(text.indexOf('Weekly report drafted'))
  })

  it('stays within its limits: recent messages only, long ones cut, the oldest left out to fit', async () => {
    const w = workspace()
    const channel = createChannel(w.root, { name: 'busy' }, w.ada)
    const docs = { root: w.root, channel: w.docOf(channel.id) }
    for (let index = 1; index <= 40; index++) postMessage(docs, { channelId: channel.id, text: `message number ${index} ${'x'.repeat(index === 40 ? 5_000 : 50)}` }, w.ada)

    const few = await snapshotChannelContext(w.source, channel.id, { messages: 5, charsPerMessage: 200 }, fixedNow)
    expect(few.counts.messages).toBe(5)
    expect(few.text).toContain('the last 5 of 40')
    expect(few.text).not.toContain('message number 35 ')
    expect(few.text).toContain('message number 36 ')
    const last = few.text.split('\n').find((line) => line.includes('message number 40'))!
    expect(last.endsWith('…')).toBe(true)
    expect(last.length).toBeLessThan(260)

    const tight = await snapshotChannelContext(w.source, channel.id, { messages: 40, charsPerMessage: 200, totalChars: 1_200 }, fixedNow)
    expect(tight.text.length).toBeLessThanOrEqual(1_200)
    expect(tight.counts.messages).toBeGreaterThan(0)
    expect(tight.counts.messages).toBeLessThan(40)
    expect(tight.text).toContain('message number 40')
    expect(tight.text).not.toContain('message number 1 ')
    expect(tight.label).toBe(`#busy · ${tight.counts.messages} messages`)
  })

  it('says so when the channel is empty', async () => {
    const w = workspace()
    const channel = createChannel(w.root, { name: 'quiet' }, w.ada)
    const snapshot = await snapshotChannelContext(w.source, channel.id, {}, fixedNow)
    expect(snapshot.text).toContain('Recent messages: (none)')
    expect(snapshot.text).toContain('Deliverables in this channel:\n(none)')
    expect(snapshot.label).toBe('#quiet · 0 messages')
  })

  it('refuses a channel the person is not in, and one that does not exist', async () => {
    const w = workspace()
    const graceId = newId('mem')
    addPerson(w.root, { memberId: graceId, name: 'Grace Hopper' }, w.ada)
    const secret = createChannel(w.root, { name: 'secret' }, w.as(graceId))
    const error = await snapshotChannelContext(w.source, secret.id).catch((caught: unknown) => caught)
    expect(isCommonsError(error, 'forbidden')).toBe(true)
    expect((error as Error).message).toContain('#secret')
    await expect(snapshotChannelContext(w.source, newId('ch'))).rejects.toThrow(/was not found/)
  })
})
