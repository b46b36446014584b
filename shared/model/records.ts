import * as Y from 'yjs'

/**
 * Records in the root doc are Y.Maps of fields, so two devices that change different fields of one
 * record (one renames a channel, another sets its topic) both keep their change. Field values are plain
 * JSON, except the few collections that must merge element by element (a channel's members, a
 * deliverable's status history), which are nested Y types.
 */
export type RecordMap = Y.Map<unknown>

export function newRecordMap(fields: Record<string, unknown>): RecordMap {
  const map = new Y.Map<unknown>()
  for (const [key, value] of Object.entries(fields)) map.set(key, value)
  return map
}

/** The record as plain data: nested Y types become plain objects and arrays. */
export function readRecord<T>(map: RecordMap): T {
  return map.toJSON() as T
}

/** Sets only the fields whose value differs, so an edit that changes nothing writes nothing. */
export function setChangedFields(map: RecordMap, fields: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue
    if (!sameJson(map.get(key), value)) map.set(key, value)
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  return JSON.stringify(a) === JSON.stringify(b)
}
