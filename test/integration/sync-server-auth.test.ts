import { afterEach, describe, expect, it } from 'vitest'
import { newId } from '../../shared/ids.ts'
import { api, Harness, roomOf, syncUrl, upgradeStatus, waitFor, whenSynced } from './helpers/syncServerHarness.ts'

const harness = new Harness()
afterEach(() => harness.cleanup())

interface TokenInfo {
  tokenId: string
  name: string
  role: string
  createdAt: string
  revokedAt: string | null
  connections: number
}

describe('sync server: workspaces, invites and tokens', () => {
  it('registers a workspace, invites a member, lists and revokes tokens', async () => {
    const server = await harness.server()
    const workspaceId = newId('ws')
    const owner = await server.register(workspaceId)
    expect(owner).toMatchObject({ workspaceId, role: 'owner' })
    expect(owner.token).toMatch(/^cst_[a-z2-7]{16}\.[A-Za-z0-9_-]{43}$/)
    expect(owner.token.slice(4, 20)).toBe(owner.tokenId)

    const again = await api(server.url, 'POST', '/v1/workspaces', { body: { workspaceId, name: 'x', ownerName: 'y' } })
    expect(again.status).toBe(409)
    expect(again.body).toMatchObject({ error: expect.any(String), hint: expect.any(String) })

    const invite = await api(server.url, 'POST', `/v1/workspaces/${workspaceId}/invites`, { body: { maxUses: 1, expiresInHours: 2 }, token: owner.token })
    expect(invite.status).toBe(201)
    const { code, maxUses, expiresAt } = invite.body as { code: string; maxUses: number; expiresAt: string }
    expect(maxUses).toBe(1)
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now())

    const joined = await api(server.url, 'POST', `/v1/workspaces/${workspaceId}/join`, { body: { code, name: 'Bo' } })
    expect(joined.status).toBe(201)
    expect(joined.body).toMatchObject({ workspaceId, workspaceName: 'Acme', role: 'member' })
    const member = joined.body as { token: string; tokenId: string }

    // The invite had one use.
    const usedUp = await api(server.url, 'POST', `/v1/workspaces/${workspaceId}/join`, { body: { code, name: 'Cy' } })
    expect(usedUp.status).toBe(401)
    const unknown = await api(server.url, 'POST', `/v1/workspaces/${workspaceId}/join`, { body: { code: 'inv_nope', name: 'Cy' } })
    expect(unknown.status).toBe(401)

    // Members may not invite or list tokens.
    expect((await api(server.url, 'POST', `/v1/workspaces/${workspaceId}/invites`, { body: {}, token: member.token })).status).toBe(403)
    expect((await api(server.url, 'GET', `/v1/workspaces/${workspaceId}/tokens`, { token: member.token })).status).toBe(403)

    const room = roomOf(workspaceId)
    const live = server.provider(room, member.token)
    await whenSynced(live)
    const listed = await api(server.url, 'GET', `/v1/workspaces/${workspaceId}/tokens`, { token: owner.token })
    expect(listed.status).toBe(200)
    const tokens = (listed.body as { tokens: TokenInfo[] }).tokens
    expect(tokens.map((t) => [t.tokenId, t.name, t.role, t.revokedAt, t.connections])).toEqual([
      [owner.tokenId, 'Ann', 'owner', null, 0],
      [member.tokenId, 'Bo', 'member', null, 1]
    ])

    // Revocation closes the live connection at once with 4401, and y-websocket does not reconnect.
    const closed = new Promise<{ code: number }>((resolve) => live.on('closed', (event: { code: number }) => resolve(event)))
    const revoked = await api(server.url, 'DELETE', `/v1/workspaces/${workspaceId}/tokens/${member.tokenId}`, { token: owner.token })
    expect(revoked.status).toBe(200)
    expect(revoked.body).toMatchObject({ tokenId: member.tokenId, revokedAt: expect.any(String), closedConnections: 1 })
    expect((await closed).code).toBe(4401)
    expect(live.shouldConnect).toBe(false)

    const url = `${syncUrl(server.url)}/${room}?token=${member.token}`
    expect((await upgradeStatus(url)).status).toBe(401)
    expect((await api(server.url, 'PUT', `/v1/workspaces/${workspaceId}/blobs/${'0'.repeat(64)}`, { token: member.token, raw: new Uint8Array() })).status).toBe(401)
    const after = await api(server.url, 'GET', `/v1/workspaces/${workspaceId}/tokens`, { token: owner.token })
    expect((after.body as { tokens: TokenInfo[] }).tokens[1]).toMatchObject({ revokedAt: expect.any(String), connections: 0 })
    // Unknown token ids, and those of other workspaces, are not found.
    const other = await server.register()
    expect((await api(server.url, 'DELETE', `/v1/workspaces/${workspaceId}/tokens/${other.tokenId}`, { token: owner.token })).status).toBe(404)
  })

  it('refuses bad upgrades with an HTTP status before upgrading', async () => {
    const server = await harness.server({ limits: { maxConnectionsPerToken: 2 } })
    const a = await server.register()
    const b = await server.register()
    const base = syncUrl(server.url)
    const room = roomOf(a.workspaceId)

    expect(await upgradeStatus(`${base}/${room}?token=${a.token}`)).toEqual({ status: 101, body: undefined })
    const noToken = await upgradeStatus(`${base}/${room}`)
    expect(noToken.status).toBe(401)
    expect(noToken.body).toMatchObject({ error: expect.any(String), hint: expect.any(String) })
    expect((await upgradeStatus(`${base}/${room}?token=garbage`)).status).toBe(401)
    const wrongSecret = a.token.slice(0, -4) + (a.token.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    expect((await upgradeStatus(`${base}/${room}?token=${wrongSecret}`)).status).toBe(401)
    expect((await upgradeStatus(`${base}/${room}?token=${b.token}`)).status).toBe(403)
    expect((await upgradeStatus(`${base}/not-a-room?token=${a.token}`)).status).toBe(400)
    expect((await upgradeStatus(`${base}/${a.workspaceId}?token=${a.token}`)).status).toBe(400)
    expect((await upgradeStatus(`${base}/${a.workspaceId}/channel/a%2Fb?token=${a.token}`)).status).toBe(400)
    expect((await upgradeStatus(`${base}/${a.workspaceId}/a/b/c/d?token=${a.token}`)).status).toBe(400)
    expect((await upgradeStatus(`${server.url.replace('http', 'ws')}/elsewhere?token=${a.token}`)).status).toBe(404)

    // Connections per token.
    const p1 = server.provider(roomOf(a.workspaceId), a.token)
    const p2 = server.provider(roomOf(a.workspaceId), a.token)
    await Promise.all([whenSynced(p1), whenSynced(p2)])
    expect((await upgradeStatus(`${base}/${room}?token=${a.token}`)).status).toBe(429)
    p1.destroy()
    await waitFor(async () => (await upgradeStatus(`${base}/${room}?token=${a.token}`)).status === 101, 'a free slot again')

    const metrics = await (await fetch(server.url + '/metrics')).text()
    for (const reason of ['no_token', 'bad_token', 'wrong_workspace', 'bad_room', 'too_many_connections']) {
      expect(metrics).toMatch(new RegExp(`^commons_sync_refusals_total\\{reason="${reason}"\\} [1-9]`, 'm'))
    }
  })

  it('checks the registration secret when the server has one, and validates bodies', async () => {
    const server = await harness.server({ registrationSecret: 'let-me-in' })
    const body = { workspaceId: newId('ws'), name: 'Acme', ownerName: 'Ann' }
    expect((await api(server.url, 'POST', '/v1/workspaces', { body })).status).toBe(401)
    expect((await api(server.url, 'POST', '/v1/workspaces', { body, token: 'wrong' })).status).toBe(401)
    expect((await api(server.url, 'POST', '/v1/workspaces', { body, token: 'let-me-in' })).status).toBe(201)

    const bad = await api(server.url, 'POST', '/v1/workspaces', { body: { ...body, workspaceId: 'ws_bad' }, token: 'let-me-in' })
    expect(bad.status).toBe(400)
    expect((bad.body as { error: string }).error).toMatch(/workspaceId/)
    const notJson = await api(server.url, 'POST', '/v1/workspaces', { raw: new TextEncoder().encode('{nope'), token: 'let-me-in', headers: { 'content-type': 'application/json' } })
    expect(notJson.status).toBe(400)
    expect((await api(server.url, 'GET', '/v1/nothing-here')).status).toBe(404)
    expect((await api(server.url, 'DELETE', '/healthz')).status).toBe(405)
  })

  it('expires invites and honours maxUses', async () => {
    const server = await harness.server()
    const owner = await server.register()
    const code = await server.invite(owner.workspaceId, owner.token, { maxUses: 2 })
    await server.join(owner.workspaceId, code, 'one')
    await server.join(owner.workspaceId, code, 'two')
    expect((await api(server.url, 'POST', `/v1/workspaces/${owner.workspaceId}/join`, { body: { code, name: 'three' } })).status).toBe(401)
    // A code is bound to its workspace.
    const other = await server.register()
    const code2 = await server.invite(owner.workspaceId, owner.token)
    expect((await api(server.url, 'POST', `/v1/workspaces/${other.workspaceId}/join`, { body: { code: code2, name: 'x' } })).status).toBe(401)
    expect((await api(server.url, 'POST', `/v1/workspaces/${owner.workspaceId}/invites`, { body: { maxUses: 0 }, token: owner.token })).status).toBe(400)
    expect((await api(server.url, 'POST', `/v1/workspaces/${owner.workspaceId}/invites`, { body: { expiresInHours: 721 }, token: owner.token })).status).toBe(400)
  })

  it('keeps tokens and revocations across a restart', async () => {
    const dataDir = await harness.dataDir()
    const first = await harness.server({ dataDir })
    const owner = await first.register()
    const member = await first.join(owner.workspaceId, await first.invite(owner.workspaceId, owner.token))
    await api(first.url, 'DELETE', `/v1/workspaces/${owner.workspaceId}/tokens/${member.tokenId}`, { token: owner.token })
    await first.server.close()
    const second = await harness.server({ dataDir })
    const room = roomOf(owner.workspaceId)
    expect((await upgradeStatus(`${syncUrl(second.url)}/${room}?token=${owner.token}`)).status).toBe(101)
    expect((await upgradeStatus(`${syncUrl(second.url)}/${room}?token=${member.token}`)).status).toBe(401)
    expect(second.server.adminToken).toBe(first.server.adminToken)
  })
})
