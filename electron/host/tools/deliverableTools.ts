import { z } from 'zod'
import { fragmentToMarkdown } from '../../../shared/content/documentToMarkdown.ts'
import { readTracker } from '../../../shared/content/trackerTable.ts'
import { CommonsError, forbidden } from '../../../shared/errors.ts'
import { newId } from '../../../shared/ids.ts'
import { documentBody } from '../../../shared/model/deliverableDoc.ts'
import type { Deliverable } from '../../../shared/model/types.ts'
import { createDocument, setDeliverableStatus, writeDocument } from '../../../shared/operations/deliverables.ts'
import { defineTool } from './defineTool.ts'
import { isoMinute, textWindow } from './format.ts'
import { channelLabel, reachableDeliverable, targetChannel } from './reach.ts'
import { channelField, deliverableField, markdownField, offsetField } from './toolInputs.ts'
import { reply } from './toolReply.ts'
import type { ToolContext } from './toolTypes.ts'

const documentWindow = 20_000
const trackerWindow = 100

export const readDeliverableTool = defineTool('read_deliverable', {
  description: [
    'Read a deliverable: a document or report as Markdown, or a tracker as its columns and rows.',
    'Use it before editing a document, or to answer from a tracker. Returns the title, kind, status and channel,',
    'then the content: documents 20,000 characters at a time, trackers 100 rows at a time (row ids included, for',
    'update_tracker_row). Call again with `offset` to read on.'
  ].join(' '),
  input: z.object({
    deliverable: deliverableField,
    offset: offsetField('Documents: the character to start at. Trackers: the first row to return (0 is the first).')
  }),
  async run(input, context) {
    const deliverable = reachableDeliverable(context, input.deliverable)
    const about = describe(deliverable, context)
    if (deliverable.kind === 'tracker') {
      const table = await context.session.withDeliverable(deliverable.id, ({ deliverable: doc }) => readTracker(doc))
      const rows = table.rows.slice(input.offset, input.offset + trackerWindow)
      const end = input.offset + rows.length
      return reply(
        {
          ...about,
          columns: table.columns.map((column) => ({ name: column.name, type: column.type, ...(column.options ? { options: column.options } : {}) })),
          totalRows: table.rows.length,
          ...(end < table.rows.length ? { more: `rows ${input.offset}–${end - 1} shown; read on with offset ${end}` } : {}),
          rows: rows.map((row) => ({ rowId: row.id, ...Object.fromEntries(table.columns.map((column) => [column.name, row.values[column.id] ?? null])) }))
        },
        `read tracker "${deliverable.title}" (${rows.length} of ${table.rows.length} rows)`
      )
    }
    const markdown = await context.session.withDeliverable(deliverable.id, ({ deliverable: doc }) => fragmentToMarkdown(documentBody(doc)))
    const window = textWindow(markdown, input.offset, documentWindow)
    const header = [
      `${deliverable.kind === 'report' ? 'Report' : 'Document'} "${deliverable.title}" (${deliverable.id}), ${deliverable.status}, ${about.channel ?? 'workspace-wide'}, updated ${about.updated}`,
      ...(window.note !== null ? [`Showing ${window.note}.`] : []),
      '---'
    ].join('\n')
    return reply(`${header}\n${markdown === '' ? '(empty document)' : window.text}`, `read ${deliverable.kind} "${deliverable.title}"`)
  }
})

function describe(deliverable: Deliverable, context: ToolContext) {
  return {
    id: deliverable.id,
    title: deliverable.title,
    kind: deliverable.kind,
    status: deliverable.status,
    channel: channelLabel(context, deliverable.channelId),
    updated: isoMinute(deliverable.updatedAt)
  }
}

