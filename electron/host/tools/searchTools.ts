import { z } from 'zod'
import type { SearchHit } from '../../../shared/search/workspaceSearch.ts'
import type { SessionSearch } from '../search/sessionSearch.ts'
import type { WorkspaceSession } from '../workspaceSession.ts'
import { defineTool } from './defineTool.ts'
import { isoMinute, memberNamer, oneLine } from './format.ts'
import { channelLabel } from './reach.ts'
import { limitField } from './toolInputs.ts'
import { reply } from './toolReply.ts'
import type { ToolContext } from './toolTypes.ts'

/** How a tool finds the search of the session it runs in (the session's own `search` by default). */
export type SearchOf = (session: WorkspaceSession) => SessionSearch

const searchKind = z.enum(['message', 'memory', 'deliverable', 'file'], { error: 'kinds must be message, memory, deliverable or file' })

export function searchWorkspaceTool(searchOf: SearchOf) {
  return defineTool('search_workspace', {
    description: [
      'Full-text search over the messages of your channels, workspace memory (facts, decisions, preferences),',
      'deliverables (titles and document text) and the text of files. Words match by prefix and with small typos;',
      'every word must match. Use it to find earlier discussions, decisions or documents before answering.',
      'Returns the best matches first, each with its kind, id, a short snippet and where it lives; open one with',
      'read_channel (thread), read_deliverable, read_file or recall. Things kept in channels you are not in are never returned.'
    ].join(' '),
    input: z.object({
      query: z.string({ error: 'must be text' }).trim().min(1, { error: 'must not be empty' }).max(500, { error: 'must be at most 500 characters' }).describe('The words to look for.'),
      kinds: z.array(searchKind, { error: 'must be a list of kinds' }).min(1, { error: 'give at least one kind, or leave it out' }).optional().describe('Only these kinds of results (default: all).'),
      limit: limitField(10, 30, 'results')
    }),
    async run(input, context) {
      const search = searchOf(context.session)
      const hits = await search.search(input.query, { channelIds: context.caller.channelIds, ...(input.kinds ? { kinds: input.kinds } : {}), limit: input.limit })
      const results = hits.map((hit) => hitForModel(hit, context, search))
      return reply(
        { query: input.query, results: results.length === 0 ? 'nothing matched; try fewer or other words' : results },
        `searched for "${oneLine(input.query, 60)}": ${hits.length} result${hits.length === 1 ? '' : 's'}`
      )
    }
  })
}

function hitForModel(hit: SearchHit, context: ToolContext, search: SessionSearch) {
  const channel = channelLabel(context, hit.channelId)
  const base = { kind: hit.kind, id: hit.id, ...(channel !== null ? { channel } : {}) }
  switch (hit.kind) {
    case 'message': {
      const record = hit.channelId === null ? undefined : search.message(hit.channelId, hit.id)
      const about = record === undefined ? {} : { author: memberNamer(context.session.root)(record.authorId), at: isoMinute(record.createdAt), ...(record.threadId !== null ? { thread: record.threadId } : {}) }
      return { ...base, ...about, snippet: hit.snippet }
    }
    case 'memory':
      return { ...base, memoryKind: hit.title, snippet: hit.snippet }
    case 'deliverable':
      return { ...base, title: hit.title, ...(hit.snippet !== '' ? { snippet: hit.snippet } : {}) }
    case 'file':
      return { ...base, name: hit.title, ...(hit.snippet !== '' ? { snippet: hit.snippet } : {}) }
  }
}
