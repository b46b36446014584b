/**
 * A tracker's doc as a table: its columns, and its rows in order with a value for every column.
 *
 * Row order follows `rowOrder`. Two devices moving the same row at once can leave its id there twice:
 * the first place wins. An id whose row is gone from `rows` (deleted on another device) is skipped.
 */

import * as Y from 'yjs'
import { trackerCollections } from '../model/deliverableDoc.ts'
import type { TrackerColumn, TrackerColumnType, TrackerRow, TrackerValue } from '../model/types.ts'
import { toCsv } from './csv.ts'

export interface TrackerTable {
  columns: TrackerColumn[]
  rows: TrackerRow[]
}

export function readTracker(doc: Y.Doc): TrackerTable {
  const { columns: columnArray, rowOrder, rows: rowMap } = trackerCollections(doc)
  const columns = readColumns(columnArray.toArray() as unknown[])
  const rows: TrackerRow[] = []
  const seen = new Set<string>()
  for (const id of rowOrder.toArray() as unknown[]) {
    if (typeof id !== 'string' || seen.has(id)) continue
    seen.add(id)
    const cells = rowMap.get(id) as unknown
    if (cells === undefined) continue
    const values: Record<string, TrackerValue> = {}
    for (const column of columns) values[column.id] = toTrackerValue(cellOf(cells, column.id))
    rows.push({ id, values })
  }
  return { columns, rows }
}

/** The tracker as CSV: a header row of column names, then one record per row. */
export function trackerToCsv(doc: Y.Doc): string {
  const { columns, rows } = readTracker(doc)
  if (columns.length === 0) return ''
  return toCsv([columns.map((column) => column.name), ...rows.map((row) => columns.map((column) => cellText(column, row.values[column.id] ?? null)))])
}

/** A cell as text: empty cells as nothing, checkboxes as true or false. */
export function cellText(column: TrackerColumn, value: TrackerValue): string {
  if (value === null) return ''
  if (column.type === 'checkbox') return value === true || value === 'true' ? 'true' : 'false'
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  return String(value)
}

const columnTypes: readonly TrackerColumnType[] = ['text', 'number', 'date', 'checkbox', 'select']

/** Columns as stored, keeping the first of any repeated id; a type this version does not know reads as text. */
function readColumns(entries: readonly unknown[]): TrackerColumn[] {
  const columns: TrackerColumn[] = []
  const ids = new Set<string>()
  for (const entry of entries) {
    const raw = (entry instanceof Y.Map ? entry.toJSON() : entry) as Partial<Record<keyof TrackerColumn, unknown>> | null
    if (typeof raw !== 'object' || raw === null || typeof raw.id !== 'string' || ids.has(raw.id)) continue
    ids.add(raw.id)
    const type = columnTypes.includes(raw.type as TrackerColumnType) ? (raw.type as TrackerColumnType) : 'text'
    const column: TrackerColumn = { id: raw.id, name: typeof raw.name === 'string' ? raw.name : raw.id, type }
    if (Array.isArray(raw.options)) column.options = raw.options.filter((option): option is string => typeof option === 'string')
    columns.push(column)
  }
  return columns
}

function cellOf(cells: unknown, columnId: string): unknown {
  if (cells instanceof Y.Map) return cells.get(columnId)
  if (typeof cells === 'object' && cells !== null) return (cells as Record<string, unknown>)[columnId]
  return undefined
}

function toTrackerValue(value: unknown): TrackerValue {
  if (value === undefined || value === null) return null
  if (typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (value instanceof Y.Text) return value.toString()
  // Not a value this version writes; keep what it says rather than drop it.
  return JSON.stringify(value instanceof Y.AbstractType ? value.toJSON() : value) ?? null
}
