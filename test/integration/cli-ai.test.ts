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

  it('asks a coworker: the reply streams, its tool calls are in the trail, and the document it wrote is linked', async () => {
    const { data, env, fake } = await setup()
    await cliJson(data, ['coworker', 'add', 'Scribe', '--purpose', 'Writes things down', '--tools', 'create_document,read_channel', '--channels', 'general'])
    fake.script(
      { type: 'message', content: [{ type: 'text', text: 'Writing it up. ' }, { type: 'tool_use', name: 'create_document', input: { title: 'Launch notes', markdown: '# Launch\n\nFriday.' } }] },
      { type: 'message', content: [{ type: 'text', text: 'Done: the notes are in "Launch notes".' }] }
    )
    const asked = await runCli(data, ['ask', 'general', '@scribe write up the launch'], { env })
    expect(asked.code).toBe(0)
    expect(asked.stdout).toContain('Done: the notes are in "Launch notes".')
    expect(asked.stdout).toMatch(/document "Launch notes" \(dl_[a-z2-7]{20}, draft\)/)
    const [task] = await cliJson<any[]>(data, ['task', 'list'])
    expect(task.status).toBe('succeeded')
    const shown = await cliJson(data, ['task', 'show', task.id])
    expect(shown.trail.map((entry: { type: string }) => entry.type)).toEqual(expect.arrayContaining(['claimed', 'context', 'tool-call', 'tool-result', 'turn', 'finished']))
    const reply = (await cliJson<any[]>(data, ['read', 'general'])).at(-1)
    expect(reply).toMatchObject({ taskId: task.id, deliverableIds: [expect.stringMatching(/^dl_/)] })
    // Only the tools in its toolset were offered to the model.
    expect((fake.requests[0]!.body.tools as Array<{ name: string }>).map((tool) => tool.name).sort()).toEqual(['create_document', 'read_channel'])
  })

  it('reports a model that refuses the key in the channel and exits 3', async () => {
    const { data, env } = await setup()
    await cliJson(data, ['coworker', 'add', 'Scribe', '--purpose', 'Writes', '--channels', 'general'])
    const asked = await runCli(data, ['ask', 'general', '@scribe hello'], { env: { ...env, ANTHROPIC_API_KEY: 'sk-wrong' } })
    expect(asked.code).toBe(3)
    expect(asked.stderr).toMatch(/failed: /)
    const reply = (await cliJson<any[]>(data, ['read', 'general'])).at(-1)
    expect(reply.text).toMatch(/key/i)
    const notAsked = await runCli(data, ['ask', 'general', 'nobody here'], { env })
    expect(notAsked.code).toBe(1)
    expect(notAsked.stderr).toMatch(/asks no coworker/)
  })

  it('runs a workflow with review: approved, and another sent back with changes that are remembered', async () => {
    const { data, env, fake } = await setup()
    await cliJson(data, ['coworker', 'add', 'Reporter', '--purpose', 'Writes the weekly report', '--tools', 'create_document,edit_document', '--channels', 'general'])
    await cliJson(data, ['workflow', 'add', 'Weekly report', '--coworker', 'reporter', '--channel', 'general', '--cron', '0 9 * * MON', '--tz', 'UTC', '--prompt', 'Write the weekly report'])
    fake.script(
      { type: 'message', content: [{ type: 'tool_use', name: 'create_document', input: { title: 'Week 47', markdown: 'All good.' } }] },
      { type: 'message', content: [{ type: 'text', text: 'The report is ready for review.' }] }
    )
    const ran = await runCli(data, ['workflow', 'run', 'Weekly report'], { env })
    expect(ran.code).toBe(0)
    const [report] = await cliJson<any[]>(data, ['deliverables'])
    expect(report).toMatchObject({ title: 'Week 47', status: 'in-review' })
    expect((await cliJson<any[]>(data, ['read', 'general'])).map((message) => message.text).join('\n')).toMatch(/@ada/)
    await cliJson(data, ['review', 'approve', report.id])
    expect((await cliJson<any[]>(data, ['deliverables']))[0].status).toBe('approved')
    const history = await cliJson<any[]>(data, ['workflow', 'history', 'Weekly report'])
    expect(history).toHaveLength(1)
    expect(history[0]).toMatchObject({ status: 'succeeded', ranBy: { kind: 'person' } })

    // Another report, sent back: the comment becomes a preference, and a revision task is queued.
    await cliJson(data, ['workflow', 'add', 'Monthly report', '--coworker', 'reporter', '--channel', 'general', '--cron', '0 9 1 * *', '--tz', 'UTC', '--prompt', 'Write the monthly report'])
    fake.script(
      { type: 'message', content: [{ type: 'tool_use', name: 'create_document', input: { title: 'Week 48', markdown: 'Fine.' } }] },
      { type: 'message', content: [{ type: 'text', text: 'Ready.' }] }
    )
    expect((await runCli(data, ['workflow', 'run', 'Monthly report'], { env })).code).toBe(0)
    const second = (await cliJson<any[]>(data, ['deliverables'])).find((item) => item.title === 'Week 48')
    const changes = await cliJson(data, ['review', 'changes', second.id, 'Add the numbers from the tracker'])
    expect(changes.task).toMatchObject({ status: 'queued', trigger: { type: 'revision', deliverableId: second.id } })
    const memory = await cliJson<any[]>(data, ['memory', 'list', '--kind', 'preference'])
    expect(memory.map((item) => item.text)).toContain('Add the numbers from the tracker')
  })
})
