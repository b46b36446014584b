import { afterEach, describe, expect, it } from 'vitest'
import * as encoding from 'lib0/encoding'
import { Harness, roomOf, waitFor, whenSynced, type TestServer } from './helpers/syncServerHarness.ts'

const harness = new Harness()
afterEach(() => harness.cleanup())

/** Checks that two providers in `room` still sync through `server`. */
async function stillSyncing(server: TestServer, room: string, token: string, text: string): Promise<void> {
  const a = server.provider(room, token)
  const b = server.provider(room, token)
  await Promise.all([whenSynced(a), whenSynced(b)])
  a.doc.getText('t').insert(0, text)
  await waitFor(() => b.doc.getText('t').toString().includes(text), `"${text}" to reach the other client`)
}

function bytes(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder()
  write(encoder)
  return encoding.toUint8Array(encoder)
}

const malformed: Array<[string, Uint8Array | string]> = [
  ['garbage bytes', new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x01, 0x02])],
  ['a truncated varint', new Uint8Array([0x80])],
  ['an unknown message type', new Uint8Array([7, 1, 2])],
  ['an auth message from a client', new Uint8Array([2, 0])],
  ['an unknown sync message type', new Uint8Array([0, 9, 0])],
  ['a truncated update', bytes((e) => { encoding.writeVarUint(e, 0); encoding.writeVarUint(e, 2); encoding.writeVarUint(e, 50); encoding.writeUint8(e, 1) })],
  ['an update that does not decode', bytes((e) => { encoding.writeVarUint(e, 0); encoding.writeVarUint(e, 2); encoding.writeVarUint8Array(e, new Uint8Array([5, 200, 200, 200, 1])) })],
  ['a bad state vector', bytes((e) => { encoding.writeVarUint(e, 0); encoding.writeVarUint(e, 0); encoding.writeVarUint8Array(e, new Uint8Array([3, 1])) })],
  ['awareness that is not JSON', bytes((e) => {
    encoding.writeVarUint(e, 1)
    encoding.writeVarUint8Array(e, bytes((inner) => { encoding.writeVarUint(inner, 1); encoding.writeVarUint(inner, 42); encoding.writeVarUint(inner, 1); encoding.writeVarString(inner, '{nope') }))
  })],
  ['bytes left over after a message', new Uint8Array([3, 0, 0])],
  ['an empty frame', new Uint8Array([])],
  ['a text frame', 'hello']
]

describe('sync server: bad input and limits', () => {
  it.each(malformed)('closes only the connection that sent %s (4400)', async (_what, frame) => {
    const server = await harness.server()
    const { workspaceId, token } = await server.register()
    const room = roomOf(workspaceId)
    const bystander = server.provider(room, token)
    await whenSynced(bystander)

    const bad = await server.rawClient(room, token)
    bad.ws.send(frame)
    const closed = await bad.closed
    expect(closed.code).toBe(4400)
    expect(closed.reason).toMatch(/malformed|text frames/)

    expect(bystander.wsconnected).toBe(true)
    await stillSyncing(server, room, token, 'still here')
    const metrics = await (await fetch(server.url + '/metrics')).text()
    expect(metrics).toMatch(/^commons_sync_refusals_total\{reason="malformed"\} 1$/m)
  })

  it('closes a connection that sends a frame over the limit with 1009', async () => {
    const server = await harness.server({ limits: { maxFrameBytes: 1024 } })
    const { workspaceId, token } = await server.register()
    const room = roomOf(workspaceId)
    const bystander = server.provider(room, token)
    await whenSynced(bystander)
    const big = await server.rawClient(room, token)
    big.send(new Uint8Array(2048))
    expect((await big.closed).code).toBe(1009)
    expect(bystander.wsconnected).toBe(true)
    await stillSyncing(server, room, token, 'after the big frame')
    const metrics = await (await fetch(server.url + '/metrics')).text()
    expect(metrics).toMatch(/^commons_sync_refusals_total\{reason="frame_too_large"\} 1$/m)
  })

  it('closes a connection over the message rate with 4529', async () => {
    const server = await harness.server({ limits: { maxMessagesPerSecond: 5 } })
    const { workspaceId, token } = await server.register()
    const room = roomOf(workspaceId)
    const flood = await server.rawClient(room, token)
    // Query-awareness messages are harmless; 100 of them at once are far past a burst of 10.
    for (let i = 0; i < 100; i++) flood.send([3])
    const closed = await flood.closed
    expect(closed.code).toBe(4529)
    expect(closed.reason).toMatch(/messages per second/)
  })

  it('closes a connection that sends nothing within the idle timeout with 4508', async () => {
    const server = await harness.server({ limits: { idleTimeoutSeconds: 0.3 } })
    const { workspaceId, token } = await server.register()
    const quiet = await server.rawClient(roomOf(workspaceId), token)
    const closed = await quiet.closed
    expect(closed.code).toBe(4508)
    expect(closed.reason).toMatch(/idle/)
    // A client that keeps talking stays.
    const chatty = await server.rawClient(roomOf(workspaceId), token)
    let sent = 0
    await waitFor(() => {
      chatty.send([3])
      sent++
      return sent > 40
    }, 'some chatter')
    expect(chatty.ws.readyState).toBe(chatty.ws.OPEN)
  })
})
