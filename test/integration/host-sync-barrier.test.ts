/**
 * The write barrier of waitForAgreement, against a minimal y-websocket server whose answers to sync
 * step 1 a test can hold back: agreement must wait for the step 2 that answers its own step 1, and
 * must start over on a new connection when the old one drops first.
 */

import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { WorkspaceSync } from '../../electron/host/sync/workspaceSync.ts'
import { newId } from '../../shared/ids.ts'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** One room, one Y.Doc; answers step 1 at once unless `hold` is set, then when `release()` is called. */
async function startGatedServer() {
  const doc = new Y.Doc()
  const sockets = new Set<WebSocket>()
  const held: Array<() => void> = []
  const listeners: Array<() => void> = []
  const state = { hold: false, step1Received: 0 }
  const changed = () => listeners.splice(0).forEach((listener) => listener())

  const http: Server = createServer((_req, res) => res.writeHead(404).end())
  const wss = new WebSocketServer({ server: http })
  wss.on('connection', (ws) => {
    sockets.add(ws)
    ws.on('close', () => sockets.delete(ws))
    const send = (write: (encoder: encoding.Encoder) => void) => {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, 0)
      write(encoder)
      if (ws.readyState === ws.OPEN) ws.send(encoding.toUint8Array(encoder))
    }
    send((encoder) => syncProtocol.writeSyncStep1(encoder, doc))
    ws.on('message', (data: Buffer) => {
      const decoder = decoding.createDecoder(new Uint8Array(data))
      if (decoding.readVarUint(decoder) !== 0) return // awareness: not needed here
      const type = decoding.readVarUint(decoder)
      if (type === syncProtocol.messageYjsSyncStep1) {
        state.step1Received++
        const stateVector = decoding.readVarUint8Array(decoder)
        const answer = () => send((encoder) => syncProtocol.writeSyncStep2(encoder, doc, stateVector))
        if (state.hold) held.push(answer)
        else answer()
        changed()
      } else {
        Y.applyUpdate(doc, decoding.readVarUint8Array(decoder), ws)
      }
    })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  const server = {
    url,
    doc,
    state,
    /** Answers every held step 1, in order. */
    release: () => held.splice(0).forEach((answer) => answer()),
    /** Drops every connection without answering what is held. */
    dropAll: () => {
      held.length = 0
      for (const socket of sockets) socket.terminate()
    },
    until: async (check: () => boolean) => {
      while (!check()) await new Promise<void>((resolve) => listeners.push(resolve))
    },
    close: async () => {
      for (const socket of sockets) socket.terminate()
      wss.close()
      await new Promise((resolve) => http.close(resolve))
    }
  }
  cleanups.push(server.close)
  return server
}

function tracked<T>(promise: Promise<T>) {
  const result = { settled: false, promise }
  promise.then(
    () => (result.settled = true),
    () => (result.settled = true)
  )
  return result
}

describe('waitForAgreement', () => {
  it('waits for the step 2 that answers its own step 1', async () => {
    const server = await startGatedServer()
    const workspaceId = newId('ws')
    const doc = new Y.Doc()
    const sync = new WorkspaceSync({ serverUrl: server.url, token: 't', workspaceId, maxBackoffMs: 200 })
    cleanups.push(() => sync.destroy())
    sync.attach(`${workspaceId}/root`, doc)
    await sync.waitForAgreement()

    server.state.hold = true
    doc.getArray('items').push(['x'])
    const before = server.state.step1Received
    const agreement = tracked(sync.waitForAgreement())
    await server.until(() => server.state.step1Received >= before + 1)
    // The server has the barrier step 1 but has not answered it.
    await new Promise((resolve) => setImmediate(resolve))
    expect(agreement.settled).toBe(false)
    expect(server.doc.getArray('items').toArray()).toEqual(['x'])
    server.release()
    await agreement.promise
  })

  it('times out naming a doc whose barrier the server never answers', async () => {
    const server = await startGatedServer()
    const workspaceId = newId('ws')
    const sync = new WorkspaceSync({ serverUrl: server.url, token: 't', workspaceId, maxBackoffMs: 200 })
    cleanups.push(() => sync.destroy())
    sync.attach(`${workspaceId}/root`, new Y.Doc())
    await sync.waitForAgreement()
    server.state.hold = true
    await expect(sync.waitForAgreement({ timeoutMs: 200 })).rejects.toThrow(
      `${workspaceId}/root is synced, but the server has not confirmed that it stored this device's changes`
    )
  })

  it('starts over on the next connection when the connection drops before the answer', async () => {
    const server = await startGatedServer()
    const workspaceId = newId('ws')
    const doc = new Y.Doc()
    const sync = new WorkspaceSync({ serverUrl: server.url, token: 't', workspaceId, maxBackoffMs: 200 })
    cleanups.push(() => sync.destroy())
    sync.attach(`${workspaceId}/root`, doc)
    await sync.waitForAgreement()

    server.state.hold = true
    const before = server.state.step1Received
    const agreement = tracked(sync.waitForAgreement())
    await server.until(() => server.state.step1Received >= before + 1)
    server.state.hold = false
    server.dropAll()
    // The reconnect sends y-websocket's step 1 and then a new barrier step 1; both are answered.
    await agreement.promise
    expect(server.state.step1Received).toBeGreaterThanOrEqual(before + 3)
  })
})
