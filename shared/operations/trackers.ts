import * as Y from 'yjs'
import { z } from 'zod'
import { CommonsError, notFound, ValidationError } from '../errors.ts'
import { newId } from '../ids.ts'
import { trackerCollections } from '../model/deliverableDoc.ts'
import type { TrackerColumn, TrackerColumnType, TrackerValue } from '../model/types.ts'
import { transact, type OperationContext } from './context.ts'
import { idOf, parseInput, trimmedText } from './validate.ts'

const columnType = z.enum(['text', 'number', 'date', 'checkbox', 'select'], {
  error: 'column type must be text, number, date, checkbox or select'
})

export const trackerColumnsInput = z
  .array(
    z
      .object({ name: trimmedText('column name', 100), type: columnType.default('text'), options: z.array(trimmedText('option', 100)).optional() })
      .refine((column) => column.type !== 'select' || (column.options?.length ?? 0) > 0, { error: 'a select column needs options' }),
    { error: 'columns must be a list' }
  )
  .min(1, { error: 'a tracker needs at least one column' })
  .max(100, { error: 'a tracker has at most 100 columns' })
  .refine((columns) => new Set(columns.map((column) => column.name.toLowerCase())).size === columns.length, {
    error: 'column names must be different from each other'
  })

export function writeTrackerColumns(doc: Y.Doc, columns: z.output<typeof trackerColumnsInput>): void {
  trackerCollections(doc).columns.push(
    columns.map((column) => ({ id: newId('col'), name: column.name, type: column.type, ...(column.options ? { options: column.options } : {}) }))
  )
}

/**
 * Parses a column spec as people type it on the command line: `Name:type` pairs separated by commas, the
 * type optional (text), select options after `=` separated by `|`: `Task,Done:checkbox,Stage:select=todo|doing|done`.
 */
export function parseColumnSpec(spec: string): Array<{ name: string; type: TrackerColumnType; options?: string[] }> {
  return spec
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const [name = '', rest] = part.split(':', 2) as [string, string | undefined]
      if (rest === undefined) return { name: name.trim(), type: 'text' as const }
      const [type = '', options] = rest.split('=', 2) as [string, string | undefined]
      const parsedType = columnType.safeParse(type.trim())
      if (!parsedType.success) throw new ValidationError('columns', [{ field: name.trim(), problem: parsedType.error.issues[0]!.message }])
      return { name: name.trim(), type: parsedType.data, ...(options !== undefined ? { options: options.split('|').map((option) => option.trim()) } : {}) }
    })
}

export function readColumns(doc: Y.Doc): TrackerColumn[] {
  return trackerCollections(doc).columns.toArray()
}

/** Finds a column by id or by name, case-insensitively. */
export function resolveColumn(columns: readonly TrackerColumn[], idOrName: string): TrackerColumn {
  const column = columns.find((candidate) => candidate.id === idOrName) ?? columns.find((candidate) => candidate.name.toLowerCase() === idOrName.toLowerCase())
  if (column === undefined) throw notFound('column', idOrName, `columns are ${columns.map((candidate) => candidate.name).join(', ')}`)
  return column
}

/** Checks a value against its column's type; null (an empty cell) fits every column. */
export function checkCellValue(column: TrackerColumn, value: unknown): TrackerValue {
  if (value === null || value === undefined) return null
  const fail = (problem: string) => new ValidationError('tracker row', [{ field: column.name, problem }])
  switch (column.type) {
    case 'text':
      if (typeof value !== 'string') throw fail('must be text')
      if (value.length > 10_000) throw fail('must be at most 10,000 characters')
      return value
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw fail('must be a number')
      return value
    case 'date':
      if (typeof value !== 'string' || !isCalendarDate(value)) throw fail('must be a date written YYYY-MM-DD')
      return value
    case 'checkbox':
      if (typeof value !== 'boolean') throw fail('must be true or false')
      return value
    case 'select':
      if (typeof value !== 'string' || !(column.options ?? []).includes(value)) throw fail(`must be one of ${(column.options ?? []).join(', ')}`)
      return value
  }
}

