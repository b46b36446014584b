import { z } from 'zod'
import { CommonsError } from '../../../shared/errors.ts'
import { newId } from '../../../shared/ids.ts'
import type { Deliverable } from '../../../shared/model/types.ts'
import { createTracker } from '../../../shared/operations/deliverables.ts'
import { addTrackerRows, updateTrackerRow } from '../../../shared/operations/trackers.ts'
import { defineTool } from './defineTool.ts'
import { reachableDeliverable, targetChannel } from './reach.ts'
import { channelField, deliverableField, idField, rowValuesField } from './toolInputs.ts'
import { reply } from './toolReply.ts'
import type { ToolContext } from './toolTypes.ts'

const maxRowsPerCall = 500

const rowsField = z
  .array(rowValuesField, { error: 'must be a list of rows' })
  .max(maxRowsPerCall, { error: `at most ${maxRowsPerCall} rows per call` })

const columnField = z.object({
  name: z.string({ error: 'must be text' }).trim().min(1, { error: 'must not be empty' }).max(100, { error: 'must be at most 100 characters' }),
  type: z.enum(['text', 'number', 'date', 'checkbox', 'select'], { error: 'must be text, number, date, checkbox or select' }).default('text'),
  options: z.array(z.string().trim().min(1).max(100)).max(50).optional().describe('The choices of a select column.')
})

export const createTrackerTool = defineTool('create_tracker', {
  description: [
    'Create a tracker (a table with typed columns) in one of your channels, optionally with its first rows.',
    'Use it for lists the team will keep up to date: tasks, candidates, bugs, decisions. Column types: text, number,',
    'date (YYYY-MM-DD), checkbox (true/false), select (one of its options). Returns the tracker id and the new row ids.'
  ].join(' '),
  input: z.object({
    title: z.string({ error: 'must be text' }).trim().min(1, { error: 'must not be empty' }).max(200, { error: 'must be at most 200 characters' }).describe('The title, e.g. "Launch checklist".'),
    columns: z.array(columnField, { error: 'must be a list of columns' }).min(1, { error: 'give at least one column' }).max(50, { error: 'at most 50 columns' }),
    rows: rowsField.optional().describe(`First rows, each an object of column name → value (at most ${maxRowsPerCall}).`),
    channel: channelField.optional().describe('The channel it belongs to; defaults to the channel of the current task.')
  }),
  async run(input, context) {
    const channel = targetChannel(context, input.channel, 'create a tracker in')
    const deliverableId = newId('dl')
    const { created, rowIds } = await context.session.withDeliverable(deliverableId, (docs) => {
      const created = createTracker(docs, { deliverableId, title: input.title, channelId: channel.id, columns: input.columns }, context.operation)
      context.touchedDeliverables.add(created.id)
      if (input.rows === undefined || input.rows.length === 0) return { created, rowIds: [] as string[] }
      try {
        return { created, rowIds: addTrackerRows(docs.deliverable, { rows: input.rows }, context.operation) }
      } catch (error) {
        // The tracker exists now: say so, so the model adds the rows rather than making a second tracker.
        const problem = error instanceof Error ? error.message : String(error)
        throw new CommonsError('invalid-input', `created tracker "${created.title}" (${created.id}), but its rows were not added: ${problem}`, 'fix the rows and add them with add_tracker_rows', { cause: error })
      }
    })
    return reply(
      { created: created.id, title: created.title, channel: `#${channel.name}`, columns: input.columns.map((column) => column.name), rowIds },
      `created tracker "${created.title}" in #${channel.name} with ${input.columns.length} column${input.columns.length === 1 ? '' : 's'}${rowIds.length > 0 ? ` and ${rowIds.length} row${rowIds.length === 1 ? '' : 's'}` : ''}`
    )
  }
})

export const addTrackerRowsTool = defineTool('add_tracker_rows', {
  description: [
    'Add rows at the end of a tracker. Each row is an object of column name → value; columns left out stay empty.',
    `Values must fit the column type. At most ${maxRowsPerCall} rows per call. Returns the new row ids.`
  ].join(' '),
  input: z.object({
    tracker: deliverableField.describe('The tracker id (dl_…), or its exact title.'),
    rows: rowsField.min(1, { error: 'give at least one row' })
  }),
  async run(input, context) {
    const tracker = requireTracker(context, input.tracker)
    const rowIds = await context.session.withDeliverable(tracker.id, (docs) => addTrackerRows(docs.deliverable, { rows: input.rows }, context.operation))
    context.touchedDeliverables.add(tracker.id)
    return reply({ tracker: tracker.id, added: rowIds }, `added ${rowIds.length} row${rowIds.length === 1 ? '' : 's'} to tracker "${tracker.title}"`)
  }
})

export const updateTrackerRowTool = defineTool('update_tracker_row', {
  description: [
    'Change cells of one tracker row; cells not named keep their value, null empties a cell.',
    'Find row ids with read_deliverable. Returns the row id.'
  ].join(' '),
  input: z.object({
    tracker: deliverableField.describe('The tracker id (dl_…), or its exact title.'),
    rowId: idField('row', 'row').describe('The row to change (row_…), from read_deliverable.'),
    values: rowValuesField
  }),
  async run(input, context) {
    const tracker = requireTracker(context, input.tracker)
    await context.session.withDeliverable(tracker.id, (docs) => updateTrackerRow(docs.deliverable, { rowId: input.rowId, values: input.values }, context.operation))
    context.touchedDeliverables.add(tracker.id)
    const columns = Object.keys(input.values)
    return reply({ tracker: tracker.id, updated: input.rowId }, `updated ${columns.length === 0 ? 'nothing in' : columns.join(', ') + ' of'} a row of tracker "${tracker.title}"`)
  }
})

function requireTracker(context: ToolContext, ref: string): Deliverable {
  const tracker = reachableDeliverable(context, ref)
  if (tracker.kind !== 'tracker') throw new CommonsError('invalid-input', `"${tracker.title}" is a ${tracker.kind}, not a tracker`, 'change documents with edit_document')
  return tracker
}
