import { createHash, randomBytes } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { api, Harness } from './helpers/syncServerHarness.ts'

const harness = new Harness()
afterEach(() => harness.cleanup())

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

describe('sync server: blobs', () => {
  it('stores, serves and checks content-addressed blobs per workspace', async () => {
    const server = await harness.server({ limits: { maxBlobBytes: 64 * 1024 } })
    const a = await server.register()
    const b = await server.register()
    const bytes = randomBytes(10_000)
    const hash = sha(bytes)
    const path = `/v1/workspaces/${a.workspaceId}/blobs/${hash}`

    expect((await api(server.url, 'HEAD', path, { token: a.token })).status).toBe(404)
    expect((await api(server.url, 'GET', path, { token: a.token })).status).toBe(404)
    expect((await api(server.url, 'PUT', path, { token: a.token, raw: bytes })).status).toBe(201)
    expect((await api(server.url, 'PUT', path, { token: a.token, raw: bytes })).status).toBe(200)

    const head = await api(server.url, 'HEAD', path, { token: a.token })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe('10000')
    const download = await fetch(server.url + path, { headers: { authorization: `Bearer ${a.token}` } })
    expect(download.status).toBe(200)
    expect(download.headers.get('content-type')).toBe('application/octet-stream')
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true)

    // Stored once, under blobs/ab/abcdef..., with no temp files left.
    expect(await readdir(join(server.dataDir, 'blobs', hash.slice(0, 2)))).toEqual([hash])
    expect(await readdir(join(server.dataDir, 'blobs', 'tmp'))).toEqual([])

    // Another workspace's token is refused; and that workspace does not see a's blob through its own path.
    expect((await api(server.url, 'GET', path, { token: b.token })).status).toBe(403)
    expect((await api(server.url, 'PUT', path, { token: b.token, raw: bytes })).status).toBe(403)
    expect((await api(server.url, 'HEAD', `/v1/workspaces/${b.workspaceId}/blobs/${hash}`, { token: b.token })).status).toBe(404)
    // ...until it uploads the same bytes itself.
    expect((await api(server.url, 'PUT', `/v1/workspaces/${b.workspaceId}/blobs/${hash}`, { token: b.token, raw: bytes })).status).toBe(201)
    expect((await api(server.url, 'HEAD', `/v1/workspaces/${b.workspaceId}/blobs/${hash}`, { token: b.token })).status).toBe(200)

    // No token, wrong hash, bad name, oversize.
    expect((await api(server.url, 'GET', path)).status).toBe(401)
    const other = randomBytes(100)
    const mismatch = await api(server.url, 'PUT', `/v1/workspaces/${a.workspaceId}/blobs/${sha(bytes.subarray(1))}`, { token: a.token, raw: other })
    expect(mismatch.status).toBe(400)
    expect(mismatch.body).toMatchObject({ error: expect.stringMatching(/hash/), hint: expect.any(String) })
    expect((await api(server.url, 'PUT', `/v1/workspaces/${a.workspaceId}/blobs/NOTAHASH`, { token: a.token, raw: other })).status).toBe(400)
    const big = randomBytes(64 * 1024 + 1)
    const tooBig = await api(server.url, 'PUT', `/v1/workspaces/${a.workspaceId}/blobs/${sha(big)}`, { token: a.token, raw: big })
    expect(tooBig.status).toBe(413)
    expect(await readdir(join(server.dataDir, 'blobs', 'tmp'))).toEqual([])
    expect((await api(server.url, 'HEAD', `/v1/workspaces/${a.workspaceId}/blobs/${sha(big)}`, { token: a.token })).status).toBe(404)
  })

  it('refuses an oversize blob sent without a length (chunked) once it passes the limit', async () => {
    const server = await harness.server({ limits: { maxBlobBytes: 1000 } })
    const a = await server.register()
    const big = randomBytes(5000)
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(big.subarray(i * 1000, (i + 1) * 1000))
        controller.close()
      }
    })
    const response = await fetch(`${server.url}/v1/workspaces/${a.workspaceId}/blobs/${sha(big)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${a.token}` },
      body,
      duplex: 'half'
    } as RequestInit)
    expect(response.status).toBe(413)
  })
})
