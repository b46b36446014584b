import { spawn } from 'node:child_process'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startSyncServer, type SyncServer } from '../../sync-server/server.ts'
import { cliBin, cliJson, runCli, temporaryDirectory } from './helpers/cli.ts'
import { freePort } from './helpers/devices.ts'

describe('commons with a sync server', () => {
  const cleanups: Array<() => Promise<unknown>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {})
  })

  async function setup() {
    const serverData = await temporaryDirectory('commons-server-')
    const ada = await temporaryDirectory('commons-ada-')
    const grace = await temporaryDirectory('commons-grace-')
    cleanups.push(serverData.remove, ada.remove, grace.remove)
    const port = await freePort()
    let server: SyncServer | null = await startSyncServer({ dataDir: serverData.path, port })
    cleanups.push(async () => server?.close())
    return {
      ada: ada.path,
      grace: grace.path,
      server: () => server!,
      async stopServer() {
        await server?.close()
        server = null
      },
      async startServer() {
        server = await startSyncServer({ dataDir: serverData.path, port })
      }
    }
  }

  it('invites a second device, which sees what the first posts, and the other way round', async () => {
    const { ada, grace, server } = await setup()
    const created = await cliJson(ada, ['init', '--name', 'Acme', '--user', 'Ada', '--server', server().url])
    expect(created.server).toBe(server().url)
    await cliJson(ada, ['channel', 'create', 'general'])
    await cliJson(ada, ['post', 'general', 'first message'])
    const { invite } = await cliJson(ada, ['invite'])
    expect(invite).toMatch(/^commons:\/\/join\//)

    const joined = await cliJson(grace, ['join', invite, '--user', 'Grace'])
    expect(joined.workspaceId).toBe(created.workspaceId)
    await cliJson(grace, ['channel', 'join', 'general'])
    expect((await cliJson<any[]>(grace, ['read', 'general'])).map((message) => message.text)).toEqual(['first message'])
    await cliJson(grace, ['post', 'general', 'hello from grace @ada'])
    const seenByAda = await cliJson<any[]>(ada, ['read', 'general'])
    expect(seenByAda.map((message) => message.text)).toEqual(['first message', 'hello from grace @ada'])
    expect(seenByAda[1].mentions).toHaveLength(1)
    const members = await cliJson<any[]>(ada, ['members'])
    expect(members.map((member) => member.name).sort()).toEqual(['Ada', 'Grace'])

    // An invite is used once by default.
    const other = await temporaryDirectory('commons-third-')
    cleanups.push(other.remove)
    const reused = await runCli(other.path, ['join', invite, '--user', 'Mallory'])
    expect(reused.code).toBe(3)
    expect(reused.stderr).toMatch(/401/)
  })

  it('follows a channel live with watch', async () => {
    const { ada, grace, server } = await setup()
    await cliJson(ada, ['init', '--name', 'Acme', '--user', 'Ada', '--server', server().url])
    await cliJson(ada, ['channel', 'create', 'general'])
    const { invite } = await cliJson(ada, ['invite'])
    await cliJson(grace, ['join', invite, '--user', 'Grace'])
    await cliJson(grace, ['channel', 'join', 'general'])

    const watcher = spawn(process.execPath, [cliBin, 'watch', 'general', '--json', '--data', grace], { env: { ...process.env, COMMONS_LOG_LEVEL: 'error' } })
    let output = ''
    let notes = ''
    watcher.stdout.on('data', (chunk) => (output += chunk))
    watcher.stderr.on('data', (chunk) => (notes += chunk))
    cleanups.push(async () => watcher.kill('SIGKILL'))
    await waitFor(() => notes.includes('watching #general'), 20_000)
    await cliJson(ada, ['post', 'general', 'live one'])
    await waitFor(() => output.includes('live one'), 20_000)
    expect(JSON.parse(output.trim().split('\n').at(-1)!).text).toBe('live one')
    const exited = new Promise<number | null>((resolve) => watcher.on('exit', resolve))
    watcher.kill('SIGINT')
    expect(await exited).toBe(0)
  })

  it('works offline when the server is down and delivers on the next sync', async () => {
    const { ada, grace, server, stopServer, startServer } = await setup()
    await cliJson(ada, ['init', '--name', 'Acme', '--user', 'Ada', '--server', server().url])
    await cliJson(ada, ['channel', 'create', 'general'])
    const { invite } = await cliJson(ada, ['invite'])
    await cliJson(grace, ['join', invite, '--user', 'Grace'])
    await cliJson(grace, ['channel', 'join', 'general'])

    await stopServer()
    const offline = await runCli(ada, ['post', 'general', 'written offline', '--timeout', '1'])
    expect(offline.code).toBe(0)
    expect(offline.stderr).toMatch(/saved on this device/)
    const offlineSync = await runCli(ada, ['sync', '--timeout', '1'])
    expect(offlineSync.code).toBe(3)
    expect((await runCli(ada, ['read', 'general', '--json', '--timeout', '1'])).stdout).toMatch(/written offline/)

    await startServer()
    await cliJson(ada, ['sync'])
    expect((await cliJson<any[]>(grace, ['read', 'general'])).map((message) => message.text)).toEqual(['written offline'])
  })

  it('refuses a device whose token was revoked, with exit code 3', async () => {
    const { ada, grace, server } = await setup()
    await cliJson(ada, ['init', '--name', 'Acme', '--user', 'Ada', '--server', server().url])
    const { invite } = await cliJson(ada, ['invite'])
    await cliJson(grace, ['join', invite, '--user', 'Grace'])
    const tokens = await fetch(`${server().url}/v1/admin/workspaces`, { headers: { authorization: `Bearer ${server().adminToken}` } })
    const workspaceId = ((await tokens.json()) as { workspaces: Array<{ workspaceId: string }> }).workspaces[0]!.workspaceId
    const listed = await fetch(`${server().url}/v1/admin/workspaces/${workspaceId}/tokens`, { headers: { authorization: `Bearer ${server().adminToken}` } })
    const graceToken = ((await listed.json()) as { tokens: Array<{ tokenId: string; name: string }> }).tokens.find((token) => token.name === 'Grace')!
    const revoked = await fetch(`${server().url}/v1/admin/tokens/${graceToken.tokenId}`, { method: 'DELETE', headers: { authorization: `Bearer ${server().adminToken}` } })
    expect(revoked.status).toBe(200)
    const refused = await runCli(grace, ['sync', '--timeout', '5'])
    expect(refused.code).toBe(3)
    expect(refused.stderr).toMatch(/revoked|invalid|access/i)
  })

  it('carries files through the blob endpoint to another device', async () => {
    const { ada, grace, server } = await setup()
    await cliJson(ada, ['init', '--name', 'Acme', '--user', 'Ada', '--server', server().url])
    const file = path.join(ada, 'device.json')
    const record = await cliJson(ada, ['file', 'add', file, '--name', 'copy.json'])
    const { invite } = await cliJson(ada, ['invite'])
    await cliJson(grace, ['join', invite, '--user', 'Grace'])
    const fetched = await runCli(grace, ['file', 'get', record.id])
    expect(fetched.code).toBe(0)
    expect(fetched.stdout.length).toBe(record.size)
  })
})

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
