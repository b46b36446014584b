/**
 * Names of the shared Y.Docs. A doc's name is also its room on the sync server and its key prefix in the
 * device's store, so it is the one place that says how a workspace is split into docs
 * (docs/sync-protocol.md, "Rooms and doc names").
 */

export type DocName = string

export const rootDocName = (workspaceId: string): DocName => `${workspaceId}/root`

export const channelDocName = (workspaceId: string, channelId: string): DocName => `${workspaceId}/channel/${channelId}`

export const deliverableDocName = (workspaceId: string, deliverableId: string): DocName =>
  `${workspaceId}/deliverable/${deliverableId}`

export type ParsedDocName =
  | { kind: 'root'; workspaceId: string }
  | { kind: 'channel'; workspaceId: string; channelId: string }
  | { kind: 'deliverable'; workspaceId: string; deliverableId: string }

export function parseDocName(name: DocName): ParsedDocName | null {
  const parts = name.split('/')
  const [workspaceId, kind, id] = parts
  if (workspaceId === undefined || kind === undefined) return null
  if (parts.length === 2 && kind === 'root') return { kind: 'root', workspaceId }
  if (parts.length === 3 && id !== undefined && kind === 'channel') return { kind: 'channel', workspaceId, channelId: id }
  if (parts.length === 3 && id !== undefined && kind === 'deliverable') return { kind: 'deliverable', workspaceId, deliverableId: id }
  return null
}
