import type { z } from 'zod'
import { toolCatalog } from '../../../shared/toolCatalog.ts'
import type { ToolContext, ToolDefinition } from './toolTypes.ts'

/**
 * Defines a tool of the catalog (shared/toolCatalog.ts): the name must be one of its names, and the read
 * or write marker is taken from it, so the catalog stays the one list of tools and what they may do.
 */
export function defineTool<Schema extends z.ZodType>(
  name: string,
  spec: {
    description: string
    input: Schema
    run(input: z.output<Schema>, context: ToolContext): Promise<string | object>
  }
): ToolDefinition<z.output<Schema>> {
  const entry = toolCatalog.find((candidate) => candidate.name === name)
  if (entry === undefined) throw new Error(`"${name}" is not in shared/toolCatalog.ts; add it there first`)
  return { name, access: entry.access, description: spec.description, input: spec.input as z.ZodType<z.output<Schema>>, run: spec.run }
}
