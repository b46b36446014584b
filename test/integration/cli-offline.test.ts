import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliJson, runCli, temporaryDirectory } from './helpers/cli.ts'

// The command line on one device with no server, as a script would drive it.
describe('commons on a device with no server', () => {
  let data: Awaited<ReturnType<typeof temporaryDirectory>>

  beforeAll(async () => {
    data = await temporaryDirectory('commons-cli-')
  })
  afterAll(async () => {
    await data.remove()
  })

  it('prints help and refuses unknown commands and bad flags with exit code 1', async () => {
    const help = await runCli(data.path, ['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^  init +Create a workspace/m)
    const unknown = await runCli(data.path, ['frobnicate'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/)
    const badFlag = await runCli(data.path, ['channels', '--colour'])
    expect(badFlag.code).toBe(1)
    expect(badFlag.stderr).toMatch(/--colour/)
  })

  it('says how to start when the device has no workspace (exit 2)', async () => {
    const result = await runCli(data.path, ['channels'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/no workspace on this device yet/)
    expect(result.stderr).toMatch(/commons init --name NAME/)
  })

  it('creates a workspace, channels, and posts, reads and replies', async () => {
    const created = await cliJson(data.path, ['init', '--name', 'Acme', '--user', 'Ada Lovelace'])
    expect(created.workspaceId).toMatch(/^ws_/)
    expect(created.server).toBeNull()
    const channel = await cliJson(data.path, ['channel', 'create', 'general', '--topic', 'Anything goes'])
    expect(channel.name).toBe('general')
    const posted = await cliJson(data.path, ['post', 'general', 'hello @ada-lovelace'])
    expect(posted.mentions).toHaveLength(1)
    await cliJson(data.path, ['post', '#general', '-'], { stdin: 'from stdin\nwith two lines\n' })
    await cliJson(data.path, ['post', 'general', 'a reply', '--thread', posted.id])
    const read = await cliJson<any[]>(data.path, ['read', 'general', '--limit', '10'])
    expect(read.map((message) => message.text)).toEqual(['hello @ada-lovelace', 'from stdin\nwith two lines'])
    expect(read[0].replyCount).toBe(1)
    const thread = await cliJson<any[]>(data.path, ['read', 'general', '--thread', posted.id])
    expect(thread.map((message) => message.text)).toEqual(['hello @ada-lovelace', 'a reply'])
    const human = await runCli(data.path, ['read', 'general'])
    expect(human.stdout).toMatch(/Ada Lovelace: hello @ada-lovelace/)
    const channels = await cliJson<any[]>(data.path, ['channels'])
    expect(channels.map((entry) => entry.name)).toEqual(['general'])
  })

  it('names the field and the problem on bad input, and loses nothing', async () => {
    const bad = await runCli(data.path, ['channel', 'create', 'no/slashes'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/name: channel name may hold only letters/)
    const missing = await runCli(data.path, ['post', 'nowhere', 'hi'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/channel "nowhere" was not found/)
    const empty = await runCli(data.path, ['post', 'general', '-'], { stdin: '' })
    expect(empty.code).toBe(1)
    const limit = await runCli(data.path, ['read', 'general', '--limit', 'lots'])
    expect(limit.code).toBe(1)
    expect(limit.stderr).toMatch(/--limit must be a number/)
    expect(await cliJson<any[]>(data.path, ['read', 'general'])).toHaveLength(2)
  })

  it('keeps memory: add, list, search', async () => {
    await cliJson(data.path, ['memory', 'add', '--kind', 'decision', 'We ship releases on Thursdays'])
    await cliJson(data.path, ['memory', 'add', '--kind', 'preference', 'Reports use metric units', '--pin'])
    const listed = await cliJson<any[]>(data.path, ['memory', 'list'])
    expect(listed.map((item) => [item.kind, item.pinned])).toEqual([['preference', true], ['decision', false]])
    const found = await cliJson<any[]>(data.path, ['memory', 'search', 'thursday'])
    expect(found.map((item) => item.text)).toEqual(['We ship releases on Thursdays'])
    const badKind = await runCli(data.path, ['memory', 'add', '--kind', 'rumour', 'x'])
    expect(badKind.code).toBe(1)
    expect(badKind.stderr).toMatch(/kind must be fact, decision or preference/)
  })

  it('creates documents from Markdown and trackers, and exports them', async () => {
    const source = path.join(data.path, 'plan.md')
    await writeFile(source, '# Plan\n\n- ship **it**\n- test it\n')
    const document = await cliJson(data.path, ['doc', 'create', 'Launch plan', '--from', source, '--channel', 'general'])
    const exported = await runCli(data.path, ['doc', 'export', document.id])
    expect(exported.code).toBe(0)
    expect(exported.stdout).toMatch(/^# Plan\n\n- ship \*\*it\*\*\n- test it/)
    const shown = await cliJson(data.path, ['doc', 'show', document.id])
    expect(shown).toMatchObject({ title: 'Launch plan', status: 'draft' })

    const tracker = await cliJson(data.path, ['tracker', 'create', 'Deals', '--columns', 'Account,Value:number,Won:checkbox'])
    await cliJson(data.path, ['tracker', 'add', tracker.id, 'Account=Acme, Inc.', 'Value=1200', 'Won=yes'])
    const csvFile = path.join(data.path, 'deals.csv')
    await writeFile(csvFile, 'Account,Value\nGlobex,300\n"Initech ""North""",\n')
    expect((await cliJson(data.path, ['tracker', 'add', tracker.id, '--csv', csvFile])).rowIds).toHaveLength(2)
    const csv = await runCli(data.path, ['tracker', 'export', tracker.id])
    expect(csv.stdout).toBe('Account,Value,Won\r\n"Acme, Inc.",1200,true\r\nGlobex,300,\r\n"Initech ""North""",,\r\n')
    const badValue = await runCli(data.path, ['tracker', 'add', tracker.id, 'Value=lots'])
    expect(badValue.code).toBe(1)
    expect(badValue.stderr).toMatch(/Value: must be a number/)
    const notATracker = await runCli(data.path, ['tracker', 'export', document.id])
    expect(notATracker.code).toBe(1)
    const unknown = await runCli(data.path, ['doc', 'show', 'dl_aaaaaaaaaaaaaaaaaaaa'])
    expect(unknown.code).toBe(2)
    const listed = await cliJson<any[]>(data.path, ['deliverables'])
    expect(listed.map((item) => item.kind).sort()).toEqual(['document', 'tracker'])
  })

  it('adds files with extracted text and lists them', async () => {
    const notes = path.join(data.path, 'notes.md')
    const text = '# Notes\nThe launch is on Friday.\n'
    await writeFile(notes, text)
    const record = await cliJson(data.path, ['file', 'add', notes, '--channel', 'general'])
    expect(record).toMatchObject({ name: 'notes.md', size: Buffer.byteLength(text), mimeType: 'text/markdown', text: '# Notes\nThe launch is on Friday.\n' })
    expect(record.sha256).toMatch(/^[0-9a-f]{64}$/)
    const files = await cliJson<any[]>(data.path, ['file', 'list'])
    expect(files.map((file) => file.name)).toEqual(['notes.md'])
    const bytes = await runCli(data.path, ['file', 'get', record.id])
    expect(bytes.stdout).toBe('# Notes\nThe launch is on Friday.\n')
    const missing = await runCli(data.path, ['file', 'add', path.join(data.path, 'nope.txt')])
    expect(missing.code).toBe(2)
  })

  it('refuses to invite people to a workspace that has no server', async () => {
    const result = await runCli(data.path, ['invite'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/has no sync server/)
  })
})