export const createDocumentTool = defineTool('create_document', {
  description: [
    'Create a document (or a report) from Markdown in one of your channels, where the team can open, edit and reuse it.',
    'Use it for anything longer than a chat reply: summaries, plans, reports, drafts. Headings, lists, code blocks,',
    'links, bold and italic are kept. Returns the new deliverable id; mention the document in your reply.'
  ].join(' '),
  input: z.object({
    title: z.string({ error: 'must be text' }).trim().min(1, { error: 'must not be empty' }).max(200, { error: 'must be at most 200 characters' }).describe('The title, e.g. "Weekly report".'),
    markdown: markdownField('The body, in Markdown.'),
    channel: channelField.optional().describe('The channel it belongs to; defaults to the channel of the current task.'),
    kind: z.enum(['document', 'report'], { error: 'must be document or report' }).default('document').describe('"report" for periodic reports, else "document".')
  }),
  async run(input, context) {
    const channel = targetChannel(context, input.channel, 'create a document in')
    const deliverableId = newId('dl')
    const created = await context.session.withDeliverable(deliverableId, (docs) =>
      createDocument(docs, { deliverableId, title: input.title, channelId: channel.id, kind: input.kind, markdown: input.markdown }, context.operation)
    )
    context.touchedDeliverables.add(created.id)
    return reply({ created: created.id, title: created.title, kind: created.kind, channel: `#${channel.name}`, status: created.status }, `created ${created.kind} "${created.title}" in #${channel.name}`)
  }
})

export const editDocumentTool = defineTool('edit_document', {
  description: [
    'Change a document or report: replace its whole body with new Markdown, or append Markdown at its end.',
    'To change part of a document, read it with read_deliverable, then replace it with the full new text.',
    'Trackers are changed with add_tracker_rows and update_tracker_row instead. Returns the document id.'
  ].join(' '),
  input: z.object({
    deliverable: deliverableField,
    markdown: markdownField('The new body (replace) or the text to add at the end (append), in Markdown.'),
    mode: z.enum(['replace', 'append'], { error: 'must be replace or append' }).describe('"replace" the whole body, or "append" to it.')
  }),
  async run(input, context) {
    const target = reachableDeliverable(context, input.deliverable)
    if (target.kind === 'tracker') throw new CommonsError('invalid-input', `"${target.title}" is a tracker, not a document`, 'change its rows with add_tracker_rows or update_tracker_row')
    await context.session.withDeliverable(target.id, (docs) => writeDocument(docs, { deliverableId: target.id, markdown: input.markdown, mode: input.mode }, context.operation))
    context.touchedDeliverables.add(target.id)
    return reply({ edited: target.id, title: target.title, mode: input.mode }, `${input.mode === 'append' ? 'appended to' : 'rewrote'} ${target.kind} "${target.title}"`)
  }
})

export const requestReviewTool = defineTool('request_review', {
  description: [
    'Ask the team to review a deliverable you created or changed: it is marked "in review" with your comment,',
    'until a person approves it or asks for changes. Use it when your work should be checked before it is relied on.',
    'Only for deliverables you created or changed. Returns the new status.'
  ].join(' '),
  input: z.object({
    deliverable: deliverableField,
    comment: z.string({ error: 'must be text' }).trim().min(1, { error: 'must not be empty' }).max(4_000, { error: 'must be at most 4,000 characters' }).describe('What the reviewer should look at.')
  }),
  async run(input, context) {
    const target = reachableDeliverable(context, input.deliverable)
    const mine = context.touchedDeliverables.has(target.id) || target.ownerId === context.operation.actorId
    if (!mine) throw forbidden(`you did not create or change "${target.title}", so you cannot put it in review`, 'ask a person to review it in your reply instead')
    const root = context.session.root
    if (target.status === 'in-review') return reply({ deliverable: target.id, status: 'in-review', note: 'it was already in review' }, `"${target.title}" was already in review`)
    // An approved deliverable goes back to draft first: only a draft can be sent to review.
    if (target.status === 'approved') setDeliverableStatus(root, { deliverableId: target.id, status: 'draft', comment: 'reopened for review' }, context.operation)
    const updated = setDeliverableStatus(root, { deliverableId: target.id, status: 'in-review', comment: input.comment }, context.operation)
    context.touchedDeliverables.add(target.id)
    return reply({ deliverable: updated.id, title: updated.title, status: updated.status }, `asked for review of "${updated.title}"`)
  }
})
