import type * as Y from 'yjs'
import { fragmentToMarkdown } from '../../../shared/content/documentToMarkdown.ts'
import { parseCsv } from '../../../shared/content/csv.ts'
import { readTracker, trackerToCsv } from '../../../shared/content/trackerTable.ts'
import { CommonsError } from '../../../shared/errors.ts'
import { newId } from '../../../shared/ids.ts'
import { documentBody } from '../../../shared/model/deliverableDoc.ts'
import { resolveChannel } from '../../../shared/operations/channels.ts'
import { createDocument, createTracker, getDeliverable, listDeliverables, setDeliverableStatus } from '../../../shared/operations/deliverables.ts'
import { addTrackerRows, coerceCellText, parseColumnSpec, readColumns, resolveColumn } from '../../../shared/operations/trackers.ts'
import type { WorkspaceSession } from '../../host/workspaceSession.ts'
import type { CliContext } from '../cliContext.ts'
import { readLocalFile, stringOption, UsageError, type Command } from '../commandLine.ts'
import { formatTime, memberName, table } from '../format.ts'

const channelOption = (session: WorkspaceSession, name: string | undefined) => (name === undefined ? null : resolveChannel(session.root, name).id)

const readText = async (path: string) => new TextDecoder().decode(await readLocalFile(path))

/** Reads a deliverable's doc after syncing it for a moment, so it shows what the team wrote. */
function readSynced<T>(context: CliContext, session: WorkspaceSession, deliverableId: string, read: (doc: Y.Doc) => T): Promise<T> {
  return session.withDeliverable(deliverableId, async (docs) => {
    await context.trySync()
    return read(docs.deliverable)
  })
}

function requireKind(session: WorkspaceSession, deliverableId: string, kinds: string[]) {
  const deliverable = getDeliverable(session.root, deliverableId)
  if (!kinds.includes(deliverable.kind)) {
    throw new CommonsError('invalid-input', `"${deliverable.title}" is a ${deliverable.kind}`, kinds.includes('tracker') ? 'use `commons doc ...` for documents' : 'use `commons tracker ...` for trackers')
  }
  return deliverable
}

