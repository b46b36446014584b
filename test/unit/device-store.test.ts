import { mkdtemp, readFile, readdir, rm, stat, writeFile, chmod } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DeviceFileError, DeviceStore } from '../../electron/host/device/deviceStore.ts'
import { isId, newId } from '../../shared/ids.ts'

let dir = ''
afterEach(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true })
})

async function freshDir(): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'commons-device-'))
  return dir
}

const posix = process.platform !== 'win32'

describe('DeviceStore', () => {
  it('creates device.json with a fresh device id, mode 0600, and reads it back', async () => {
    const directory = path.join(await freshDir(), 'nested', 'data')
    const store = await DeviceStore.open({ directory, displayName: 'Ada laptop' })
    expect(isId(store.deviceId, 'dev')).toBe(true)
    const file = path.join(directory, 'device.json')
    const onDisk = JSON.parse(await readFile(file, 'utf8'))
    expect(onDisk).toEqual({ schemaVersion: 1, deviceId: store.deviceId, displayName: 'Ada laptop', workspaces: {}, settings: {} })
    if (posix) expect((await stat(file)).mode & 0o777).toBe(0o600)

    const again = await DeviceStore.open({ directory, displayName: 'ignored' })
    expect(again.deviceId).toBe(store.deviceId)
    expect(again.get().displayName).toBe('Ada laptop')
  })

  it('stores workspaces and server links, validated, atomically and privately', async () => {
    const directory = await freshDir()
    const store = await DeviceStore.open({ directory })
    const workspaceId = newId('ws')
    const memberId = newId('mem')
    await store.setWorkspace(workspaceId, {
      name: 'Design',
      memberId,
      addedAt: new Date().toISOString(),
      server: { url: 'http://127.0.0.1:4455', token: 'cst_abcdefghijklmnop.secret', tokenId: 'abcdefghijklmnop', role: 'owner' }
    })
    await store.update((draft) => {
      draft.settings.theme = 'dark'
    })
    const reopened = await DeviceStore.open({ directory })
    expect(reopened.workspace(workspaceId)?.server?.role).toBe('owner')
    expect(reopened.get().settings).toEqual({ theme: 'dark' })
    // Only device.json is left: the temp file was renamed over it.
    expect(await readdir(directory)).toEqual(['device.json'])
    if (posix) expect((await stat(path.join(directory, 'device.json'))).mode & 0o777).toBe(0o600)

    await store.removeWorkspace(workspaceId)
    expect(store.workspace(workspaceId)).toBeUndefined()
  })

  it('refuses an invalid change and keeps the file as it was', async () => {
    const directory = await freshDir()
    const store = await DeviceStore.open({ directory })
    const before = await readFile(path.join(directory, 'device.json'), 'utf8')
    const workspaceId = newId('ws')
    await expect(
      store.update((draft) => {
        draft.workspaces[workspaceId] = {
          name: 'X',
          memberId: newId('mem'),
          addedAt: new Date().toISOString(),
          server: { url: 'http://h:1', token: 't', tokenId: 'i', role: 'admin' as 'owner' }
        }
      })
    ).rejects.toThrow(new RegExp(`refused to save .*device\\.json: workspaces\\.${workspaceId}\\.server\\.role: .*nothing was changed`))
    expect(store.workspace(workspaceId)).toBeUndefined()
    expect(await readFile(path.join(directory, 'device.json'), 'utf8')).toBe(before)
    // The store still works after a refused change.
    await store.update((draft) => {
      draft.displayName = 'renamed'
    })
    expect(store.get().displayName).toBe('renamed')
  })

  it('refuses to start on a broken file, names the file and field, and never overwrites it', async () => {
    const directory = await freshDir()
    const file = path.join(directory, 'device.json')
    const broken = JSON.stringify({ schemaVersion: 1, deviceId: 'dev_nope', displayName: 'x', workspaces: {}, settings: {} })
    await writeFile(file, broken)
    const attempt = DeviceStore.open({ directory })
    await expect(attempt).rejects.toBeInstanceOf(DeviceFileError)
    await expect(attempt).rejects.toThrow(`${file} is invalid at deviceId: expected an id like "dev_…"; Commons did not change it`)
    await expect(attempt).rejects.toMatchObject({ code: 'storage', hint: expect.stringMatching(/move it aside/) })
    expect(await readFile(file, 'utf8')).toBe(broken)

    await writeFile(file, '{"schemaVersion": 1,')
    await expect(DeviceStore.open({ directory })).rejects.toThrow(new RegExp(`${file.replace(/[.]/g, '\\.')} is not valid JSON`))
    expect(await readFile(file, 'utf8')).toBe('{"schemaVersion": 1,')

    await writeFile(file, JSON.stringify({ schemaVersion: 7 }))
    await expect(DeviceStore.open({ directory })).rejects.toThrow(/written by a newer version of Commons/)
    await expect(DeviceStore.open({ directory })).rejects.toMatchObject({ hint: 'update Commons to open this data directory' })
  })

  it('keeps fields written by a newer version, and tightens a loose file mode', async () => {
    const directory = await freshDir()
    const file = path.join(directory, 'device.json')
    const deviceId = newId('dev')
    await writeFile(file, JSON.stringify({ schemaVersion: 1, deviceId, displayName: 'x', workspaces: {}, settings: {}, future: { a: 1 } }))
    if (posix) await chmod(file, 0o644)
    const store = await DeviceStore.open({ directory })
    if (posix) expect((await stat(file)).mode & 0o777).toBe(0o600)
    await store.update((draft) => {
      draft.displayName = 'y'
    })
    expect(JSON.parse(await readFile(file, 'utf8')).future).toEqual({ a: 1 })
  })

  it('runs concurrent updates in order, each on the result of the last', async () => {
    const store = await DeviceStore.open({ directory: await freshDir() })
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.update((draft) => {
          draft.settings.count = ((draft.settings.count as number | undefined) ?? 0) + 1
          draft.settings[`k${i}`] = i
        })
      )
    )
    const reopened = await DeviceStore.open({ directory: dir })
    expect(reopened.get().settings.count).toBe(20)
  })
})
