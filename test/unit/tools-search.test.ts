import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { SessionSearch, type SearchSources } from '../../electron/host/search/sessionSearch.ts'
import { newId } from '../../shared/ids.ts'
import { createChannel } from '../../shared/operations/channels.ts'
import { createDocument, createTracker, writeDocument } from '../../shared/operations/deliverables.ts'
import { addFile } from '../../shared/operations/files.ts'
import { addMemory } from '../../shared/operations/memory.ts'
import { deleteMessage, editMessage, postMessage } from '../../shared/operations/messages.ts'
import { newWorkspace } from './fixtures/workspace.ts'

/** A workspace on plain Y.Docs, with sources that count leases the way the Host's open docs do. */
function workspace() {
  const ws = newWorkspace()
  const docs = new Map<string, Y.Doc>()
  const docOf = (name: string) => {
    let doc = docs.get(name)
    if (doc === undefined) docs.set(name, (doc = new Y.Doc()))
    return doc
  }
  const held = new Map<string, number>()
  const lease = (name: string) => {
    held.set(name, (held.get(name) ?? 0) + 1)
    let released = false
    return Promise.resolve({
      doc: docOf(name),
      release: () => {
        if (!released) held.set(name, held.get(name)! - 1)
        released = true
      }
    })
  }
  const sources: SearchSources = {
    root: ws.root,
    leaseChannel: (channelId) => lease(`channel/${channelId}`),
    leaseDeliverable: (deliverableId) => lease(`deliverable/${deliverableId}`)
  }
  const general = createChannel(ws.root, { name: 'general' }, ws.ada)
  const secret = createChannel(ws.root, { name: 'secret' }, ws.ada)
  const post = (channelId: string, text: string) => postMessage({ root: ws.root, channel: docOf(`channel/${channelId}`) }, { channelId, text }, ws.ada)
  const document = (title: string, markdown: string, channelId: string | null) => {
    const deliverableId = newId('dl')
    return createDocument({ root: ws.root, deliverable: docOf(`deliverable/${deliverableId}`) }, { deliverableId, title, markdown, channelId }, ws.ada)
  }
  return { ...ws, sources, held, docOf, general, secret, post, document }
}

