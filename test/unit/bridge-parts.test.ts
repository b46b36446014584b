import { describe, expect, it } from 'vitest'
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { DocPresence } from '../../electron/host/bridge/docPresence.ts'
import { isAppFrame } from '../../electron/host/bridge/appFrame.ts'
import { DocMessageRouter } from '../../renderer/bridge/docMessageRouter.ts'
import { asBridgeRequestError, BridgeRequestError } from '../../shared/bridge/bridgeRequestError.ts'
import type { Bridge, EventPayload } from '../../shared/bridge/contract.ts'
import { awarenessMessage, DocMessageError, messageQueryAwareness, readDocMessage, syncStep1Message, syncStep2Message, updateMessage } from '../../shared/bridge/docMessages.ts'
import { decodeFrame, encodeFrame, WireFormatError } from '../../shared/bridge/wireFormat.ts'
import { silentLogger } from '../../shared/log.ts'

describe('the wire format', () => {
  it('keeps byte fields as bytes, wherever they are', () => {
    const frame = { id: 3, name: 'doc.send', input: { subscriptionId: 's', message: new Uint8Array([0, 1, 255]), nested: [{ b: Buffer.from('hi') }, new Uint8Array()] } }
    const decoded = decodeFrame(encodeFrame(frame)) as typeof frame
    expect(decoded.input.message).toBeInstanceOf(Uint8Array)
    expect([...decoded.input.message]).toEqual([0, 1, 255])
    expect(new TextDecoder().decode((decoded.input.nested[0] as { b: Uint8Array }).b)).toBe('hi')
    expect(decoded.input.nested[1]).toEqual(new Uint8Array())
    expect(decoded).toEqual({ ...frame, input: { ...frame.input, nested: [{ b: new Uint8Array(Buffer.from('hi')) }, new Uint8Array()] } })
  })

  it('decodes from an ArrayBuffer and from a view into a larger buffer', () => {
    const encoded = encodeFrame({ kind: 'event', name: 'x', payload: { bytes: new Uint8Array([9]) } })
    const padded = new Uint8Array(encoded.byteLength + 10)
    padded.set(encoded, 5)
    expect(decodeFrame(padded.subarray(5, 5 + encoded.byteLength))).toEqual({ kind: 'event', name: 'x', payload: { bytes: new Uint8Array([9]) } })
    expect(decodeFrame(encoded.slice().buffer)).toEqual({ kind: 'event', name: 'x', payload: { bytes: new Uint8Array([9]) } })
  })

  it('leaves look-alike objects alone and refuses broken frames', () => {
    expect(decodeFrame(encodeFrame({ a: { $bytes: 'x' }, b: { $bytes: 0, other: 1 } }))).toEqual({ a: { $bytes: 'x' }, b: { $bytes: 0, other: 1 } })
    const encoded = encodeFrame({ message: new Uint8Array([1, 2, 3]) })
    expect(() => decodeFrame(encoded.subarray(0, encoded.byteLength - 1))).toThrow(WireFormatError)
    expect(() => decodeFrame(new Uint8Array())).toThrow(/empty frame/)
    expect(() => decodeFrame(encodeFrame({ $bytes: 4 }))).toThrow(/does not carry/)
    const text = new TextEncoder().encode('{not json')
    const bad = new Uint8Array(4 + text.byteLength)
    new DataView(bad.buffer).setUint32(0, text.byteLength)
    bad.set(text, 4)
    expect(() => decodeFrame(bad)).toThrow(/does not parse/)
  })
})

describe('doc messages', () => {
  it('sync two docs with step 1, step 2 and updates', () => {
    const host = new Y.Doc()
    host.getMap('m').set('a', 1)
    const replica = new Y.Doc()
    const awareness = new Awareness(replica)
    const target = { doc: replica, awareness, origin: 'host' }
    expect(readDocMessage(syncStep2Message(host), target).kind).toBe('sync-step-2')
    expect(replica.getMap('m').get('a')).toBe(1)
    const answer = readDocMessage(syncStep1Message(host), target)
    expect(answer.kind).toBe('sync-step-1')
    expect(answer.reply).not.toBeNull()
    let origin: unknown
    replica.on('update', (_update, updateOrigin) => (origin = updateOrigin))
    const other = new Y.Doc()
    Y.applyUpdate(other, Y.encodeStateAsUpdate(host))
    other.getMap('m').set('b', 2)
    readDocMessage(updateMessage(Y.encodeStateAsUpdate(other, Y.encodeStateVector(host))), target)
    expect(replica.getMap('m').get('b')).toBe(2)
    expect(origin).toBe('host')
    awareness.destroy()
  })

  it('apply awareness, answer a query, and refuse garbage', () => {
    const a = new Awareness(new Y.Doc())
    a.setLocalStateField('user', { name: 'Ada' })
    const b = new Awareness(new Y.Doc())
    const target = { doc: b.doc, awareness: b, origin: null }
    expect(readDocMessage(awarenessMessage(a, [a.clientID]), target).kind).toBe('awareness')
    expect(b.getStates().get(a.clientID)).toEqual({ user: { name: 'Ada' } })
    expect(readDocMessage(new Uint8Array([messageQueryAwareness]), target).reply).not.toBeNull()
    expect(() => readDocMessage(new Uint8Array([7]), target)).toThrow(DocMessageError)
    expect(() => readDocMessage(new Uint8Array([0, 2, 3, 1]), target)).toThrow(DocMessageError)
    expect(() => readDocMessage(new Uint8Array([0, 9, 0]), target)).toThrow(/unknown sync message type 9/)
    a.destroy()
    b.destroy()
  })
})

