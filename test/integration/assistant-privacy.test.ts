import { readdir, readFile } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createAgentClient } from '../../electron/host/agent/index.ts'
import { AssistantService } from '../../electron/host/assistant/assistantService.ts'
import { AssistantStore } from '../../electron/host/assistant/assistantStore.ts'
import { Host } from '../../electron/host/host.ts'
import { ModelSettingsStore } from '../../electron/host/settings/index.ts'
import { WorkspaceSync } from '../../electron/host/sync/workspaceSync.ts'
import { createToolRegistry } from '../../electron/host/tools/registry.ts'
import { newId } from '../../shared/ids.ts'
import { silentLogger } from '../../shared/log.ts'
import { createChannel } from '../../shared/operations/channels.ts'
import { postMessage, readMessages } from '../../shared/operations/messages.ts'
import { startSyncServer, type SyncServer } from '../../sync-server/server.ts'
import { startFakeMessagesApi } from '../fakes/messagesApi.ts'
import { temporaryDirectory } from './helpers/cli.ts'

/**
 * The private assistant's promise, end to end: a session's prompt and reply never reach the sync server,
 * not in what it stores and not in what it receives, and only an explicit share makes one answer public.
 * The device talks to the server through a TCP proxy that records every byte, so the test sees exactly
 * what the server was sent (websocket frames unmasked).
 */

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {})
})

describe('the private assistant and the sync server', () => {
  it('keeps a private session off the server, and shares exactly one answer when asked', async () => {
    const serverDir = await temporaryDirectory('commons-assistant-server-')
    const deviceDir = await temporaryDirectory('commons-assistant-device-')
    cleanups.push(serverDir.remove, deviceDir.remove)
    let server = await startSyncServer({ dataDir: serverDir.path, port: 0, log: silentLogger })
    cleanups.push(() => server.close())
    const proxy = await RecordingProxy.start(server.port)
    cleanups.push(() => proxy.close())
    const model = await startFakeMessagesApi({ apiKey: 'sk-ant-test' })
    cleanups.push(() => model.close())

    const host = await Host.open({
      dataDir: deviceDir.path,
      source: 'test',
      log: silentLogger,
      createSync: (options) => new WorkspaceSync({ ...options, maxBackoffMs: 200 })
    })
    cleanups.push(() => host.close())
    const workspace = await host.createWorkspace({ name: 'Acme', userName: 'Ada', serverUrl: proxy.url })
    const launch = createChannel(workspace.root, { name: 'launch' }, workspace.context)
    await workspace.withChannel(launch.id, (docs) => postMessage(docs, { channelId: launch.id, text: 'We ship on Friday.' }, workspace.context))
    await workspace.waitForSync(15_000)

    const settings = await ModelSettingsStore.open({ dataDir: deviceDir.path, env: {}, log: silentLogger })
    await settings.setAnthropicKey('sk-ant-test')
    await settings.setAnthropicBaseUrl(model.url)
    const agent = createAgentClient({ log: silentLogger })
    cleanups.push(() => agent.close())
    const assistant = new AssistantService({
      store: await AssistantStore.open({ directory: deviceDir.path, log: silentLogger }),
      agent,
      tools: createToolRegistry(),
      models: settings,
      openWorkspace: (id) => host.openWorkspace(id),
      log: silentLogger
    })
    cleanups.push(async () => assistant.close())

    // Two markers: one only the person typed, one only the model wrote.
    const promptMarker = `prompt-${newId('ses')}`
    const replyMarker = `reply-${newId('ses')}`
    const session = await assistant.create({ workspaceId: workspace.id, channelId: launch.id })
    model.script(
      { type: 'message', content: [{ type: 'tool_use', name: 'read_channel', input: { channel: 'launch' } }] },
      { type: 'message', content: [{ type: 'text', text: `Ship it on Friday, as #launch agreed. (${replyMarker})` }] }
    )
    const streamed: string[] = []
    const result = await assistant.send(session.id, `Should we ship? Keep ${promptMarker} between us.`, { onText: (text) => streamed.push(text) })
    expect(result.outcome).toBe('completed')
    expect(result.reply).toContain(replyMarker)
    expect(streamed.join('')).toContain(replyMarker)
    // The model read the channel through the read-only tool, and was offered nothing that writes.
    const offered = (model.requests[0]!.body.tools as Array<{ name: string }>).map((tool) => tool.name)
    expect(offered).toContain('read_channel')
    expect(offered).not.toContain('post_message')
    expect(JSON.stringify(model.requests[1]!.body.messages)).toContain('We ship on Friday.')

    // A public message after the private session: the control that proves the capture sees channel traffic.
    const publicMarker = `public-${newId('msg')}`
    await workspace.withChannel(launch.id, (docs) => postMessage(docs, { channelId: launch.id, text: publicMarker }, workspace.context))
    await workspace.waitForSync(15_000)
    await server.close() // every update the server had is on disk now

    const serverFiles = await contentsUnder(serverDir.path)
    expect(serverFiles.length).toBeGreaterThan(0)
    expect(filesHolding(serverFiles, publicMarker).length).toBeGreaterThan(0)
    for (const marker of [promptMarker, replyMarker]) {
      expect(filesHolding(serverFiles, marker)).toEqual([])
      expect(proxy.sentToServer().includes(marker)).toBe(false)
      expect(proxy.sentToDevice().includes(marker)).toBe(false)
    }
    expect(proxy.sentToServer().includes(publicMarker)).toBe(true)
    expect(proxy.websocketFrames).toBeGreaterThan(0)

    // On the device, the session is in assistant.json and nowhere else.
    const deviceFiles = await contentsUnder(deviceDir.path)
    expect(filesHolding(deviceFiles, promptMarker).map((file) => path.basename(file))).toEqual(['assistant.json'])
    expect(filesHolding(deviceFiles, replyMarker).map((file) => path.basename(file))).toEqual(['assistant.json'])

    // The server comes back (same data, new port behind the same address); the person shares the answer.
    server = await startSyncServer({ dataDir: serverDir.path, port: 0, log: silentLogger })
    proxy.retarget(server.port)
    const answerIndex = assistant.get(session.id).messages.findLastIndex((message) => message.role === 'assistant')
    const shared = await assistant.shareToChannel(session.id, answerIndex, launch.id)
    expect(shared).toMatchObject({ authorId: workspace.memberId, sharedFromAssistant: true, text: `Ship it on Friday, as #launch agreed. (${replyMarker})` })
    await workspace.waitForSync(15_000)
    await server.close()

    // The answer is public now: the server received it and stored it. The prompt still never left.
    expect(proxy.sentToServer().includes(replyMarker)).toBe(true)
    const afterShare = await contentsUnder(serverDir.path)
    expect(filesHolding(afterShare, replyMarker).length).toBeGreaterThan(0)
    expect(proxy.sentToServer().includes(promptMarker)).toBe(false)
    expect(filesHolding(afterShare, promptMarker)).toEqual([])

    const texts = await workspace.withChannel(launch.id, (docs) => readMessages(docs.channel).map((message) => [message.text, message.sharedFromAssistant]))
    expect(texts).toEqual([
      ['We ship on Friday.', false],
      [publicMarker, false],
      [`Ship it on Friday, as #launch agreed. (${replyMarker})`, true]
    ])
  })
})

