import { isPlainObject } from './http.ts'
import { countBreakpoints } from './promptCache.ts'

/**
 * The checks the Messages API makes before it runs a model, each answered with a 400
 * invalid_request_error. Returns the error message, or undefined when the request is acceptable.
 */

export interface ValidationRules {
  /** POST /v1/messages needs max_tokens; count_tokens does not. */
  requireMaxTokens: boolean
  /**
   * Reject consecutive same-role turns and a first turn that is not the user's. The SDK's docs say the
   * API merges consecutive turns instead; the fake is stricter by default so the app never relies on it.
   */
  strictTurnOrder: boolean
}

/** API version 2026-10-21 removed sampling parameters: any value, even the default, is a 400. */
const REMOVED_SAMPLING_PARAMETERS = ['temperature', 'top_p', 'top_k'] as const

const MAX_CACHE_BREAKPOINTS = 4

type Check = (body: Record<string, unknown>, rules: ValidationRules) => string | undefined

const checks: Check[] = [
  checkRequiredFields,
  checkRemovedParameters,
  checkSystem,
  checkMessageShapes,
  checkTurnOrder,
  checkToolPairing,
  checkTools,
  checkCacheBreakpoints
]

export function validateMessagesRequest(body: Record<string, unknown>, rules: ValidationRules): string | undefined {
  for (const check of checks) {
    const problem = check(body, rules)
    if (problem) return problem
  }
  return undefined
}

function checkRequiredFields(body: Record<string, unknown>, rules: ValidationRules): string | undefined {
  if (body['model'] === undefined) return 'model: Field required'
  if (typeof body['model'] !== 'string' || body['model'] === '') return 'model: Input should be a valid string'
  if (rules.requireMaxTokens) {
    const maxTokens = body['max_tokens']
    if (maxTokens === undefined) return 'max_tokens: Field required'
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens)) return 'max_tokens: Input should be a valid integer'
    if (maxTokens < 0) return 'max_tokens: Input should be greater than or equal to 0'
  }
  if (body['messages'] === undefined) return 'messages: Field required'
  if (!Array.isArray(body['messages'])) return 'messages: Input should be a valid list'
  if (body['messages'].length === 0) return 'messages: at least one message is required'
  if (body['stream'] !== undefined && typeof body['stream'] !== 'boolean') return 'stream: Input should be a valid boolean'
  return undefined
}

function checkRemovedParameters(body: Record<string, unknown>): string | undefined {
  const present = REMOVED_SAMPLING_PARAMETERS.find((name) => name in body)
  return present ? `${present}: Extra inputs are not permitted` : undefined
}

function checkSystem(body: Record<string, unknown>): string | undefined {
  const system = body['system']
  if (system === undefined || typeof system === 'string') return undefined
  if (!Array.isArray(system)) return 'system: Input should be a valid string or list'
  const index = system.findIndex((block) => !isPlainObject(block) || block['type'] !== 'text' || typeof block['text'] !== 'string')
  return index >= 0 ? `system.${index}: Input should be a text block` : undefined
}

function checkMessageShapes(body: Record<string, unknown>): string | undefined {
  const messages = body['messages'] as unknown[]
  for (const [index, message] of messages.entries()) {
    if (!isPlainObject(message)) return `messages.${index}: Input should be a valid dictionary`
    const role = message['role']
    if (role !== 'user' && role !== 'assistant' && role !== 'system') {
      return `messages.${index}.role: Input should be 'user', 'assistant' or 'system'`
    }
    const content = message['content']
    if (typeof content === 'string') {
      if (content === '' && !isFinalAssistant(messages, index)) return emptyContentMessage(index)
      continue
    }
    if (!Array.isArray(content)) return `messages.${index}.content: Input should be a valid string or list`
    if (content.length === 0 && !isFinalAssistant(messages, index)) return emptyContentMessage(index)
    for (const [blockIndex, block] of content.entries()) {
      const where = `messages.${index}.content.${blockIndex}`
      if (!isPlainObject(block) || typeof block['type'] !== 'string') return `${where}: Input should be a valid content block`
      if (role === 'assistant' && block['type'] === 'document') return `${where}: document blocks are not permitted in assistant messages`
      if (role === 'user' && block['type'] === 'text' && Array.isArray(block['citations']) && block['citations'].length > 0) {
        return `${where}.citations: citations are not permitted on text blocks in user messages`
      }
    }
  }
  return undefined
}

