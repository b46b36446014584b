import { afterEach, describe, expect, it } from 'vitest'
import { Host } from '../../electron/host/host.ts'
import { decodeInvite, encodeInvite } from '../../electron/host/invites.ts'
import { channelDocName, rootDocName } from '../../shared/docNames.ts'
import { isCommonsError } from '../../shared/errors.ts'
import { silentLogger } from '../../shared/log.ts'
import { createChannel, listChannels } from '../../shared/operations/channels.ts'
import { postMessage, readMessages } from '../../shared/operations/messages.ts'
import { temporaryDirectory } from './helpers/cli.ts'

describe('the Host on one device', () => {
  const cleanups: Array<() => Promise<unknown>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {})
  })

  async function dataDir() {
    const directory = await temporaryDirectory('commons-host-')
    cleanups.push(directory.remove)
    return directory.path
  }

  it('opens a workspace with its root doc only, and channel docs on demand', async () => {
    const directory = await dataDir()
    let host = await Host.open({ dataDir: directory, source: 'test', log: silentLogger })
    const session = await host.createWorkspace({ name: 'Acme', userName: 'Ada' })
    const channelIds: string[] = []
    for (const name of ['one', 'two', 'three']) {
      const channel = createChannel(session.root, { name }, session.context)
      channelIds.push(channel.id)
      await session.withChannel(channel.id, (docs) => postMessage(docs, { channelId: channel.id, text: `hello ${name}` }, session.context))
    }
    await host.close()

    host = await Host.open({ dataDir: directory, source: 'test', log: silentLogger })
    cleanups.push(() => host.close())
    const [summary] = host.listWorkspaces()
    const reopened = await host.openWorkspace(summary!.id)
    expect(reopened.openDocNames).toEqual([rootDocName(summary!.id)])
    expect(listChannels(reopened.root).map((channel) => channel.name)).toEqual(['one', 'three', 'two'])
    const text = await reopened.withChannel(channelIds[1]!, (docs) => readMessages(docs.channel).map((message) => message.text))
    expect(text).toEqual(['hello two'])
    expect(reopened.openDocNames).toContain(channelDocName(summary!.id, channelIds[1]!))
  })

  it('closes channel docs nobody holds after a grace period', async () => {
    const directory = await dataDir()
    const host = await Host.open({ dataDir: directory, source: 'test', log: silentLogger, closeUnusedDocsAfterMs: 20 })
    cleanups.push(() => host.close())
    const session = await host.createWorkspace({ name: 'Acme', userName: 'Ada' })
    const channel = createChannel(session.root, { name: 'general' }, session.context)
    const lease = await session.leaseChannel(channel.id)
    expect(session.openDocNames).toContain(channelDocName(session.id, channel.id))
    lease.release()
    await expect.poll(() => session.openDocNames, { timeout: 2_000 }).toEqual([rootDocName(session.id)])
  })

  it('keeps one search per session, which ends with the session', async () => {
    const host = await Host.open({ dataDir: await dataDir(), source: 'test', log: silentLogger })
    cleanups.push(() => host.close())
    const session = await host.createWorkspace({ name: 'Acme', userName: 'Ada' })
    const search = session.search
    expect(session.search).toBe(search)
    await session.close()
    await expect(search.search('anything', { channelIds: new Set() })).rejects.toThrow(/closed/)
  })

  it('refuses a second process on the same data directory with a clear error', async () => {
    const directory = await dataDir()
    const first = await Host.open({ dataDir: directory, source: 'test', log: silentLogger })
    cleanups.push(() => first.close())
    const second = await Host.open({ dataDir: directory, source: 'test', log: silentLogger }).catch((error: unknown) => error)
    expect(second).toBeInstanceOf(Error)
    expect((second as Error).message).toMatch(/in use by another Commons process/)
  })

  it('explains a broken invite and an unreachable server', async () => {
    const host = await Host.open({ dataDir: await dataDir(), source: 'test', log: silentLogger })
    cleanups.push(() => host.close())
    const broken = await host.joinWorkspace({ invite: 'commons://join/garbage', userName: 'Grace' }).catch((error: unknown) => error)
    expect(isCommonsError(broken, 'invalid-input')).toBe(true)
    expect((broken as Error).message).toMatch(/not a Commons invite/)
    const invite = encodeInvite({ server: 'http://127.0.0.1:9', workspaceId: 'ws_aaaaaaaaaaaaaaaaaaaa', workspaceName: 'Acme', code: 'abcdefghijkl', expiresAt: new Date().toISOString() })
    expect(decodeInvite(invite).workspaceName).toBe('Acme')
    const unreachable = await host.joinWorkspace({ invite, userName: 'Grace' }).catch((error: unknown) => error)
    expect(isCommonsError(unreachable, 'connection')).toBe(true)
    expect(host.listWorkspaces()).toEqual([])
  })
})
