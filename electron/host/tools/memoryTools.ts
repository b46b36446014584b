import { z } from 'zod'
import { rootCollections } from '../../../shared/model/rootDoc.ts'
import type { MemoryItem, MemorySource, TaskTrigger } from '../../../shared/model/types.ts'
import { addMemory, getMemory, listMemory } from '../../../shared/operations/memory.ts'
import { getMessage } from '../../../shared/operations/messages.ts'
import { defineTool } from './defineTool.ts'
import { isoMinute, memberNamer, oneLine } from './format.ts'
import { channelLabel, isReachable, reachableDeliverable, targetChannel, taskOf } from './reach.ts'
import type { SearchOf } from './searchTools.ts'
import { channelField, deliverableField, idField, limitField } from './toolInputs.ts'
import { reply } from './toolReply.ts'
import type { ToolContext } from './toolTypes.ts'

const memoryKind = z.enum(['fact', 'decision', 'preference'], { error: 'must be fact, decision or preference' })

export const rememberTool = defineTool('remember', {
  description: [
    'Save something the whole workspace should remember: a fact, a decision, or a preference of the team.',
    'Its source is recorded: by default the message that asked you for the current task; give `deliverable`,',
    'or `message` (with `channel`), to point at another source. Write one self-contained sentence that will make',
    'sense later without the conversation. Do not save secrets. Returns the memory item id.'
  ].join(' '),
  input: z.object({
    kind: memoryKind.describe('"fact", "decision" or "preference".'),
    text: z.string({ error: 'must be text' }).trim().min(1, { error: 'must not be empty' }).max(4_000, { error: 'must be at most 4,000 characters' }).describe('What to remember.'),
    deliverable: deliverableField.optional().describe('The deliverable it comes from (id or exact title).'),
    message: idField('msg', 'message').optional().describe('The message it comes from (msg_…).'),
    channel: channelField.optional().describe('The channel of `message`; defaults to the channel of the current task.')
  }),
  async run(input, context) {
    const source = await sourceOf(input, context)
    const item = addMemory(context.session.root, { kind: input.kind, text: input.text, source }, context.operation)
    return reply({ remembered: item.id, kind: item.kind, source: describeSource(item.source, context) }, `remembered a ${item.kind}: "${oneLine(item.text, 80)}"`)
  }
})

async function sourceOf(input: { deliverable?: string | undefined; message?: string | undefined; channel?: string | undefined }, context: ToolContext): Promise<MemorySource> {
  if (input.deliverable !== undefined) return { type: 'deliverable', deliverableId: reachableDeliverable(context, input.deliverable).id }
  if (input.message !== undefined) {
    const channel = targetChannel(context, input.channel, 'cite a message in')
    const messageId = input.message
    await context.session.withChannel(channel.id, (docs) => getMessage(docs.channel, messageId))
    return { type: 'message', channelId: channel.id, messageId }
  }
  // What asked for the task: a person's message, or the deliverable a person asked to be revised.
  const task = taskOf(context)
  const trigger = task?.get('trigger') as TaskTrigger | undefined
  const channelId = task?.get('channelId') as string | undefined
  if (trigger?.type === 'mention' && channelId !== undefined) return { type: 'message', channelId, messageId: trigger.messageId }
  if (trigger?.type === 'revision') return { type: 'deliverable', deliverableId: trigger.deliverableId }
  return { type: 'none' }
}

function describeSource(source: MemorySource, context: ToolContext): string | null {
  switch (source.type) {
    case 'message':
      return `message ${source.messageId} in ${channelLabel(context, source.channelId)}`
    case 'deliverable': {
      const entry = rootCollections(context.session.root).deliverables.get(source.deliverableId)
      return entry === undefined ? `deliverable ${source.deliverableId}` : `deliverable "${String(entry.get('title'))}" (${source.deliverableId})`
    }
    case 'none':
      return null
  }
}

/** Memory taken from a message in a channel out of reach stays out of reach, as the message does. */
function memoryInReach(item: MemoryItem, context: ToolContext): boolean {
  return item.source.type !== 'message' || isReachable(context, item.source.channelId)
}

export function recallTool(searchOf: SearchOf) {
  return defineTool('recall', {
    description: [
      'Look through workspace memory: the facts, decisions and preferences the team and coworkers saved.',
      'Without a query, lists them (pinned first, then newest); with a query, returns the best matches.',
      'Use it before deciding something the team may already have settled. Returns each item with its kind, text,',
      'source, author and date.'
    ].join(' '),
    input: z.object({
      query: z.string({ error: 'must be text' }).trim().max(500, { error: 'must be at most 500 characters' }).optional().describe('Words to look for; leave out to list.'),
      kind: memoryKind.optional().describe('Only this kind.'),
      limit: limitField(20, 100, 'items')
    }),
    async run(input, context) {
      const root = context.session.root
      let items: MemoryItem[]
      if (input.query === undefined || input.query === '') {
        items = listMemory(root, input.kind ? { kind: input.kind } : {}).filter((item) => memoryInReach(item, context))
      } else {
        const hits = await searchOf(context.session).search(input.query, { channelIds: context.caller.channelIds, kinds: ['memory'], limit: 500 })
        items = hits
          .filter((hit) => rootCollections(root).memory.has(hit.id))
          .map((hit) => getMemory(root, hit.id))
          .filter((item) => (input.kind === undefined || item.kind === input.kind) && memoryInReach(item, context))
      }
      const shown = items.slice(0, input.limit)
      const nameOf = memberNamer(root)
      const what = input.query ? `searched memory for "${oneLine(input.query, 60)}"` : 'listed memory'
      return reply(
        {
          total: items.length,
          items: shown.map((item) => ({
            id: item.id,
            kind: item.kind,
            text: item.text,
            ...(item.pinned ? { pinned: true } : {}),
            source: describeSource(item.source, context),
            by: nameOf(item.authorId),
            at: isoMinute(item.createdAt)
          }))
        },
        `${what}: ${shown.length} item${shown.length === 1 ? '' : 's'}`
      )
    }
  })
}
