/**
 * The names of the tools a coworker can be given, with whether each only reads the workspace or also
 * changes it. The Host's tool registry implements each one (electron/host/tools/); this list is what the
 * UI shows as a checklist and what coworker definitions are validated against.
 */
export type ToolAccess = 'read' | 'write'

export interface ToolCatalogEntry {
  name: string
  access: ToolAccess
  summary: string
}

export const toolCatalog: readonly ToolCatalogEntry[] = [
  { name: 'read_channel', access: 'read', summary: 'Read recent messages or a thread in one of its channels' },
  { name: 'search_workspace', access: 'read', summary: 'Full-text search over messages, memory, deliverables and file text' },
  { name: 'read_deliverable', access: 'read', summary: 'Read a document or tracker' },
  { name: 'recall', access: 'read', summary: 'List or search workspace memory' },
  { name: 'list_files', access: 'read', summary: 'List the workspace files' },
  { name: 'read_file', access: 'read', summary: 'Read the text of a file' },
  { name: 'create_document', access: 'write', summary: 'Create a document' },
  { name: 'edit_document', access: 'write', summary: 'Replace or append to a document' },
  { name: 'create_tracker', access: 'write', summary: 'Create a tracker with typed columns' },
  { name: 'add_tracker_rows', access: 'write', summary: 'Add rows to a tracker' },
  { name: 'update_tracker_row', access: 'write', summary: 'Change a tracker row' },
  { name: 'remember', access: 'write', summary: 'Save a fact, decision or preference to memory, with its source' },
  { name: 'post_message', access: 'write', summary: 'Post a message in one of its channels' },
  { name: 'request_review', access: 'write', summary: 'Put a deliverable in review and ask a person' }
]

export const toolNames: readonly string[] = toolCatalog.map((tool) => tool.name)

export const readOnlyToolNames: readonly string[] = toolCatalog.filter((tool) => tool.access === 'read').map((tool) => tool.name)
