import { z } from 'zod'

/**
 * The messages between the Host and the agent process. The agent process runs every model loop (coworker
 * tasks and private sessions alike): it calls the model, streams what arrives, and asks the Host to run
 * each tool call, because tools act on the Host's documents. Both sides validate every message they
 * receive with these schemas; a message that does not parse is logged and dropped, never acted on.
 */

const tokenUsage = z.object({
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  cacheReadTokens: z.number().int().min(0),
  cacheWriteTokens: z.number().int().min(0)
})

const providerConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('anthropic'), apiKey: z.string(), baseURL: z.string().optional() }),
  z.object({ kind: z.literal('openai-compatible'), baseURL: z.string(), apiKey: z.string().optional(), model: z.string() })
])

const textBlock = z.object({ type: z.literal('text'), text: z.string() })
const toolUseBlock = z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() })
const toolResultBlock = z.object({ type: z.literal('tool_result'), tool_use_id: z.string(), content: z.string(), is_error: z.boolean().optional() })

const conversationMessage = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: z.array(z.union([textBlock, toolResultBlock])) }),
  z.object({ role: z.literal('assistant'), content: z.array(z.union([textBlock, toolUseBlock])) })
])

const toolSpec = z.object({ name: z.string(), description: z.string(), inputSchema: z.record(z.string(), z.unknown()) })

/** Limits of one run; reaching one ends the run cleanly with outcome 'budget' and the reason. */
export const runBudgets = z.object({
  maxTurns: z.number().int().min(1),
  maxOutputTokens: z.number().int().min(1),
  maxCostUsd: z.number().positive()
})

export const hostToAgent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('run'),
    runId: z.string(),
    provider: providerConfig,
    model: z.string(),
    system: z.string(),
    tools: z.array(toolSpec),
    messages: z.array(conversationMessage),
    /** Per model turn. */
    maxOutputTokens: z.number().int().min(1),
    budgets: runBudgets
  }),
  z.object({ type: z.literal('tool-result'), runId: z.string(), callId: z.string(), content: z.string(), isError: z.boolean() }),
  z.object({ type: z.literal('abort'), runId: z.string(), reason: z.string() }),
  z.object({ type: z.literal('shutdown') })
])

export const runOutcome = z.enum(['completed', 'aborted', 'budget', 'failed'])

export const agentToHost = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), pid: z.number().int() }),
  z.object({ type: z.literal('text'), runId: z.string(), text: z.string() }),
  z.object({ type: z.literal('tool-call'), runId: z.string(), callId: z.string(), name: z.string(), input: z.unknown() }),
  z.object({
    type: z.literal('turn'),
    runId: z.string(),
    turn: z.number().int().min(1),
    usage: tokenUsage,
    costUsd: z.number().min(0),
    stopReason: z.string(),
    durationMs: z.number().min(0)
  }),
  z.object({ type: z.literal('retry'), runId: z.string(), attempt: z.number().int(), delayMs: z.number(), reason: z.string(), message: z.string() }),
  z.object({
    type: z.literal('done'),
    runId: z.string(),
    outcome: runOutcome,
    /** The reply's text: every text block of every turn, in order. */
    text: z.string(),
    /** The conversation as it ended, so a private session can continue from it. */
    messages: z.array(conversationMessage),
    usage: tokenUsage,
    costUsd: z.number().min(0),
    turns: z.number().int().min(0),
    /** Why it ended other than by completing, in words a person can act on. */
    reason: z.string().nullable(),
    /** For outcome 'failed': the model error's reason code (modelErrors.ts) and hint. */
    error: z.object({ reason: z.string(), message: z.string(), hint: z.string().nullable() }).nullable()
  })
])

export type HostToAgent = z.infer<typeof hostToAgent>
export type AgentToHost = z.infer<typeof agentToHost>
export type RunOutcome = z.infer<typeof runOutcome>
export type RunBudgets = z.infer<typeof runBudgets>
export type RunRequestMessage = Extract<HostToAgent, { type: 'run' }>
export type RunDone = Extract<AgentToHost, { type: 'done' }>