/** Turns text (a command-line argument, a CSV cell) into a value of the column's type. Empty text is an empty cell. */
export function coerceCellText(column: TrackerColumn, text: string): TrackerValue {
  const trimmed = text.trim()
  if (trimmed === '') return null
  switch (column.type) {
    case 'number': {
      const number = Number(trimmed)
      return checkCellValue(column, Number.isFinite(number) ? number : trimmed)
    }
    case 'checkbox': {
      const lower = trimmed.toLowerCase()
      if (['true', 'yes', 'y', '1', 'x', 'done'].includes(lower)) return true
      if (['false', 'no', 'n', '0'].includes(lower)) return false
      return checkCellValue(column, trimmed)
    }
    default:
      return checkCellValue(column, trimmed)
  }
}

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)
}

const rowValues = z.record(z.string(), z.unknown(), { error: 'row values must be an object of column → value' })

/** Checks values keyed by column id or name and returns them keyed by column id. */
function checkRowValues(columns: readonly TrackerColumn[], values: Record<string, unknown>): Record<string, TrackerValue> {
  const checked: Record<string, TrackerValue> = {}
  for (const [key, value] of Object.entries(values)) {
    const column = resolveColumn(columns, key)
    checked[column.id] = checkCellValue(column, value)
  }
  return checked
}

/** Adds rows at the end; values are keyed by column id or name. Returns the new row ids. */
export function addTrackerRows(tracker: Y.Doc, input: { rows: Array<Record<string, unknown>> }, context: OperationContext): string[] {
  const { rows } = parseInput('add tracker rows', z.object({ rows: z.array(rowValues).min(1, { error: 'give at least one row' }).max(10_000) }), input)
  const columns = requireTracker(tracker)
  const checked = rows.map((values) => checkRowValues(columns, values))
  const ids = checked.map(() => newId('row'))
  const collections = trackerCollections(tracker)
  transact(tracker, context, () => {
    checked.forEach((values, index) => {
      const row = new Y.Map<TrackerValue>()
      for (const [columnId, value] of Object.entries(values)) row.set(columnId, value)
      collections.rows.set(ids[index]!, row)
    })
    collections.rowOrder.push(ids)
  })
  return ids
}

/** Changes some cells of a row; cells not named keep their value. */
export function updateTrackerRow(tracker: Y.Doc, input: { rowId: string; values: Record<string, unknown> }, context: OperationContext): void {
  const parsed = parseInput('update tracker row', z.object({ rowId: idOf('row'), values: rowValues }), input)
  const columns = requireTracker(tracker)
  const row = requireRow(tracker, parsed.rowId)
  const checked = checkRowValues(columns, parsed.values)
  transact(tracker, context, () => {
    for (const [columnId, value] of Object.entries(checked)) if (row.get(columnId) !== value) row.set(columnId, value)
  })
}

/** Moves a row to a position (0 is the top) among the rows. */
export function moveTrackerRow(tracker: Y.Doc, input: { rowId: string; toIndex: number }, context: OperationContext): void {
  const parsed = parseInput('move tracker row', z.object({ rowId: idOf('row'), toIndex: z.number().int().min(0, { error: 'position must be 0 or more' }) }), input)
  requireRow(tracker, parsed.rowId)
  const { rowOrder } = trackerCollections(tracker)
  transact(tracker, context, () => {
    // Drop every place the id holds (a concurrent move can leave two), then insert it once.
    const order = rowOrder.toArray()
    for (let index = order.length - 1; index >= 0; index--) if (order[index] === parsed.rowId) rowOrder.delete(index, 1)
    rowOrder.insert(Math.min(parsed.toIndex, rowOrder.length), [parsed.rowId])
  })
}

export function deleteTrackerRow(tracker: Y.Doc, input: { rowId: string }, context: OperationContext): void {
  const { rowId } = parseInput('delete tracker row', z.object({ rowId: idOf('row') }), input)
  requireRow(tracker, rowId)
  const { rows, rowOrder } = trackerCollections(tracker)
  transact(tracker, context, () => {
    rows.delete(rowId)
    const order = rowOrder.toArray()
    for (let index = order.length - 1; index >= 0; index--) if (order[index] === rowId) rowOrder.delete(index, 1)
  })
}

function requireTracker(tracker: Y.Doc): TrackerColumn[] {
  const columns = readColumns(tracker)
  if (columns.length === 0) throw new CommonsError('not-found', 'this deliverable has no tracker columns', 'is it a document rather than a tracker?')
  return columns
}

function requireRow(tracker: Y.Doc, rowId: string): Y.Map<TrackerValue> {
  const row = trackerCollections(tracker).rows.get(rowId)
  if (row === undefined) throw notFound('tracker row', rowId)
  return row
}
