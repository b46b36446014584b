import path from 'node:path'
import { resolveChannel } from '../../../shared/operations/channels.ts'
import { listFiles } from '../../../shared/operations/files.ts'
import type { CliContext } from '../cliContext.ts'
import { readLocalFile, stringOption, type Command } from '../commandLine.ts'
import { formatTime, memberName, table } from '../format.ts'

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

export const fileCommands: Command<CliContext>[] = [
  {
    name: 'file add',
    usage: 'commons file add PATH [--channel C] [--name NAME]',
    summary: 'Add a file to the workspace (text-like files are searchable)',
    options: { channel: { type: 'string' }, name: { type: 'string' } },
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const filePath = args.positionals[0]!
      const bytes = await readLocalFile(filePath)
      const session = await context.session()
      const channel = stringOption(args, 'channel')
      const record = await session.files.add(
        { name: stringOption(args, 'name') ?? path.basename(filePath), bytes, channelId: channel === undefined ? null : resolveChannel(session.root, channel).id },
        session.context
      )
      context.changed()
      context.print(`Added ${record.name} (${formatSize(record.size)}, ${record.id}).`, record)
    }
  },
  {
    name: 'file list',
    usage: 'commons file list [--channel C]',
    summary: 'List the workspace files',
    options: { channel: { type: 'string' } },
    arity: { min: 0, max: 0 },
    async run(context, args) {
      const session = await context.session()
      const channel = stringOption(args, 'channel')
      const files = listFiles(session.root, channel === undefined ? {} : { channelId: resolveChannel(session.root, channel).id })
      context.print(
        () =>
          files.length === 0
            ? 'No files yet. Add one with `commons file add PATH`.'
            : table(files.map((file) => [file.id, file.name, formatSize(file.size), file.mimeType, `${memberName(session.root, file.addedBy)}, ${formatTime(file.addedAt)}`])),
        files
      )
    }
  },
  {
    name: 'file get',
    usage: 'commons file get ID',
    summary: "Write a file's bytes to stdout (fetched from the server when this device lacks them)",
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const bytes = await session.files.read(args.positionals[0]!)
      context.io.stdoutBytes(bytes)
    }
  }
]
