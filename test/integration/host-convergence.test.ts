import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { WorkspaceSync } from '../../electron/host/sync/workspaceSync.ts'
import { channelDocName } from '../../shared/docNames.ts'
import { rootCollections } from '../../shared/model/rootDoc.ts'
import { createChannel, joinChannel, listChannels, setChannelTopic } from '../../shared/operations/channels.ts'
import { addMemory, listMemory, pinMemory } from '../../shared/operations/memory.ts'
import { deleteMessage, editMessage, postMessage, readMessages } from '../../shared/operations/messages.ts'
import { startSyncServer, type SyncServer } from '../../sync-server/server.ts'
import { temporaryDirectory } from './helpers/cli.ts'
import { converge, freePort, seededRandom, spawnServer, workspaceOnDevices, type Device } from './helpers/devices.ts'

// Three devices with their own data directories, one sync server on loopback.
describe('three devices through one sync server', () => {
  const cleanups: Array<() => Promise<unknown>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {})
  })

  async function startServer(dataDir: string, port = 0): Promise<SyncServer> {
    return startSyncServer({ dataDir, port })
  }

  async function withChannels(devices: Device[], names: string[]): Promise<string[]> {
    const [owner] = devices
    const ids = names.map((name) => createChannel(owner!.session.root, { name }, owner!.session.context).id)
    await converge(devices)
    for (const device of devices.slice(1)) for (const id of ids) joinChannel(device.session.root, { channelId: id }, device.session.context)
    // Keep the channel docs open and syncing, as the desktop app does for joined channels.
    for (const device of devices) await device.session.openJoinedChannels()
    await converge(devices)
    return ids
  }

  it('converge live: a message on one device reaches the other two', async () => {
    const serverData = await temporaryDirectory('commons-server-')
    cleanups.push(serverData.remove)
    const server = await startServer(serverData.path)
    cleanups.push(() => server.close())
    const devices = await workspaceOnDevices(['ada', 'grace', 'linus'], server.url, cleanups)
    const [general] = await withChannels(devices, ['general'])
    const [ada, grace, linus] = devices
    await ada!.session.withChannel(general!, (docs) => postMessage(docs, { channelId: general!, text: 'hello all' }, ada!.session.context))
    for (const device of [grace!, linus!]) {
      await expect.poll(() => device.session.withChannel(general!, (docs) => readMessages(docs.channel).map((message) => message.text)), { timeout: 10_000 }).toEqual(['hello all'])
    }
    const memberNames = (device: Device) => [...rootCollections(device.session.root).members.values()].map((member) => member.get('name')).sort()
    expect(memberNames(ada!)).toEqual(['ada', 'grace', 'linus'])
    expect(memberNames(linus!)).toEqual(memberNames(ada!))
  })

  it('keep joined channels open and live in the background (the desktop app), and others on demand', async () => {
    const serverData = await temporaryDirectory('commons-server-')
    cleanups.push(serverData.remove)
    const server = await startServer(serverData.path)
    cleanups.push(() => server.close())
    const [ada, grace] = await workspaceOnDevices(['ada', 'grace'], server.url, cleanups, { backgroundSync: true })
    const general = createChannel(ada!.session.root, { name: 'general' }, ada!.session.context)
    const other = createChannel(ada!.session.root, { name: 'other' }, ada!.session.context)
    await converge([ada!, grace!])
    joinChannel(grace!.session.root, { channelId: general.id }, grace!.session.context)
    const generalDoc = channelDocName(grace!.session.id, general.id)
    await expect.poll(() => grace!.session.openDocNames.includes(generalDoc), { timeout: 10_000 }).toBe(true)
    expect(grace!.session.openDocNames).not.toContain(channelDocName(grace!.session.id, other.id))
    await ada!.session.withChannel(general.id, (docs) => postMessage(docs, { channelId: general.id, text: 'arrives without asking' }, ada!.session.context))
    await ada!.session.waitForSync(10_000)
    // Grace's device already holds the channel open: the message lands there with nobody reading it.
    const lease = await grace!.session.leaseChannel(general.id)
    try {
      await expect.poll(() => readMessages(lease.doc).map((message) => message.text), { timeout: 10_000 }).toEqual(['arrives without asking'])
    } finally {
      lease.release()
    }
  })

  it('merge offline edits from every device after reconnect, over many seeds, losing nothing', async () => {
    const seeds = Number(process.env.COMMONS_PROPERTY_SEEDS ?? 12)
    const serverData = await temporaryDirectory('commons-server-')
    cleanups.push(serverData.remove)
    const port = await freePort()
    let server: SyncServer | null = await startServer(serverData.path, port)
    cleanups.push(async () => server?.close())
    const devices = await workspaceOnDevices(['ada', 'grace', 'linus'], server.url, cleanups)
    const channelIds = await withChannels(devices, ['general', 'random'])
    const posted = new Set<string>()
    let divergedSeeds = 0

    for (let seed = 1; seed <= seeds; seed++) {
      const random = seededRandom(seed)
      const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
      await server!.close()
      server = null
      // Every device works offline: posts, edits and deletes its own messages, memory, topics.
      for (const device of devices) {
        const context = device.session.context
        const operations = 3 + Math.floor(random() * 6)
        for (let step = 0; step < operations; step++) {
          const channelId = pick(channelIds)
          const choice = random()
          await device.session.withChannel(channelId, (docs) => {
            const mine = readMessages(docs.channel, { limit: 200 }).filter((message) => message.authorId === context.actorId && message.deleted === null)
            if (choice < 0.5 || mine.length === 0) {
              const message = postMessage(docs, { channelId, text: `seed ${seed} ${device.name} step ${step}` }, context)
              posted.add(message.id)
            } else if (choice < 0.65) editMessage(docs, { messageId: pick(mine).id, text: `edited by ${device.name} in seed ${seed}` }, context)
            else if (choice < 0.75) deleteMessage(docs.channel, { messageId: pick(mine).id }, context)
            else if (choice < 0.85) addMemory(device.session.root, { kind: 'fact', text: `fact ${seed} ${device.name}` }, context)
            else if (choice < 0.92) setChannelTopic(device.session.root, { channelId, topic: `topic from ${device.name} ${seed}` }, context)
            else {
              const items = listMemory(device.session.root)
              if (items.length > 0) pinMemory(device.session.root, { memoryId: pick(items).id, pinned: random() < 0.5 }, context)
            }
          })
        }
      }
      // The devices really diverged while the server was away (otherwise this tests no merge).
      const offlineStates = await Promise.all(devices.map((device) => snapshot(device, channelIds)))
      if (JSON.stringify(offlineStates[0]) !== JSON.stringify(offlineStates[1])) divergedSeeds++
      server = await startServer(serverData.path, port)
      await converge(devices)
      const states = await Promise.all(devices.map((device) => snapshot(device, channelIds)))
      expect(states[1], `seed ${seed}: grace differs from ada`).toEqual(states[0])
      expect(states[2], `seed ${seed}: linus differs from ada`).toEqual(states[0])
      const ids = new Set(Object.values(states[0]!.channels).flat().map((message) => message.id))
      for (const id of posted) expect(ids.has(id), `seed ${seed}: message ${id} was lost`).toBe(true)
    }
    expect(divergedSeeds).toBe(seeds)
  })

  it('heal the server after it is killed with SIGKILL during writes: every device converges and no message is missing', async () => {
    const serverData = await temporaryDirectory('commons-server-')
    cleanups.push(serverData.remove)
    const port = await freePort()
    let child = await spawnServer(serverData.path, port)
    cleanups.push(async () => child.kill('SIGKILL'))
    const devices = await workspaceOnDevices(['ada', 'grace', 'linus'], `http://127.0.0.1:${port}`, cleanups)
    const [general] = await withChannels(devices, ['general'])
    const posted: string[] = []
    let writing = true
    const writers = devices.map(async (device) => {
      for (let index = 0; writing; index++) {
        const message = await device.session.withChannel(general!, (docs) => postMessage(docs, { channelId: general!, text: `${device.name} ${index}` }, device.session.context))
        posted.push(message.id)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    })
    await new Promise((resolve) => setTimeout(resolve, 400))
    child.kill('SIGKILL')
    await new Promise((resolve) => setTimeout(resolve, 200))
    writing = false
    await Promise.all(writers)
    child = await spawnServer(serverData.path, port)
    await converge(devices, 30_000)
    const states = await Promise.all(devices.map((device) => snapshot(device, [general!])))
    expect(states[1]).toEqual(states[0])
    expect(states[2]).toEqual(states[0])
    const ids = new Set(states[0]!.channels[general!]!.map((message) => message.id))
    expect(posted.length).toBeGreaterThan(30)
    expect(posted.filter((id) => !ids.has(id))).toEqual([])

    // The healed server alone now holds every message: a fresh client with an empty doc reads them all from it.
    const [owner] = devices
    const link = owner!.host.device.workspace(owner!.session.id)!.server!
    const client = new WorkspaceSync({ serverUrl: link.url, token: link.token, workspaceId: owner!.session.id })
    cleanups.push(async () => client.destroy())
    const channelDoc = new Y.Doc()
    client.attach(channelDocName(owner!.session.id, general!), channelDoc)
    await client.waitForAgreement({ timeoutMs: 15_000 })
    const fromServer = new Set(readMessages(channelDoc, { limit: 10_000 }).map((message) => message.id))
    expect(posted.filter((id) => !fromServer.has(id))).toEqual([])
  })
})

/** Everything a reader sees of a device's workspace: the root doc, and each channel's messages. */
async function snapshot(device: Device, channelIds: string[]) {
  const channels: Record<string, ReturnType<typeof readMessages>> = {}
  for (const channelId of channelIds) {
    channels[channelId] = await device.session.withChannel(channelId, (docs) => readMessages(docs.channel, { limit: 10_000 }))
  }
  const root = rootCollections(device.session.root)
  return {
    channels,
    channelList: listChannels(device.session.root, { includeArchived: true }),
    memory: listMemory(device.session.root),
    members: root.members.toJSON()
  }
}
