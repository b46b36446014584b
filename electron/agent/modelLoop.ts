import { silentLogger, type Logger } from '../../shared/log.ts'
import type { AgentToHost, RunDone, RunOutcome, RunRequestMessage } from './protocol.ts'
import type { ProviderConfig } from './providers/index.ts'
import { abortedError, isModelError } from './providers/modelErrors.ts'
import type { AssistantMessage, ConversationMessage, ModelProvider, ModelStreamEvent, ModelTurn, ToolResultBlock, ToolUseBlock } from './providers/types.ts'
import { ReplyText } from './replyText.ts'
import { RunBudget, type OutputLimit } from './runBudget.ts'

/**
 * One run of the model loop: call the model, stream its text, ask the Host to run each tool call the
 * model made (in order), give the model the results, and go again until the model ends its turn, a
 * budget is reached, the run is aborted or the model call fails. It never throws: every ending is a
 * `done` message with an outcome and, unless it completed, a reason a person can act on.
 */

export interface ToolCallRequest {
  callId: string
  name: string
  input: unknown
}

export interface ToolCallAnswer {
  content: string
  isError: boolean
}

/** What the loop streams while it runs; the caller adds nothing but transport. */
export type LoopEvent = Extract<AgentToHost, { type: 'text' | 'turn' | 'retry' }>

export interface ModelLoopServices {
  /** Builds the run's provider; may throw a 'not-configured' ModelError. */
  createProvider(config: ProviderConfig): ModelProvider
  /** Asks the Host to run a tool call. `signal` aborts with the run; the loop stops waiting then anyway. */
  callTool(call: ToolCallRequest, signal: AbortSignal): Promise<ToolCallAnswer>
  emit(event: LoopEvent): void
  /** A monotonic clock in milliseconds, for turn durations. */
  now?: () => number
  log?: Logger
}

type Ending = { outcome: RunOutcome; reason: string | null; error: RunDone['error'] }