function checkTurnOrder(body: Record<string, unknown>, rules: ValidationRules): string | undefined {
  if (!rules.strictTurnOrder) return undefined
  const roles = conversationMessages(body).map(({ message }) => message['role'])
  if (roles[0] !== 'user') return 'messages: first message must use the "user" role'
  for (let index = 1; index < roles.length; index++) {
    if (roles[index] === roles[index - 1]) {
      return `messages: roles must alternate between "user" and "assistant", but found multiple "${String(roles[index])}" roles in a row`
    }
  }
  return undefined
}

/** Every tool_result answers a tool_use of the assistant turn just before it, and every tool_use is answered. */
function checkToolPairing(body: Record<string, unknown>): string | undefined {
  const turns = mergedTurns(body)
  for (const [turnIndex, turn] of turns.entries()) {
    if (turn.role !== 'user') continue
    const previous = turnIndex > 0 ? turns[turnIndex - 1] : undefined
    const offered = new Set(previous ? blocksOfType(previous, 'tool_use').map(({ block }) => block['id']) : [])
    const unexpected = blocksOfType(turn, 'tool_result').filter(({ block }) => !offered.has(block['tool_use_id']))
    const first = unexpected[0]
    if (first) {
      const ids = unexpected.map(({ block }) => String(block['tool_use_id'])).join(', ')
      return (
        `messages.${first.messageIndex}.content.${first.blockIndex}: unexpected \`tool_use_id\` found in \`tool_result\` ` +
        `blocks: ${ids}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`
      )
    }
    if (previous) {
      const answered = new Set(blocksOfType(turn, 'tool_result').map(({ block }) => block['tool_use_id']))
      const unanswered = blocksOfType(previous, 'tool_use').filter(({ block }) => !answered.has(block['id']))
      const firstUnanswered = unanswered[0]
      if (firstUnanswered) {
        const ids = unanswered.map(({ block }) => String(block['id'])).join(', ')
        return (
          `messages.${firstUnanswered.messageIndex}: \`tool_use\` ids were found without \`tool_result\` blocks immediately ` +
          `after: ${ids}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`
        )
      }
    }
  }
  return undefined
}

function checkTools(body: Record<string, unknown>): string | undefined {
  const tools = body['tools']
  if (tools === undefined) return undefined
  if (!Array.isArray(tools)) return 'tools: Input should be a valid list'
  const names = new Set<unknown>()
  for (const [index, tool] of tools.entries()) {
    if (!isPlainObject(tool) || typeof tool['name'] !== 'string') return `tools.${index}.name: Field required`
    const isCustom = tool['type'] === undefined || tool['type'] === null || tool['type'] === 'custom'
    if (isCustom && !isPlainObject(tool['input_schema'])) return `tools.${index}.custom.input_schema: Field required`
    if (names.has(tool['name'])) return 'tools: Tool names must be unique.'
    names.add(tool['name'])
  }
  return undefined
}

function checkCacheBreakpoints(body: Record<string, unknown>): string | undefined {
  const found = countBreakpoints(body)
  return found > MAX_CACHE_BREAKPOINTS
    ? `A maximum of ${MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. Found ${found}.`
    : undefined
}

interface LocatedBlock {
  block: Record<string, unknown>
  messageIndex: number
  blockIndex: number
}

interface Turn {
  role: unknown
  blocks: LocatedBlock[]
}

/** user and assistant messages with their index; `role: 'system'` messages sit outside the turn order. */
function conversationMessages(body: Record<string, unknown>): Array<{ message: Record<string, unknown>; index: number }> {
  const messages = body['messages'] as Array<Record<string, unknown>>
  return messages.flatMap((message, index) => (message['role'] === 'system' ? [] : [{ message, index }]))
}

/** Consecutive messages of one role, merged into one turn as the API treats them. */
function mergedTurns(body: Record<string, unknown>): Turn[] {
  const turns: Turn[] = []
  for (const { message, index } of conversationMessages(body)) {
    const content = message['content']
    const blocks: LocatedBlock[] = Array.isArray(content)
      ? content.map((block, blockIndex) => ({ block: block as Record<string, unknown>, messageIndex: index, blockIndex }))
      : []
    const last = turns.at(-1)
    if (last && last.role === message['role']) last.blocks.push(...blocks)
    else turns.push({ role: message['role'], blocks })
  }
  return turns
}

function blocksOfType(turn: Turn, type: string): LocatedBlock[] {
  return turn.blocks.filter(({ block }) => block['type'] === type)
}

function isFinalAssistant(messages: unknown[], index: number): boolean {
  const message = messages[index]
  return index === messages.length - 1 && isPlainObject(message) && message['role'] === 'assistant'
}

function emptyContentMessage(index: number): string {
  return `messages.${index}: all messages must have non-empty content except for the optional final assistant message`
}
