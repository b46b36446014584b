import type { z } from 'zod'
import type { OperationContext } from '../../../shared/operations/context.ts'
import type { ToolAccess } from '../../../shared/toolCatalog.ts'
import type { WorkspaceSession } from '../workspaceSession.ts'

/**
 * A tool the model can call. Tools run in the Host, against the Host's documents, through the same
 * operations the UI and the command line use. Each tool has a zod schema (turned into the JSON schema
 * the model sees), a description written for the model, and a read or write marker.
 */
export interface ToolDefinition<Input = unknown> {
  name: string
  access: ToolAccess
  /** For the model: what the tool does, when to use it, and what it returns. */
  description: string
  input: z.ZodType<Input>
  /** Returns text for the model (objects are sent as JSON). Throw a CommonsError for a problem the model should read. */
  run(input: Input, context: ToolContext): Promise<string | object>
}

/** Who is calling a tool, and what they may reach. Channel content never widens any of it. */
export type ToolCaller =
  | {
      kind: 'coworker'
      coworkerId: string
      /** The tools in its toolset: nothing else is offered or run. */
      toolset: ReadonlySet<string>
      /** The channels it was added to: nothing else is read or written. */
      channelIds: ReadonlySet<string>
      taskId: string
    }
  | {
      /** A person's private assistant: read-only tools, the channels the person is in. */
      kind: 'assistant'
      memberId: string
      channelIds: ReadonlySet<string>
    }

export interface ToolContext {
  session: WorkspaceSession
  caller: ToolCaller
  /** The operation context changes are made under (the coworker as the actor, origin 'agent'). */
  operation: OperationContext
  /** Deliverables the run created or changed, for the reply to link. */
  touchedDeliverables: Set<string>
}

/** The outcome of one call, as the model and the audit trail see it. */
export interface ToolOutcome {
  content: string
  isError: boolean
  /** Set when the call was refused (not in the toolset, a channel out of reach); the trail records why. */
  refused: string | null
  /** A one-line summary for the audit trail. */
  summary: string
}

/** The one registry of tools in the Host (registry.ts implements it). */
export interface ToolRegistry {
  /** The tool specs the model is offered: the caller's toolset (coworker) or the read-only tools (assistant), nothing more. */
  specsFor(caller: ToolCaller): Array<{ name: string; description: string; inputSchema: Record<string, unknown> }>
  /** Runs one call. Never rejects: a refused call, bad input or a tool that throws comes back as an error outcome. */
  execute(call: { name: string; input: unknown }, context: ToolContext): Promise<ToolOutcome>
}
