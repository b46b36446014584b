import { afterEach, describe, expect, it } from 'vitest'
import { startFakeMessagesApi, type FakeMessagesApi } from '../fakes/messagesApi.ts'
import { cliJson, runCli, temporaryDirectory } from './helpers/cli.ts'

// The AI side of the command line, with the real SDK pointed at the local fake Messages API.
describe('commons with a model', () => {
  const cleanups: Array<() => Promise<unknown>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {})
  })

  async function setup(): Promise<{ data: string; fake: FakeMessagesApi; env: Record<string, string> }> {
    const fake = await startFakeMessagesApi({ apiKey: 'sk-test-key' })
    cleanups.push(() => fake.close())
    const directory = await temporaryDirectory('commons-ai-')
    cleanups.push(directory.remove)
    const env = { ANTHROPIC_API_KEY: 'sk-test-key', ANTHROPIC_BASE_URL: fake.url }
    await cliJson(directory.path, ['init', '--name', 'Acme', '--user', 'Ada'])
    await cliJson(directory.path, ['channel', 'create', 'general'])
    return { data: directory.path, fake, env }
  }

  it('says when no model is configured, and how to set one up', async () => {
    const { data } = await setup()
    const shown = await runCli(data, ['model', 'show'], { env: { ANTHROPIC_API_KEY: '', ANTHROPIC_BASE_URL: '' } })
    expect(shown.code).toBe(0)
    expect(shown.stdout).toMatch(/no key \(set one with `commons model set anthropic --key -`/)
    expect(shown.stdout).toMatch(/Coworker tasks will not run on this device/)
    const asked = await runCli(data, ['assistant', '--message', 'hello?'], { env: { ANTHROPIC_API_KEY: '', ANTHROPIC_BASE_URL: '' } })
    expect(asked.code).toBe(3)
    expect(asked.stderr).toMatch(/hint:/)
  })

  it('tests the connection, and reports a bad key with what to do', async () => {
    const { data, env, fake } = await setup()
    const good = await runCli(data, ['model', 'test'], { env })
    expect(good.code).toBe(0)
    expect(good.stdout).toMatch(/anthropic answers/)
    const bad = await runCli(data, ['model', 'test'], { env: { ...env, ANTHROPIC_API_KEY: 'sk-wrong' } })
    expect(bad.code).toBe(3)
    expect(bad.stdout).toMatch(/refused|401|key/i)
    expect(fake.requests.every((request) => !('temperature' in request.body))).toBe(true)
  })

  it('stores a key from stdin without printing it', async () => {
    const { data } = await setup()
    const set = await runCli(data, ['model', 'set', 'anthropic', '--key', '-'], { stdin: 'sk-from-stdin-1234\n', env: { ANTHROPIC_API_KEY: '' } })
    expect(set.code).toBe(0)
    expect(set.stdout).not.toMatch(/sk-from-stdin/)
    expect(set.stdout).toMatch(/key …1234 from settings/)
  })

  it('answers privately in one shot, then shares the answer to the channel on request', async () => {
    const { data, env, fake } = await setup()
    await cliJson(data, ['post', 'general', 'Our launch is on Friday'])
    fake.script({ type: 'message', content: [{ type: 'text', text: 'The launch is on Friday, per #general.' }] })
    const answer = await runCli(data, ['assistant', '--channel', 'general', '--message', 'When is the launch?'], { env })
    expect(answer.code).toBe(0)
    expect(answer.stdout).toContain('The launch is on Friday, per #general.')
    // The channel's context reached the model; nothing was posted to the channel.
    expect(JSON.stringify(fake.requests.at(-1)!.body)).toContain('Our launch is on Friday')
    expect((await cliJson<any[]>(data, ['read', 'general'])).map((message) => message.text)).toEqual(['Our launch is on Friday'])

    fake.script({ type: 'message', content: [{ type: 'text', text: 'Friday it is.' }] })
    const interactive = await runCli(data, ['assistant', '--channel', 'general'], { env, stdin: 'Confirm the day\n/share\n/quit\n' })
    expect(interactive.code).toBe(0)
    expect(interactive.stderr).toMatch(/shared to #general/)
    const channel = await cliJson<any[]>(data, ['read', 'general'])
    expect(channel.at(-1)).toMatchObject({ text: 'Friday it is.', sharedFromAssistant: true })
    const sessions = await cliJson<any[]>(data, ['assistant', 'sessions'])
    expect(sessions).toHaveLength(2)
  })
})
