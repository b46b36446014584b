import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { newId } from '../../shared/ids.ts'
import { api, binPath, Harness, roomOf, runCli, waitFor, whenSynced } from './helpers/syncServerHarness.ts'

const harness = new Harness()
afterEach(() => harness.cleanup())

function metricValue(text: string, line: string): number {
  const match = new RegExp(`^${line.replace(/[{}"[\]().+*?^$|\\]/g, '\\$&')} (\\S+)$`, 'm').exec(text)
  if (match === null) throw new Error(`no metric line ${line}`)
  return Number(match[1])
}

describe('commons-sync command line', () => {
  it('lists workspaces and members, and revokes tokens, through the running server', async () => {
    const server = await harness.server()
    const owner = await server.register()
    const member = await server.join(owner.workspaceId, await server.invite(owner.workspaceId, owner.token), 'Bo')
    const live = server.provider(roomOf(owner.workspaceId), member.token)
    await whenSynced(live)

    const list = await runCli(['workspaces', '--data', server.dataDir, '--json'])
    expect(list).toMatchObject({ code: 0, stderr: '' })
    expect(JSON.parse(list.stdout)).toEqual({
      workspaces: [{ workspaceId: owner.workspaceId, name: 'Acme', createdAt: expect.any(String), tokens: 2, connections: 1 }]
    })
    const table = await runCli(['workspaces', '--data', server.dataDir])
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/^WORKSPACE\s+NAME\s+TOKENS\s+CONNECTIONS\s+CREATED$/m)
    expect(table.stdout).toContain(owner.workspaceId)

    const members = await runCli(['members', owner.workspaceId, '--data', server.dataDir, '--json'])
    expect(members.code).toBe(0)
    expect((JSON.parse(members.stdout) as { tokens: Array<{ tokenId: string; role: string }> }).tokens.map((t) => [t.tokenId, t.role])).toEqual([
      [owner.tokenId, 'owner'],
      [member.tokenId, 'member']
    ])
    const membersTable = await runCli(['members', owner.workspaceId, '--data', server.dataDir])
    expect(membersTable.stdout).toMatch(new RegExp(`^${member.tokenId}\\s+Bo\\s+member\\s+1\\s`, 'm'))

    const closed = new Promise<{ code: number }>((resolve) => live.on('closed', (event: { code: number }) => resolve(event)))
    const revoke = await runCli(['revoke', member.tokenId, '--data', server.dataDir, '--json'])
    expect(revoke.code).toBe(0)
    expect(JSON.parse(revoke.stdout)).toMatchObject({ tokenId: member.tokenId, closedConnections: 1 })
    expect((await closed).code).toBe(4401)

    // By --url and --admin-token instead of the data directory.
    const byUrl = await runCli(['revoke', member.tokenId, '--url', server.url, '--admin-token', server.server.adminToken, '--data', '/nonexistent'])
    expect(byUrl.code).toBe(0)
    expect(byUrl.stdout).toMatch(/revoked token/)
  })

  it('exits 2 for what is not there, 3 for access and connection errors, 1 for usage', async () => {
    const server = await harness.server()
    const empty = await harness.dataDir()
    const [notFound, revokeUnknown, wrongToken, noServer] = await Promise.all([
      runCli(['members', 'ws_aaaaaaaaaaaaaaaaaaaa', '--data', server.dataDir]),
      runCli(['revoke', 'aaaaaaaaaaaaaaaa', '--data', server.dataDir]),
      runCli(['workspaces', '--url', server.url, '--admin-token', 'csa_wrong']),
      runCli(['workspaces', '--data', empty])
    ])
    expect(notFound.code).toBe(2)
    expect(notFound.stderr).toMatch(/no workspace ws_aaaaaaaaaaaaaaaaaaaa[\s\S]*commons-sync workspaces/)
    expect(revokeUnknown.code).toBe(2)
    expect(wrongToken.code).toBe(3)
    expect(wrongToken.stderr).toMatch(/refused the admin token/)
    expect(noServer.code).toBe(3)
    expect(noServer.stderr).toMatch(/no running server found[\s\S]*commons-sync serve --data/)

    // server.json of a server that is gone.
    await writeFile(join(empty, 'server.json'), JSON.stringify({ url: 'http://127.0.0.1:1', port: 1, host: '127.0.0.1', pid: 1, startedAt: '' }))
    await writeFile(join(empty, 'admin-token'), 'csa_x\n')
    const gone = await runCli(['workspaces', '--data', empty])
    expect(gone.code).toBe(3)
    expect(gone.stderr).toMatch(/cannot reach the server[\s\S]*is it running/)

    // Usage errors, all at once (each is its own process).
    const [unknownCommand, missingId, unknownFlag, badPort, badLimit, badEnv, help] = await Promise.all([
      runCli(['frobnicate']),
      runCli(['members', '--data', empty]),
      runCli(['workspaces', '--bogus']),
      runCli(['serve', '--port', 'abc', '--data', empty]),
      runCli(['serve', '--data', empty, '--max-frame-bytes', '-5']),
      runCli(['serve', '--data', empty], { COMMONS_SYNC_IDLE_TIMEOUT_SECONDS: 'soon' }),
      runCli(['--help'])
    ])
    expect([unknownCommand.code, missingId.code, unknownFlag.code, badPort.code, badLimit.code, badEnv.code]).toEqual([1, 1, 1, 1, 1, 1])
    expect(unknownCommand.stderr).toMatch(/unknown command "frobnicate"/)
    expect(badPort.stderr).toMatch(/--port must be/)
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/--max-messages-per-second/)
  })

  it('takes its port, data directory and limits from env, and stops on SIGINT with exit 0', async () => {
    const dataDir = await harness.dataDir()
    const child = spawn(process.execPath, [binPath, 'serve'], {
      env: { ...process.env, COMMONS_SYNC_PORT: '0', COMMONS_SYNC_DATA: dataDir, COMMONS_SYNC_MAX_BLOB_BYTES: '10' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    harness.defer(() => void child.kill('SIGKILL'))
    const exited = new Promise((resolve) => child.once('exit', resolve))
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    await waitFor(() => /listening on/.test(out), 'the server to listen')
    expect(out).toContain(`(data: ${dataDir})`)
    const url = /listening on (\S+)/.exec(out)![1]!
    const workspaceId = newId('ws')
    const registered = await api(url, 'POST', '/v1/workspaces', { body: { workspaceId, name: 'a', ownerName: 'b' } })
    const token = (registered.body as { token: string }).token
    const put = await api(url, 'PUT', `/v1/workspaces/${workspaceId}/blobs/${'a'.repeat(64)}`, { token, raw: new Uint8Array(11) })
    expect(put.status).toBe(413)
    child.kill('SIGINT')
    expect(await exited).toBe(0)
  })
})

describe('sync server: health and metrics', () => {
  it('reports health and Prometheus metrics', async () => {
    const server = await harness.server()
    const { workspaceId, token } = await server.register()
    const room = roomOf(workspaceId)
    const a = server.provider(room, token)
    const b = server.provider(room, token)
    await Promise.all([whenSynced(a), whenSynced(b)])
    a.doc.getText('t').insert(0, 'x')
    await waitFor(() => b.doc.getText('t').toString() === 'x', 'the edit to arrive')

    const health = await fetch(server.url + '/healthz')
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'ok', uptimeSeconds: expect.any(Number), docsLoaded: 1, connections: 2 })

    // Writes are asynchronous; wait for the first one to be counted.
    let text = ''
    await waitFor(async () => {
      const response = await fetch(server.url + '/metrics')
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
      text = await response.text()
      return metricValue(text, 'commons_sync_persistence_write_seconds_count') > 0
    }, 'a persistence write')
    expect(metricValue(text, 'commons_sync_connections')).toBe(2)
    expect(metricValue(text, 'commons_sync_rooms_loaded')).toBe(1)
    expect(metricValue(text, 'commons_sync_messages_received_total{type="sync"}')).toBeGreaterThanOrEqual(3)
    expect(metricValue(text, 'commons_sync_messages_sent_total')).toBeGreaterThan(0)
    expect(metricValue(text, 'commons_sync_received_bytes_total')).toBeGreaterThan(0)
    expect(metricValue(text, 'commons_sync_persistence_write_seconds_bucket{le="+Inf"}')).toBe(metricValue(text, 'commons_sync_persistence_write_seconds_count'))
    expect(metricValue(text, 'commons_sync_persistence_write_failures_total')).toBe(0)
    expect(text).toMatch(/^# TYPE commons_sync_persistence_write_seconds histogram$/m)
    expect(text).toMatch(/^# TYPE commons_sync_connections gauge$/m)
  })
})