/** Every file under a directory with its bytes. */
async function contentsUnder(directory: string): Promise<Array<{ file: string; bytes: Buffer }>> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true })
  const files = entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name))
  return Promise.all(files.map(async (file) => ({ file, bytes: await readFile(file) })))
}

function filesHolding(files: Array<{ file: string; bytes: Buffer }>, marker: string): string[] {
  return files.filter(({ bytes }) => bytes.includes(marker)).map(({ file }) => file)
}

/**
 * A TCP proxy on loopback that forwards to the sync server's port and records every byte both ways, per
 * connection. The target can change (the server restarted on another port) while the address the
 * device uses stays the same.
 */
class RecordingProxy {
  readonly #connections: Array<{ up: Buffer[]; down: Buffer[] }> = []
  readonly #sockets = new Set<net.Socket>()
  websocketFrames = 0

  private constructor(
    private readonly server: net.Server,
    private target: number
  ) {}

  static async start(target: number): Promise<RecordingProxy> {
    const server = net.createServer()
    const proxy = new RecordingProxy(server, target)
    server.on('connection', (client) => proxy.#forward(client))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return proxy
  }

  get url(): string {
    const address = this.server.address() as net.AddressInfo
    return `http://127.0.0.1:${address.port}`
  }

  retarget(port: number): void {
    this.target = port
  }

  /** What the device sent: HTTP as it went, websocket payloads unmasked. */
  sentToServer(): Buffer {
    this.websocketFrames = 0
    return Buffer.concat(this.#connections.map((connection) => this.#decode(Buffer.concat(connection.up), true)))
  }

  sentToDevice(): Buffer {
    return Buffer.concat(this.#connections.map((connection) => this.#decode(Buffer.concat(connection.down), false)))
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  #forward(client: net.Socket): void {
    const record = { up: [] as Buffer[], down: [] as Buffer[] }
    this.#connections.push(record)
    const upstream = net.connect(this.target, '127.0.0.1')
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket)
      socket.on('close', () => this.#sockets.delete(socket))
      socket.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.on('data', (chunk: Buffer) => {
      record.up.push(Buffer.from(chunk))
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      record.down.push(Buffer.from(chunk))
      client.write(chunk)
    })
    client.on('end', () => upstream.end())
    upstream.on('end', () => client.end())
  }

  /**
   * One connection's bytes as the receiving side reads them. After an HTTP upgrade to websocket, frames
   * are parsed and their payloads unmasked (a client masks every frame with a random key, so its raw
   * bytes never show the text it carries); plain HTTP is left as it is.
   */
  #decode(bytes: Buffer, fromClient: boolean): Buffer {
    const headerEnd = bytes.indexOf('\r\n\r\n')
    if (headerEnd < 0) return bytes
    const head = bytes.subarray(0, headerEnd + 4)
    const upgraded = fromClient ? /^GET [^\r\n]+\r\n/.test(head.toString('latin1')) && /\r\nupgrade: websocket/i.test(head.toString('latin1')) : /^HTTP\/1\.1 101 /.test(head.toString('latin1'))
    if (!upgraded) return bytes
    const out: Buffer[] = [head]
    let offset = headerEnd + 4
    while (offset + 2 <= bytes.length) {
      const second = bytes[offset + 1]!
      let length = second & 0x7f
      let position = offset + 2
      if (length === 126) {
        length = bytes.readUInt16BE(position)
        position += 2
      } else if (length === 127) {
        length = Number(bytes.readBigUInt64BE(position))
        position += 8
      }
      const masked = (second & 0x80) !== 0
      const mask = masked ? bytes.subarray(position, position + 4) : null
      if (masked) position += 4
      const payload = Buffer.from(bytes.subarray(position, position + length))
      if (mask !== null) for (let index = 0; index < payload.length; index++) payload[index]! ^= mask[index % 4]!
      out.push(payload)
      if (fromClient) this.websocketFrames++
      offset = position + length
    }
    return Buffer.concat(out)
  }
}
