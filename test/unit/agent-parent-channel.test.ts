import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { isCommonsError } from '../../shared/errors.ts'
import { connectToParent } from '../../electron/agent/parentChannel.ts'

// How the agent process finds its channel to the Host: Electron's parentPort, or Node's fork IPC.

type ProcessArgument = Parameters<typeof connectToParent>[0]

describe('agent parent channel', () => {
  it("uses Electron's parentPort when the process has one", async () => {
    const port = Object.assign(new EventEmitter(), { posted: [] as unknown[], postMessage: (message: unknown) => port.posted.push(message) })
    const proc = Object.assign(new EventEmitter(), { parentPort: port, send: () => true, connected: true })
    const channel = connectToParent(proc as unknown as ProcessArgument)
    const received: unknown[] = []
    channel.onMessage((message) => received.push(message))

    port.emit('message', { data: { type: 'shutdown' } })
    channel.send({ type: 'ready', pid: 7 })
    await channel.flush()

    expect(channel.kind).toBe('utility-process')
    expect(received).toEqual([{ type: 'shutdown' }])
    expect(port.posted).toEqual([{ type: 'ready', pid: 7 }])
  })

  it('uses fork IPC otherwise, waits for sends to be handed over, and sends nothing once disconnected', async () => {
    const sent: unknown[] = []
    let complete: (() => void) | undefined
    const proc = Object.assign(new EventEmitter(), {
      connected: true,
      send: (message: unknown, _handle: unknown, _options: unknown, callback: () => void) => {
        sent.push(message)
        complete = callback
        return true
      }
    })
    const channel = connectToParent(proc as unknown as ProcessArgument)
    const received: unknown[] = []
    let disconnected = false
    channel.onMessage((message) => received.push(message))
    channel.onDisconnect(() => (disconnected = true))

    proc.emit('message', { type: 'shutdown' })
    channel.send({ type: 'ready', pid: 8 })
    let flushed = false
    const flushing = channel.flush().then(() => (flushed = true))
    await Promise.resolve()
    expect(flushed).toBe(false)
    complete?.()
    await flushing

    proc.connected = false
    proc.emit('disconnect')
    channel.send({ type: 'ready', pid: 9 })

    expect(channel.kind).toBe('fork')
    expect(received).toEqual([{ type: 'shutdown' }])
    expect(sent).toEqual([{ type: 'ready', pid: 8 }])
    expect(disconnected).toBe(true)
  })

  it('says how to start it when there is no channel at all', () => {
    const proc = Object.assign(new EventEmitter(), { connected: false })
    let thrown: unknown
    try {
      connectToParent(proc as unknown as ProcessArgument)
    } catch (error) {
      thrown = error
    }
    expect(isCommonsError(thrown, 'config')).toBe(true)
    expect((thrown as Error).message).toMatch(/no channel to the Host/)
  })
})
