import { addMemory, editMemory, listMemory, pinMemory, removeMemory } from '../../../shared/operations/memory.ts'
import { memoryKind } from '../../../shared/operations/memory.ts'
import { parseInput } from '../../../shared/operations/validate.ts'
import { WorkspaceSearch } from '../../../shared/search/workspaceSearch.ts'
import type { MemoryItem } from '../../../shared/model/types.ts'
import type { CliContext } from '../cliContext.ts'
import { numberOption, stringOption, UsageError, type Command } from '../commandLine.ts'
import { formatTime, memberName, table } from '../format.ts'

const kindOption = (value: string | undefined) => (value === undefined ? undefined : parseInput('memory kind', memoryKind, value))

export const memoryCommands: Command<CliContext>[] = [
  {
    name: 'memory add',
    usage: 'commons memory add --kind fact|decision|preference TEXT [--pin]',
    summary: 'Remember a fact, decision or preference for the whole workspace',
    options: { kind: { type: 'string' }, pin: { type: 'boolean' } },
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const kind = kindOption(stringOption(args, 'kind'))
      if (kind === undefined) throw new UsageError('--kind is required', 'usage: commons memory add --kind fact|decision|preference TEXT')
      const session = await context.session()
      const item = addMemory(session.root, { kind, text: args.positionals[0]!, pinned: args.values.pin === true }, session.context)
      context.changed()
      context.print(`Remembered ${item.kind} ${item.id}.`, item)
    }
  },
  {
    name: 'memory list',
    usage: 'commons memory list [--kind KIND] [--pinned]',
    summary: 'List workspace memory, pinned first',
    options: { kind: { type: 'string' }, pinned: { type: 'boolean' } },
    arity: { min: 0, max: 0 },
    async run(context, args) {
      const session = await context.session()
      const kind = kindOption(stringOption(args, 'kind'))
      const items = listMemory(session.root, { ...(kind ? { kind } : {}), pinnedOnly: args.values.pinned === true })
      context.print(() => (items.length === 0 ? 'Nothing in memory yet. Add with `commons memory add`.' : formatItems(session.root, items)), items)
    }
  },
  {
    name: 'memory search',
    usage: 'commons memory search QUERY [--limit N]',
    summary: 'Search workspace memory',
    options: { limit: { type: 'string' } },
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const search = new WorkspaceSearch()
      search.indexRoot(session.root)
      const hits = search.search(args.positionals[0]!, { kinds: ['memory'], limit: numberOption(args, 'limit', 20, { max: 500 }) })
      const items = hits.map((hit) => listMemory(session.root).find((item) => item.id === hit.id)!).filter(Boolean)
      search.dispose()
      context.print(() => (items.length === 0 ? 'No memory matches.' : formatItems(session.root, items)), items)
    }
  },
  {
    name: 'memory pin',
    usage: 'commons memory pin ID [--off]',
    summary: 'Pin a memory item (pinned memory is given to every coworker task)',
    options: { off: { type: 'boolean' } },
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const item = pinMemory(session.root, { memoryId: args.positionals[0]!, pinned: args.values.off !== true }, session.context)
      context.changed()
      context.print(`${item.pinned ? 'Pinned' : 'Unpinned'} ${item.id}.`, item)
    }
  },
  {
    name: 'memory edit',
    usage: 'commons memory edit ID TEXT',
    summary: "Change a memory item's text",
    arity: { min: 2, max: 2 },
    async run(context, args) {
      const session = await context.session()
      const item = editMemory(session.root, { memoryId: args.positionals[0]!, text: args.positionals[1]! }, session.context)
      context.changed()
      context.print(`Updated ${item.id}.`, item)
    }
  },
  {
    name: 'memory remove',
    usage: 'commons memory remove ID',
    summary: 'Forget a memory item',
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      removeMemory(session.root, { memoryId: args.positionals[0]! }, session.context)
      context.changed()
      context.print(`Removed ${args.positionals[0]}.`, { removed: args.positionals[0] })
    }
  }
]

function formatItems(root: import('yjs').Doc, items: MemoryItem[]): string {
  return table(items.map((item) => [item.pinned ? '*' : ' ', item.id, item.kind, item.text, `${memberName(root, item.authorId)}, ${formatTime(item.createdAt)}`]))
}
