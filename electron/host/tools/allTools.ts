import { toolNames } from '../../../shared/toolCatalog.ts'
import { postMessageTool, readChannelTool } from './channelTools.ts'
import { createDocumentTool, editDocumentTool, readDeliverableTool, requestReviewTool } from './deliverableTools.ts'
import { listFilesTool, readFileTool } from './fileTools.ts'
import { recallTool, rememberTool } from './memoryTools.ts'
import { searchWorkspaceTool, type SearchOf } from './searchTools.ts'
import { addTrackerRowsTool, createTrackerTool, updateTrackerRowTool } from './trackerTools.ts'
import type { ToolDefinition } from './toolTypes.ts'

export interface ToolServices {
  /** The full-text search of a session (default: one per session, electron/host/search/sessionSearch.ts). */
  searchOf: SearchOf
}

/** Every tool of the catalog, in the catalog's order, with the services they use. */
export function createAllTools(services: ToolServices = { searchOf: (session) => session.search }): ToolDefinition[] {
  const tools: ToolDefinition[] = [
    readChannelTool,
    searchWorkspaceTool(services.searchOf),
    readDeliverableTool,
    recallTool(services.searchOf),
    listFilesTool,
    readFileTool,
    createDocumentTool,
    editDocumentTool,
    createTrackerTool,
    addTrackerRowsTool,
    updateTrackerRowTool,
    rememberTool,
    postMessageTool,
    requestReviewTool
  ]
  return tools.sort((a, b) => toolNames.indexOf(a.name) - toolNames.indexOf(b.name))
}

export const allTools: readonly ToolDefinition[] = createAllTools()