export async function runModelLoop(run: RunRequestMessage, services: ModelLoopServices, signal: AbortSignal = new AbortController().signal): Promise<RunDone> {
  const log = (services.log ?? silentLogger).child('loop')
  const now = services.now ?? (() => performance.now())
  const { runId } = run
  const messages = joinUserMessages(run.messages)
  const reply = new ReplyText()
  let budget: RunBudget | undefined
  /** Text streamed in the turn under way, kept when the turn fails or is aborted (people saw it). */
  let turnText = ''

  const stream = (piece: string) => {
    const out = reply.add(piece)
    turnText += out
    if (out !== '') services.emit({ type: 'text', runId, text: out })
  }
  const onEvent = (event: ModelStreamEvent) => {
    if (event.type === 'text') stream(event.text)
    else if (event.type === 'tool_call') reply.boundary()
    else services.emit({ type: 'retry', runId, attempt: event.attempt, delayMs: event.delayMs, reason: event.reason, message: event.message })
  }

  const finish = ({ outcome, reason, error }: Ending): RunDone => {
    if (turnText !== '') messages.push({ role: 'assistant', content: [{ type: 'text', text: turnText.trimStart() }] })
    closeToolCalls(messages, outcome === 'aborted' ? reason : null)
    log.debug('run ended', { runId, outcome, turns: budget?.turns ?? 0 })
    return {
      type: 'done',
      runId,
      outcome,
      text: reply.text,
      messages,
      usage: budget ? { ...budget.usage } : { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
      costUsd: budget?.costUsd ?? 0,
      turns: budget?.turns ?? 0,
      reason,
      error
    }
  }

  try {
    const provider = services.createProvider(run.provider)
    const turnBudget = new RunBudget({ budgets: run.budgets, perTurnOutputTokens: run.maxOutputTokens, model: run.model, provider: provider.kind })
    budget = turnBudget
    for (;;) {
      if (signal.aborted) throw abortedError(signal.reason)
      const next = turnBudget.nextTurn()
      if (!next.allowed) return finish({ outcome: 'budget', reason: next.reason, error: null })

      reply.boundary()
      turnText = ''
      const started = now()
      const request = { model: run.model, system: run.system, tools: run.tools, messages: [...messages], maxOutputTokens: next.maxOutputTokens, signal }
      const turn = await provider.streamTurn(request, onEvent)
      // Text the provider did not stream (ours all stream, but the reply must not miss any).
      if (turnText === '') {
        for (const block of turn.content) {
          if (block.type === 'text') stream(block.text)
          reply.boundary()
        }
      }
      turnText = ''

      const costUsd = turnBudget.record(turn.usage)
      const durationMs = Math.max(0, now() - started)
      services.emit({ type: 'turn', runId, turn: turnBudget.turns, usage: { ...turn.usage }, costUsd, stopReason: turn.stopReason, durationMs })
      // An empty reply is not kept: the API refuses an empty assistant message in a conversation.
      if (turn.content.length > 0) messages.push({ role: 'assistant', content: turn.content.map((block) => ({ ...block })) })
      // Aborted as the turn ended: it is counted, and its tool calls are not asked for.
      if (signal.aborted) throw abortedError(signal.reason)

      const ending = endingOf(turn, next.limitedBy, turnBudget)
      if (ending) return finish(ending)

      const calls = turn.content.filter((block): block is ToolUseBlock => block.type === 'tool_use')
      const results: ToolResultBlock[] = []
      messages.push({ role: 'user', content: results })
      for (const call of calls) {
        const answer = await untilAborted(askHost(services, { callId: call.id, name: call.name, input: call.input }, signal), signal)
        results.push({ type: 'tool_result', tool_use_id: call.id, content: answer.content, ...(answer.isError ? { is_error: true } : {}) })
      }
    }
  } catch (error) {
    if (signal.aborted || isModelError(error, 'aborted')) {
      return finish({ outcome: 'aborted', reason: abortReason(signal.reason), error: null })
    }
    if (isModelError(error)) {
      log.info('run failed', { runId, reason: error.reason, error })
      return finish({ outcome: 'failed', reason: error.message, error: { reason: error.reason, message: error.message, hint: error.hint ?? null } })
    }
    log.error('run failed on an unexpected error', { runId, error })
    const message = `the agent failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`
    const hint = 'try again; if it keeps happening, report it with the log from Help → Diagnostics'
    return finish({ outcome: 'failed', reason: message, error: { reason: 'internal', message, hint } })
  }
}

/** How a finished turn ends the run, or undefined when the model asked for tools and the loop goes on. */
function endingOf(turn: ModelTurn, limitedBy: OutputLimit, budget: RunBudget): Ending | undefined {
  switch (turn.stopReason) {
    case 'max_tokens':
      // Its last tool call may be cut short; closeToolCalls drops the calls, which never ran.
      return { outcome: 'budget', reason: budget.reasonFor(limitedBy), error: null }
    case 'refusal': {
      const message = 'the model declined to continue with this request'
      return { outcome: 'failed', reason: message, error: { reason: 'refusal', message, hint: 'rephrase the request, or ask a person to take it over' } }
    }
    case 'context_window_exceeded': {
      const message = 'the conversation no longer fits the model'
      return { outcome: 'failed', reason: message, error: { reason: 'too-large', message, hint: 'start a new task, or attach shorter documents' } }
    }
    default:
      return turn.content.some((block) => block.type === 'tool_use') ? undefined : { outcome: 'completed', reason: null, error: null }
  }
}

/** The Host must not reject (errors are results), but if it does, the model hears about it. */
async function askHost(services: ModelLoopServices, call: ToolCallRequest, signal: AbortSignal): Promise<ToolCallAnswer> {
  try {
    return await services.callTool(call, signal)
  } catch (error) {
    if (signal.aborted) throw error
    return { content: `the tool ${call.name} could not run: ${error instanceof Error ? error.message : String(error)}`, isError: true }
  }
}

/** `promise`, or an 'aborted' ModelError as soon as `signal` aborts (a late result is ignored). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(abortedError(signal.reason))
    const onAbort = () => reject(abortedError(signal.reason))
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      }
    )
  })
}

function abortReason(reason: unknown): string {
  if (typeof reason === 'string' && reason.trim() !== '') return reason
  if (reason instanceof Error && reason.name !== 'AbortError') return reason.message
  return 'the run was stopped'
}

/**
 * Leaves the conversation one a model accepts when it is continued: every tool call answered. On abort
 * the calls still waiting get a result saying so (the Host may have run them); otherwise calls that
 * never ran (a turn cut off at its output limit) are dropped.
 */
function closeToolCalls(messages: ConversationMessage[], abortedBecause: string | null): void {
  const index = messages.findLastIndex((message) => message.role === 'assistant')
  const assistant = messages[index] as AssistantMessage | undefined
  if (!assistant) return
  const answered = new Set(
    messages.slice(index + 1).flatMap((message) => (message.role === 'user' ? message.content.flatMap((block) => (block.type === 'tool_result' ? [block.tool_use_id] : [])) : []))
  )
  const open = assistant.content.filter((block): block is ToolUseBlock => block.type === 'tool_use' && !answered.has(block.id))
  if (open.length === 0) return
  if (abortedBecause !== null) {
    let results = messages[index + 1]
    if (results?.role !== 'user') {
      results = { role: 'user', content: [] }
      messages.splice(index + 1, 0, results)
    }
    for (const call of open) {
      const content = `no result: the run was stopped before this tool call finished (${abortedBecause})`
      results.content.push({ type: 'tool_result', tool_use_id: call.id, content, is_error: true })
    }
    return
  }
  assistant.content = assistant.content.filter((block) => !open.includes(block as ToolUseBlock))
  if (assistant.content.length === 0) messages.splice(index, 1)
}

/**
 * The conversation with back-to-back user messages joined into one, so that a conversation a run ended
 * with tool results can be continued by appending the person's next message. Tool results stay first.
 */
function joinUserMessages(conversation: ConversationMessage[]): ConversationMessage[] {
  const joined: ConversationMessage[] = []
  for (const message of conversation) {
    const last = joined.at(-1)
    if (last?.role === 'user' && message.role === 'user') last.content = [...last.content, ...message.content]
    else joined.push({ ...message, content: [...message.content] } as ConversationMessage)
  }
  return joined
}
