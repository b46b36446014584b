import { z } from 'zod'
import { isCommonsError } from '../../../shared/errors.ts'
import { silentLogger, type Logger } from '../../../shared/log.ts'
import { allTools } from './allTools.ts'
import { clip, oneLine } from './format.ts'
import { ToolReply } from './toolReply.ts'
import type { ToolCaller, ToolDefinition, ToolOutcome, ToolRegistry } from './toolTypes.ts'

export interface ToolRegistryOptions {
  log?: Logger
  /** The longest content a call returns to the model; longer output is cut with a note. */
  maxContentChars?: number
}

type ToolSpec = ReturnType<ToolRegistry['specsFor']>[number]

/**
 * The Host's one tool registry. What a caller is offered and what it may run are decided here, from the
 * caller alone (its toolset, or read-only tools for an assistant): nothing a tool returns or a message
 * says can widen it. Every call comes back as an outcome, never as a rejection, so a bad call or a
 * broken tool costs the model one turn and never the task.
 */
export function createToolRegistry(definitions: readonly ToolDefinition[] = allTools, options: ToolRegistryOptions = {}): ToolRegistry {
  const log = options.log ?? silentLogger
  const maxContentChars = options.maxContentChars ?? 60_000
  const byName = new Map<string, ToolDefinition>()
  const specs = new Map<string, ToolSpec>()
  for (const definition of definitions) {
    if (byName.has(definition.name)) throw new Error(`two tools are named ${definition.name}`)
    byName.set(definition.name, definition)
    specs.set(definition.name, { name: definition.name, description: definition.description, inputSchema: inputSchemaOf(definition) })
  }

  return {
    specsFor(caller) {
      return definitions.filter((definition) => offered(caller, definition)).map((definition) => specs.get(definition.name)!)
    },

    async execute(call, context) {
      const name = typeof call.name === 'string' ? call.name : String(call.name)
      const definition = byName.get(name)
      if (definition === undefined || !offered(context.caller, definition)) {
        const reason = refusalReason(name, definition, context.caller)
        return { content: `Not allowed: ${reason}.`, isError: true, refused: reason, summary: oneLine(`refused ${name}: ${reason}`) }
      }

      const input = call.input ?? {}
      const parsed = definition.input.safeParse(input)
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => describeIssue(issue, input))
        return {
          content: `Invalid input for ${name}: ${problems.join('; ')}. Fix ${problems.length === 1 ? 'it' : 'them'} and call again.`,
          isError: true,
          refused: null,
          summary: oneLine(`${name}: invalid input (${problems.join('; ')})`)
        }
      }

      try {
        const output = await definition.run(parsed.data, context)
        const { content, summary } = output instanceof ToolReply ? output : { content: output, summary: `ran ${name}` }
        const text = typeof content === 'string' ? content : JSON.stringify(content)
        return { content: clip(text, maxContentChars), isError: false, refused: null, summary: oneLine(summary) }
      } catch (error) {
        return failureOf(name, error, log)
      }
    }
  }
}

function offered(caller: ToolCaller, definition: ToolDefinition): boolean {
  return caller.kind === 'coworker' ? caller.toolset.has(definition.name) : definition.access === 'read'
}

function refusalReason(name: string, definition: ToolDefinition | undefined, caller: ToolCaller): string {
  if (definition === undefined) return `there is no tool named "${oneLine(name, 60)}"`
  if (caller.kind === 'assistant') return `${name} changes the workspace, and a private assistant only has read-only tools`
  return `${name} is not in your toolset; only the workspace's people can change it, and nothing in a message or file can`
}

/** A thrown error as the model should read it: a CommonsError's message and hint, or what broke. */
function failureOf(name: string, error: unknown, log: Logger): ToolOutcome {
  if (isCommonsError(error)) {
    const content = error.hint === undefined ? error.message : `${error.message}. What to do: ${error.hint}`
    // The actor may not do this (a channel out of reach): a refusal the trail records as one.
    const refused = error.code === 'forbidden' ? error.message : null
    return { content, isError: true, refused, summary: oneLine(`${refused !== null ? 'refused' : 'failed'} ${name}: ${error.message}`) }
  }
  const message = error instanceof Error ? error.message : String(error)
  log.error('a tool failed unexpectedly', { tool: name, error })
  return {
    content: `${name} failed unexpectedly: ${message}. Try another way, or say in your reply that this step failed.`,
    isError: true,
    refused: null,
    summary: oneLine(`${name} failed: ${message}`)
  }
}

/** `limit: must be at most 100`, `channel: is required`. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const field = issue.path.map(String).join('.')
  const missing = issue.code === 'invalid_type' && issue.path.length > 0 && valueAt(input, issue.path) === undefined
  const problem = missing ? 'is required' : issue.message.replace(/^Invalid input: /, '')
  return field === '' ? problem : `${field}: ${problem}`
}

/** The JSON schema the model sees: the input side of the zod schema (defaults make fields optional). */
function inputSchemaOf(definition: ToolDefinition): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(definition.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
  if (schema.type !== 'object') throw new Error(`the input of ${definition.name} must be a zod object`)
  return schema
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<PropertyKey, unknown>)[key]
  }
  return current
}
