/**
 * Room names: `<workspaceId>/<kind>/<id>` and the like (see docs/sync-protocol.md, "Rooms and doc names").
 * The server checks only the shape and reads the workspace from the first segment.
 */

const roomPattern = /^ws_[a-z2-7]{20}(\/[a-z0-9_-]{1,64}){1,3}$/

export interface RoomName {
  room: string
  workspaceId: string
}

export function parseRoomName(room: string): RoomName | undefined {
  if (!roomPattern.test(room)) return undefined
  return { room, workspaceId: room.slice(0, room.indexOf('/')) }
}