describe('the session search', () => {
  it('finds messages, memory, document text and file text in the caller’s channels', async () => {
    const ws = workspace()
    const message = ws.post(ws.general.id, 'The quarterly budget is due on Friday')
    const memory = addMemory(ws.root, { kind: 'decision', text: 'We ship the zeppelin feature in March' }, ws.ada)
    const doc = ws.document('Plan', '# Plan\n\nThe marmalade migration starts next week.', ws.general.id)
    const file = addFile(ws.root, { name: 'notes.txt', size: 10, sha256: 'a'.repeat(64), text: 'Remember the periwinkle password rotation', channelId: null }, ws.ada)
    const search = new SessionSearch(ws.sources)
    const scope = { channelIds: new Set([ws.general.id]) }

    expect((await search.search('quarterly budget', scope)).map((hit) => [hit.kind, hit.id])).toEqual([['message', message.id]])
    expect((await search.search('zeppelin', scope)).map((hit) => [hit.kind, hit.id])).toEqual([['memory', memory.id]])
    expect((await search.search('marmalade', scope)).map((hit) => [hit.kind, hit.id])).toEqual([['deliverable', doc.id]])
    expect((await search.search('periwinkle', scope)).map((hit) => [hit.kind, hit.id])).toEqual([['file', file.id]])
    expect(search.message(ws.general.id, message.id)?.authorId).toBe(ws.adaId)
  })

  it('leaves out everything tied to a channel outside the scope', async () => {
    const ws = workspace()
    const secretMessage = ws.post(ws.secret.id, 'The launch codename is bluebird')
    addMemory(ws.root, { kind: 'fact', text: 'bluebird ships in May', source: { type: 'message', channelId: ws.secret.id, messageId: secretMessage.id } }, ws.ada)
    ws.document('Bluebird brief', 'All about bluebird.', ws.secret.id)
    addFile(ws.root, { name: 'bluebird.txt', size: 3, sha256: 'b'.repeat(64), text: 'bluebird', channelId: ws.secret.id }, ws.ada)
    const open = ws.post(ws.general.id, 'Has anyone heard of bluebird?')
    const search = new SessionSearch(ws.sources)

    const inGeneral = await search.search('bluebird', { channelIds: new Set([ws.general.id]) })
    expect(inGeneral.map((hit) => hit.id)).toEqual([open.id])
    // The secret channel's doc was never even opened for this caller.
    expect(ws.held.has(`channel/${ws.secret.id}`)).toBe(false)

    const inBoth = await search.search('bluebird', { channelIds: new Set([ws.general.id, ws.secret.id]) })
    expect(inBoth.map((hit) => hit.kind).sort()).toEqual(['deliverable', 'file', 'memory', 'message', 'message'])
  })

  it('follows new messages, edits and deletions without rescanning', async () => {
    const ws = workspace()
    const search = new SessionSearch(ws.sources)
    const scope = { channelIds: new Set([ws.general.id]) }
    expect(await search.search('kumquat', scope)).toEqual([])

    const posted = ws.post(ws.general.id, 'Kumquat tasting at noon')
    expect((await search.search('kumquat', scope)).map((hit) => hit.id)).toEqual([posted.id])

    editMessage({ root: ws.root, channel: ws.docOf(`channel/${ws.general.id}`) }, { messageId: posted.id, text: 'Lychee tasting at noon' }, ws.ada)
    expect(await search.search('kumquat', scope)).toEqual([])
    expect((await search.search('lychee', scope)).map((hit) => hit.id)).toEqual([posted.id])

    deleteMessage(ws.docOf(`channel/${ws.general.id}`), { messageId: posted.id }, ws.ada)
    expect(await search.search('lychee', scope)).toEqual([])
    // One lease for the channel, taken once.
    expect(ws.held.get(`channel/${ws.general.id}`)).toBe(1)
  })

  it('indexes documents made after it started, and follows their edits', async () => {
    const ws = workspace()
    const search = new SessionSearch(ws.sources)
    const scope = { channelIds: new Set([ws.general.id]) }
    await search.search('anything', scope)

    const doc = ws.document('Later', 'Written about saffron.', ws.general.id)
    expect((await search.search('saffron', scope)).map((hit) => hit.id)).toEqual([doc.id])
    writeDocument({ root: ws.root, deliverable: ws.docOf(`deliverable/${doc.id}`) }, { deliverableId: doc.id, markdown: 'Now about cardamom.' }, ws.ada)
    expect(await search.search('saffron', scope)).toEqual([])
    expect((await search.search('cardamom', scope)).map((hit) => hit.id)).toEqual([doc.id])
  })

  it('opens only what the kinds asked for need, and gives every lease back when disposed', async () => {
    const ws = workspace()
    ws.post(ws.general.id, 'hello')
    const doc = ws.document('Doc', 'text', ws.general.id)
    const trackerId = newId('dl')
    createTracker({ root: ws.root, deliverable: ws.docOf(`deliverable/${trackerId}`) }, { deliverableId: trackerId, title: 'Tracker', columns: [{ name: 'Task' }] }, ws.ada)
    const search = new SessionSearch(ws.sources)
    const scope = { channelIds: new Set([ws.general.id]) }

    await search.search('hello', { ...scope, kinds: ['memory'] })
    expect(search.indexed).toEqual({ channels: [], documents: [] })
    await search.search('hello', scope)
    expect(search.indexed).toEqual({ channels: [ws.general.id], documents: [doc.id] })
    // A tracker has no document text to follow.
    expect(ws.held.has(`deliverable/${trackerId}`)).toBe(false)

    search.dispose()
    expect([...ws.held.values()].every((count) => count === 0)).toBe(true)
    await expect(search.search('hello', scope)).rejects.toThrow(/closed/)
  })
})