describe('doc presence', () => {
  function member(presence: DocPresence, remoteName = 'ws_x/root') {
    const received: Uint8Array[] = []
    const origin = {}
    const membership = presence.join('ws_x', remoteName, origin, (message) => received.push(message))
    const replica = new Awareness(new Y.Doc())
    const apply = () => readDocMessage(awarenessMessage(replica, [replica.clientID]), { doc: replica.doc, awareness: membership.awareness, origin })
    const view = new Awareness(new Y.Doc())
    view.setLocalState(null)
    const seen = () => {
      for (const message of received.splice(0)) readDocMessage(message, { doc: view.doc, awareness: view, origin: 'hub' })
      return view.getStates()
    }
    return { membership, replica, apply, seen }
  }

  it('shares states between members, links the provider both ways, and keeps local states when the provider drops its peers', () => {
    const remote = new Awareness(new Y.Doc())
    const presence = new DocPresence(() => remote, silentLogger)
    const first = member(presence)
    const second = member(presence)

    first.replica.setLocalStateField('user', { name: 'Ada' })
    first.apply()
    expect(second.seen().get(first.replica.clientID)).toEqual({ user: { name: 'Ada' } })
    expect(remote.getStates().get(first.replica.clientID)).toEqual({ user: { name: 'Ada' } })

    // Another device, through the provider.
    const peer = new Awareness(new Y.Doc())
    peer.setLocalStateField('user', { name: 'Grace' })
    applyAwarenessUpdate(remote, encodeAwarenessUpdate(peer, [peer.clientID]), 'provider')
    expect(first.seen().get(peer.clientID)).toEqual({ user: { name: 'Grace' } })
    // The provider's own (the Host's) state is not shown.
    expect(first.seen().has(remote.clientID)).toBe(false)

    // The provider's socket closes: it drops every state but its own, ours included.
    removeAwarenessStates(remote, [first.replica.clientID, peer.clientID], 'provider')
    expect(first.membership.awareness.getStates().has(first.replica.clientID)).toBe(true)
    expect(first.membership.awareness.getStates().has(peer.clientID)).toBe(false)

    // Leaving removes the member's state for everyone.
    first.membership.leave()
    expect(second.seen().has(first.replica.clientID)).toBe(false)
    second.membership.leave()
    for (const awareness of [remote, peer, first.replica, second.replica]) awareness.destroy()
  })

  it('works without a provider and starts afresh after the last member leaves', () => {
    const presence = new DocPresence(undefined, silentLogger)
    const first = member(presence)
    first.replica.setLocalStateField('typing', true)
    first.apply()
    const hub = first.membership.awareness
    first.membership.leave()
    const second = member(presence)
    expect(second.membership.awareness).not.toBe(hub)
    expect(second.seen().size).toBe(0)
    second.membership.leave()
    presence.close()
  })
})

describe('the doc message router', () => {
  it('holds messages for a subscription until it is claimed', () => {
    let deliver: (payload: EventPayload<'doc.message'>) => void = () => {}
    const bridge = {
      request: () => Promise.reject(new Error('unused')),
      on: (_name: string, listener: (payload: EventPayload<'doc.message'>) => void) => {
        deliver = listener
        return () => {}
      }
    } as unknown as Bridge
    const router = DocMessageRouter.of(bridge)
    expect(DocMessageRouter.of(bridge)).toBe(router)
    deliver({ subscriptionId: 's1', message: new Uint8Array([1]) as Uint8Array<ArrayBuffer> })
    deliver({ subscriptionId: 's1', message: new Uint8Array([2]) as Uint8Array<ArrayBuffer> })
    const got: number[] = []
    router.claim('s1', (message) => got.push(message[0]!))
    deliver({ subscriptionId: 's1', message: new Uint8Array([3]) as Uint8Array<ArrayBuffer> })
    expect(got).toEqual([1, 2, 3])
    router.release('s1')
    deliver({ subscriptionId: 's1', message: new Uint8Array([4]) as Uint8Array<ArrayBuffer> })
    expect(got).toEqual([1, 2, 3])
  })
})

describe('bridge errors and frames', () => {
  it('turns what a transport rejects with back into BridgeRequestErrors', () => {
    expect(asBridgeRequestError({ code: 'not-found', message: 'gone', hint: null })).toMatchObject({ code: 'not-found', message: 'gone', hint: null })
    const original = new BridgeRequestError('conflict', 'taken', 'pick another')
    expect(asBridgeRequestError(original)).toBe(original)
    expect(asBridgeRequestError(new Error('boom'))).toMatchObject({ code: 'internal', message: 'boom' })
  })

  it('accepts only the app’s own top-level frame', () => {
    expect(isAppFrame({ url: 'app://commons/', parent: null })).toBe(true)
    expect(isAppFrame({ url: 'app://commons/index.html#/c/ch_1', parent: null })).toBe(true)
    expect(isAppFrame({ url: 'app://commons/', parent: {} })).toBe(false)
    expect(isAppFrame({ url: 'app://other/', parent: null })).toBe(false)
    expect(isAppFrame({ url: 'https://commons/', parent: null })).toBe(false)
    expect(isAppFrame({ url: 'not a url', parent: null })).toBe(false)
    expect(isAppFrame(null)).toBe(false)
  })
})