export const deliverableCommands: Command<CliContext>[] = [
  {
    name: 'deliverables',
    usage: 'commons deliverables [--channel C]',
    summary: 'List documents, trackers and reports',
    options: { channel: { type: 'string' } },
    arity: { min: 0, max: 0 },
    async run(context, args) {
      const session = await context.session()
      const channelId = channelOption(session, stringOption(args, 'channel'))
      const items = listDeliverables(session.root, channelId === null ? {} : { channelId })
      context.print(
        () =>
          items.length === 0
            ? 'No deliverables yet. Create one with `commons doc create TITLE` or `commons tracker create TITLE --columns ...`.'
            : table(items.map((item) => [item.id, item.kind, item.status, item.title, `${memberName(session.root, item.ownerId)}, ${formatTime(item.updatedAt)}`])),
        items
      )
    }
  },
  {
    name: 'doc create',
    usage: 'commons doc create TITLE [--from FILE.md] [--channel C]',
    summary: 'Create a document, optionally from a Markdown file',
    options: { from: { type: 'string' }, channel: { type: 'string' } },
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const from = stringOption(args, 'from')
      const markdown = from === undefined ? '' : await readText(from)
      const deliverableId = newId('dl')
      const channelId = channelOption(session, stringOption(args, 'channel'))
      const document = await session.withDeliverable(deliverableId, (docs) =>
        createDocument(docs, { deliverableId, title: args.positionals[0]!, markdown, channelId }, session.context)
      )
      context.changed()
      context.print(`Created document "${document.title}" (${document.id}).`, document)
    }
  },
  {
    name: 'doc show',
    usage: 'commons doc show ID',
    summary: 'Print a document with its status',
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const deliverable = requireKind(session, args.positionals[0]!, ['document', 'report'])
      const markdown = await readSynced(context, session, deliverable.id, (doc) => fragmentToMarkdown(documentBody(doc)))
      context.print(`# ${deliverable.title}\n(${deliverable.kind}, ${deliverable.status}, by ${memberName(session.root, deliverable.ownerId)})\n\n${markdown}`, { ...deliverable, markdown })
    }
  },
  {
    name: 'doc export',
    usage: 'commons doc export ID',
    summary: 'Print a document as Markdown',
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const deliverable = requireKind(session, args.positionals[0]!, ['document', 'report'])
      const markdown = await readSynced(context, session, deliverable.id, (doc) => fragmentToMarkdown(documentBody(doc)))
      context.print(markdown, { id: deliverable.id, title: deliverable.title, markdown })
    }
  },
  {
    name: 'tracker create',
    usage: 'commons tracker create TITLE --columns "Name,Done:checkbox,Due:date,Stage:select=todo|doing|done" [--channel C]',
    summary: 'Create a tracker with typed columns (text, number, date, checkbox, select)',
    options: { columns: { type: 'string' }, channel: { type: 'string' } },
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const spec = stringOption(args, 'columns')
      if (spec === undefined) throw new UsageError('--columns is required', 'e.g. --columns "Account,Value:number,Won:checkbox"')
      const session = await context.session()
      const deliverableId = newId('dl')
      const channelId = channelOption(session, stringOption(args, 'channel'))
      const tracker = await session.withDeliverable(deliverableId, (docs) =>
        createTracker(docs, { deliverableId, title: args.positionals[0]!, columns: parseColumnSpec(spec), channelId }, session.context)
      )
      context.changed()
      context.print(`Created tracker "${tracker.title}" (${tracker.id}).`, tracker)
    }
  },
  {
    name: 'tracker add',
    usage: 'commons tracker add ID COLUMN=VALUE... | --csv FILE',
    summary: 'Add a row (COLUMN=VALUE pairs) or many rows (a CSV file whose header names the columns)',
    options: { csv: { type: 'string' } },
    arity: { min: 1, max: 200 },
    async run(context, args) {
      const session = await context.session()
      const deliverable = requireKind(session, args.positionals[0]!, ['tracker'])
      const csvPath = stringOption(args, 'csv')
      if (csvPath === undefined && args.positionals.length < 2) throw new UsageError('give COLUMN=VALUE pairs or --csv FILE')
      const ids = await session.withDeliverable(deliverable.id, async (docs) => {
        await context.trySync()
        const columns = readColumns(docs.deliverable)
        let textRows: Array<Array<[string, string]>>
        if (csvPath !== undefined) {
          const [header = [], ...rows] = parseCsv(await readText(csvPath))
          textRows = rows.map((row) => header.map((name, index): [string, string] => [name, row[index] ?? '']))
        } else {
          textRows = [
            args.positionals.slice(1).map((pair): [string, string] => {
              const at = pair.indexOf('=')
              if (at <= 0) throw new UsageError(`"${pair}" is not COLUMN=VALUE`)
              return [pair.slice(0, at), pair.slice(at + 1)]
            })
          ]
        }
        const rows = textRows.map((pairs) => Object.fromEntries(pairs.map(([name, text]) => [name, coerceCellText(resolveColumn(columns, name), text)])))
        return addTrackerRows(docs.deliverable, { rows }, session.context)
      })
      context.changed()
      context.print(`Added ${ids.length} ${ids.length === 1 ? 'row' : 'rows'} to "${deliverable.title}".`, { rowIds: ids })
    }
  },
  {
    name: 'tracker show',
    usage: 'commons tracker show ID',
    summary: 'Print a tracker as a table',
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const deliverable = requireKind(session, args.positionals[0]!, ['tracker'])
      const tracker = await readSynced(context, session, deliverable.id, readTracker)
      context.print(
        () => table([tracker.columns.map((column) => column.name), ...tracker.rows.map((row) => tracker.columns.map((column) => String(row.values[column.id] ?? '')))]),
        { ...deliverable, ...tracker }
      )
    }
  },
  {
    name: 'tracker export',
    usage: 'commons tracker export ID',
    summary: 'Print a tracker as CSV',
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const deliverable = requireKind(session, args.positionals[0]!, ['tracker'])
      const csv = await readSynced(context, session, deliverable.id, trackerToCsv)
      context.print(csv, { id: deliverable.id, title: deliverable.title, csv })
    }
  },
  {
    name: 'review request',
    usage: 'commons review request ID',
    summary: 'Put a deliverable in review',
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const deliverable = setDeliverableStatus(session.root, { deliverableId: args.positionals[0]!, status: 'in-review' }, session.context)
      context.changed()
      context.print(`"${deliverable.title}" is in review.`, deliverable)
    }
  }
]
