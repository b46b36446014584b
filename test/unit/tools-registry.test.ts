import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { allTools, createAllTools } from '../../electron/host/tools/allTools.ts'
import { defineTool } from '../../electron/host/tools/defineTool.ts'
import { createToolRegistry } from '../../electron/host/tools/registry.ts'
import { reply } from '../../electron/host/tools/toolReply.ts'
import type { ToolCaller, ToolContext, ToolDefinition } from '../../electron/host/tools/toolTypes.ts'
import type { WorkspaceSession } from '../../electron/host/workspaceSession.ts'
import { CommonsError } from '../../shared/errors.ts'
import { operationContext } from '../../shared/operations/context.ts'
import { readOnlyToolNames, toolCatalog, toolNames } from '../../shared/toolCatalog.ts'

// Tools that need no workspace, to test the registry alone.
const echo: ToolDefinition<{ text: string; times: number }> = {
  name: 'echo',
  access: 'read',
  description: 'Echoes text.',
  input: z.object({ text: z.string().min(1, { error: 'must not be empty' }), times: z.number().int().max(3).default(1) }),
  run: async (input) => reply(input.text.repeat(input.times), `echoed "${input.text}"`)
}
const write: ToolDefinition<Record<string, never>> = { name: 'write', access: 'write', description: 'Writes.', input: z.object({}), run: async () => ({ ok: true }) }
const failing = (error: unknown): ToolDefinition<Record<string, never>> => ({
  name: 'fail',
  access: 'read',
  description: 'Fails.',
  input: z.object({}),
  run: async () => {
    throw error
  }
})

const coworker = (toolset: string[]): ToolCaller => ({ kind: 'coworker', coworkerId: 'mem_x', toolset: new Set(toolset), channelIds: new Set(), taskId: 'task_x' })
const assistant: ToolCaller = { kind: 'assistant', memberId: 'mem_p', channelIds: new Set() }
const contextFor = (caller: ToolCaller): ToolContext => ({
  session: {} as WorkspaceSession,
  caller,
  operation: operationContext('mem_x', 'agent'),
  touchedDeliverables: new Set()
})

