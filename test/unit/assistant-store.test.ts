import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { AssistantSession } from '../../electron/host/assistant/assistantFile.ts'
import { AssistantFileError, AssistantStore } from '../../electron/host/assistant/assistantStore.ts'
import { isCommonsError } from '../../shared/errors.ts'
import { newId } from '../../shared/ids.ts'

let dir = ''
afterEach(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true })
})

async function freshDir(): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'commons-assistant-store-'))
  return dir
}

const posix = process.platform !== 'win32'

function session(workspaceId: string, fields: Partial<AssistantSession> = {}): AssistantSession {
  return {
    id: newId('ses'),
    workspaceId,
    title: 'Pricing ideas',
    createdAt: 1_000,
    updatedAt: 1_000,
    provider: 'anthropic',
    model: '',
    contextChip: null,
    messages: [],
    notes: [],
    ...fields
  }
}

describe('AssistantStore', () => {
  it('writes assistant.json only once there is a session, with mode 0600, and reads it back', async () => {
    const directory = await freshDir()
    const file = path.join(directory, 'assistant.json')
    const store = await AssistantStore.open({ directory })
    expect(store.list()).toEqual([])
    await expect(stat(file)).rejects.toThrow()

    const workspaceId = newId('ws')
    const created = await store.create(
      session(workspaceId, {
        contextChip: { channelId: newId('ch'), channelName: 'launch', label: '#launch · 2 messages', text: 'Channel #launch', takenAt: 900 },
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'What did we decide?' }] },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'recall', input: { query: 'decide' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ship Friday' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'You decided to ship on Friday.' }] }
        ]
      })
    )
    if (posix) expect((await stat(file)).mode & 0o777).toBe(0o600)
    const onDisk = JSON.parse(await readFile(file, 'utf8'))
    expect(onDisk.schemaVersion).toBe(1)
    expect(onDisk.sessions[created.id].messages).toHaveLength(4)

    const reopened = await AssistantStore.open({ directory })
    expect(reopened.get(created.id)).toEqual(created)
  })

  it("lists one workspace's sessions, most recently changed first, and deletes them", async () => {
    const store = await AssistantStore.open({ directory: await freshDir() })
    const [workspaceA, workspaceB] = [newId('ws'), newId('ws')]
    const older = await store.create(session(workspaceA, { updatedAt: 10 }))
    const newer = await store.create(session(workspaceA, { updatedAt: 20 }))
    await store.create(session(workspaceB, { updatedAt: 30 }))
    expect(store.list(workspaceA).map((item) => item.id)).toEqual([newer.id, older.id])
    expect(store.list()).toHaveLength(3)

    await store.update(older.id, (draft) => void (draft.updatedAt = 40))
    expect(store.list(workspaceA).map((item) => item.id)).toEqual([older.id, newer.id])

    expect(await store.delete(older.id)).toBe(true)
    expect(await store.delete(older.id)).toBe(false)
    expect(() => store.get(older.id)).toThrow(/was not found/)
    expect((await AssistantStore.open({ directory: dir })).list(workspaceA).map((item) => item.id)).toEqual([newer.id])
  })

  it('refuses a change that would not validate, and keeps the file and memory as they were', async () => {
    const directory = await freshDir()
    const store = await AssistantStore.open({ directory })
    const created = await store.create(session(newId('ws')))
    const before = await readFile(path.join(directory, 'assistant.json'), 'utf8')

    const error = await store.update(created.id, (draft) => void (draft.title = '')).catch((caught: unknown) => caught)
    expect(isCommonsError(error, 'invalid-input')).toBe(true)
    expect((error as Error).message).toMatch(/title/)
    await expect(store.update(created.id, (draft) => void ((draft.messages as unknown[]).push({ role: 'system', content: [] })))).rejects.toThrow(/messages/)
    await expect(store.create({ ...session(newId('ws')), id: 'not-an-id' })).rejects.toThrow(/sessions.not-an-id/)

    expect(store.get(created.id).title).toBe('Pricing ideas')
    expect(await readFile(path.join(directory, 'assistant.json'), 'utf8')).toBe(before)
  })

  it('never overwrites a broken file: opening fails with an error naming it', async () => {
    const directory = await freshDir()
    const file = path.join(directory, 'assistant.json')
    await writeFile(file, '{"schemaVersion": 1, "sessions": {', 'utf8')
    const error = await AssistantStore.open({ directory }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(AssistantFileError)
    expect((error as AssistantFileError).code).toBe('storage')
    expect((error as Error).message).toContain(file)
    expect((error as Error).message).toMatch(/not valid JSON/)
    expect((error as AssistantFileError).hint).toMatch(/move it aside/)
    expect(await readFile(file, 'utf8')).toBe('{"schemaVersion": 1, "sessions": {')

    const wrongShape = JSON.stringify({ schemaVersion: 1, sessions: { ses_x: { title: 'x' } } })
    await writeFile(file, wrongShape, 'utf8')
    await expect(AssistantStore.open({ directory })).rejects.toThrow(/is invalid at sessions/)
    expect(await readFile(file, 'utf8')).toBe(wrongShape)

    const newer = JSON.stringify({ schemaVersion: 7, sessions: {} })
    await writeFile(file, newer, 'utf8')
    const refused = await AssistantStore.open({ directory }).catch((caught: unknown) => caught)
    expect((refused as Error).message).toMatch(/newer version of Commons/)
    expect((refused as AssistantFileError).hint).toMatch(/update Commons/)
    expect(await readFile(file, 'utf8')).toBe(newer)
  })

  it('keeps fields a newer Commons wrote, and tightens a file left readable by others', async () => {
    const directory = await freshDir()
    const file = path.join(directory, 'assistant.json')
    const stored = session(newId('ws'))
    await writeFile(file, JSON.stringify({ schemaVersion: 1, sessions: { [stored.id]: { ...stored, pinned: true } }, extra: 'kept' }), { mode: 0o644 })
    if (posix) await chmod(file, 0o644)
    const store = await AssistantStore.open({ directory })
    if (posix) expect((await stat(file)).mode & 0o777).toBe(0o600)
    await store.update(stored.id, (draft) => void (draft.title = 'Renamed'))
    const onDisk = JSON.parse(await readFile(file, 'utf8'))
    expect(onDisk.extra).toBe('kept')
    expect(onDisk.sessions[stored.id]).toMatchObject({ title: 'Renamed', pinned: true })
  })

  it('runs changes one at a time, in order', async () => {
    const store = await AssistantStore.open({ directory: await freshDir() })
    const created = await store.create(session(newId('ws')))
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        store.update(created.id, (draft) => void draft.messages.push({ role: index % 2 === 0 ? 'user' : 'assistant', content: [{ type: 'text', text: `m${index}` }] }))
      )
    )
    const texts = (await AssistantStore.open({ directory: dir })).get(created.id).messages.map((message) => (message.content[0] as { text: string }).text)
    expect(texts).toEqual(Array.from({ length: 20 }, (_, index) => `m${index}`))
  })
})