describe('the tool registry', () => {
  it('implements exactly the catalog, with its read and write markers', () => {
    expect(allTools.map((tool) => tool.name)).toEqual(toolNames)
    for (const tool of allTools) expect(tool.access).toBe(toolCatalog.find((entry) => entry.name === tool.name)!.access)
    expect(() => defineTool('launch_rockets', { description: '', input: z.object({}), run: async () => '' })).toThrow(/not in shared\/toolCatalog/)
  })

  it('offers a coworker its toolset and an assistant the read tools, nothing more', () => {
    const registry = createToolRegistry()
    expect(registry.specsFor(coworker(['read_channel', 'post_message'])).map((spec) => spec.name)).toEqual(['read_channel', 'post_message'])
    expect(registry.specsFor(coworker([])).map((spec) => spec.name)).toEqual([])
    expect(registry.specsFor(coworker(['not_a_tool'])).map((spec) => spec.name)).toEqual([])
    expect(registry.specsFor(assistant).map((spec) => spec.name)).toEqual(readOnlyToolNames)
  })

  it('gives every tool an object JSON schema, without $schema, whose fields are described', () => {
    const specs = createToolRegistry().specsFor(coworker([...toolNames]))
    expect(specs).toHaveLength(toolNames.length)
    for (const spec of specs) {
      expect(spec.inputSchema.type).toBe('object')
      expect(spec.inputSchema).not.toHaveProperty('$schema')
      expect(JSON.parse(JSON.stringify(spec.inputSchema))).toEqual(spec.inputSchema)
      expect(spec.description.length).toBeGreaterThan(80)
      for (const [field, schema] of Object.entries(spec.inputSchema.properties as Record<string, Record<string, unknown>>)) {
        expect(typeof schema, `${spec.name}.${field}`).toBe('object')
      }
    }
    const readChannel = specs.find((spec) => spec.name === 'read_channel')!
    // Defaults are the model's to leave out: only the channel is required.
    expect(readChannel.inputSchema.required).toEqual(['channel'])
    expect((readChannel.inputSchema.properties as Record<string, { description?: string }>).channel!.description).toMatch(/channel name/)
  })

  it('runs a call and returns its content and summary', async () => {
    const registry = createToolRegistry([echo, write])
    const outcome = await registry.execute({ name: 'echo', input: { text: 'hi', times: 2 } }, contextFor(coworker(['echo'])))
    expect(outcome).toEqual({ content: 'hihi', isError: false, refused: null, summary: 'echoed "hi"' })
    const json = await registry.execute({ name: 'write', input: {} }, contextFor(coworker(['write'])))
    expect(json).toEqual({ content: '{"ok":true}', isError: false, refused: null, summary: 'ran write' })
  })

  it('refuses a tool outside the toolset, a write tool to an assistant, and an unknown tool', async () => {
    const registry = createToolRegistry([echo, write])
    const outside = await registry.execute({ name: 'write', input: {} }, contextFor(coworker(['echo'])))
    expect(outside).toMatchObject({ isError: true, refused: expect.stringMatching(/write is not in your toolset/) })
    expect(outside.content).toMatch(/^Not allowed: /)
    expect(outside.summary).toMatch(/^refused write: /)

    const byAssistant = await registry.execute({ name: 'write', input: {} }, contextFor(assistant))
    expect(byAssistant).toMatchObject({ isError: true, refused: expect.stringMatching(/read-only tools/) })
    expect((await registry.execute({ name: 'echo', input: { text: 'x' } }, contextFor(assistant))).isError).toBe(false)

    const unknown = await registry.execute({ name: 'rm_rf', input: {} }, contextFor(coworker(['rm_rf'])))
    expect(unknown).toMatchObject({ isError: true, refused: 'there is no tool named "rm_rf"' })
  })

  it('sends bad input back to the model naming each field', async () => {
    const registry = createToolRegistry([echo])
    const outcome = await registry.execute({ name: 'echo', input: { times: 9 } }, contextFor(coworker(['echo'])))
    expect(outcome.isError).toBe(true)
    expect(outcome.refused).toBeNull()
    expect(outcome.content).toMatch(/^Invalid input for echo: text: is required; times: .*3/)
    expect(outcome.summary).toMatch(/^echo: invalid input \(text: is required/)
    const empty = await registry.execute({ name: 'echo', input: { text: '' } }, contextFor(coworker(['echo'])))
    expect(empty.content).toMatch(/text: must not be empty/)
    const notAnObject = await registry.execute({ name: 'echo', input: 'hello' }, contextFor(coworker(['echo'])))
    expect(notAnObject.isError).toBe(true)
  })

  it('turns thrown errors into error outcomes: a CommonsError with its hint, a forbidden one as a refusal, anything else', async () => {
    const call = (error: unknown) => createToolRegistry([failing(error)]).execute({ name: 'fail', input: {} }, contextFor(coworker(['fail'])))

    const known = await call(new CommonsError('not-found', 'deliverable "dl_x" was not found', 'find it with search_workspace'))
    expect(known).toEqual({
      content: 'deliverable "dl_x" was not found. What to do: find it with search_workspace',
      isError: true,
      refused: null,
      summary: 'failed fail: deliverable "dl_x" was not found'
    })

    const forbidden = await call(new CommonsError('forbidden', '#secret is not one of your channels'))
    expect(forbidden).toMatchObject({ isError: true, refused: '#secret is not one of your channels' })

    const broken = await call(new TypeError('cannot read properties of undefined'))
    expect(broken).toMatchObject({ isError: true, refused: null, summary: 'fail failed: cannot read properties of undefined' })
    expect(broken.content).toMatch(/fail failed unexpectedly: cannot read properties of undefined/)

    expect((await call('a string')).isError).toBe(true)
  })

  it('bounds the content and keeps summaries to one line', async () => {
    const long: ToolDefinition<Record<string, never>> = { name: 'long', access: 'read', description: '', input: z.object({}), run: async () => reply('x'.repeat(500), 'two\nlines') }
    const outcome = await createToolRegistry([long], { maxContentChars: 100 }).execute({ name: 'long', input: {} }, contextFor(coworker(['long'])))
    expect(outcome.content).toHaveLength(100 + '… [cut: 400 more characters]'.length)
    expect(outcome.content.endsWith('… [cut: 400 more characters]')).toBe(true)
    expect(outcome.summary).toBe('two lines')
  })

  it('refuses two tools with one name, and a tool whose input is not an object', () => {
    expect(() => createToolRegistry([echo, echo])).toThrow(/two tools are named echo/)
    const bare: ToolDefinition<string> = { name: 'bare', access: 'read', description: '', input: z.string(), run: async () => '' }
    expect(() => createToolRegistry([bare])).toThrow(/must be a zod object/)
  })

  it('can be given its services, so the tools test alone', () => {
    const tools = createAllTools({ searchOf: () => { throw new Error('not used') } })
    expect(tools.map((tool) => tool.name)).toEqual(toolNames)
  })
})
