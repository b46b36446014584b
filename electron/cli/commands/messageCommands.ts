import { resolveChannel } from '../../../shared/operations/channels.ts'
import { channelCollections } from '../../../shared/model/channelDoc.ts'
import { getMessage, postMessage, readMessages } from '../../../shared/operations/messages.ts'
import type { MessageView } from '../../../shared/model/types.ts'
import type { CliContext } from '../cliContext.ts'
import { numberOption, stringOption, UsageError, type Command } from '../commandLine.ts'
import { formatMessage } from '../format.ts'

export const messageCommands: Command<CliContext>[] = [
  {
    name: 'post',
    usage: 'commons post CHANNEL TEXT   (TEXT "-" reads stdin) [--thread MESSAGE_ID]',
    summary: 'Post a message to a channel',
    options: { thread: { type: 'string' } },
    arity: { min: 2, max: 2 },
    async run(context, args) {
      const session = await context.session()
      const channel = resolveChannel(session.root, args.positionals[0]!)
      const raw = args.positionals[1]!
      const text = raw === '-' ? await context.io.readStdin() : raw
      if (raw === '-' && text.trim() === '') throw new UsageError('nothing came on stdin to post')
      const message = await session.withChannel(channel.id, (docs) =>
        postMessage(docs, { channelId: channel.id, text: raw === '-' ? text.replace(/\n$/, '') : text, replyTo: stringOption(args, 'thread') ?? null }, session.context)
      )
      context.changed()
      context.print(`Posted to #${channel.name} (${message.id}).`, message)
    }
  },
  {
    name: 'read',
    usage: 'commons read CHANNEL [--limit N] [--thread MESSAGE_ID]',
    summary: 'Print the latest messages of a channel or a thread',
    options: { limit: { type: 'string' }, thread: { type: 'string' } },
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const channel = resolveChannel(session.root, args.positionals[0]!)
      const limit = numberOption(args, 'limit', 50, { max: 10_000 })
      const threadId = stringOption(args, 'thread') ?? null
      const messages = await session.withChannel(channel.id, async (docs) => {
        await context.trySync()
        return readMessages(docs.channel, { limit, threadId })
      })
      context.print(
        () => (messages.length === 0 ? `#${channel.name} has no messages yet.` : messages.map((message) => formatMessage(session.root, message)).join('\n')),
        messages
      )
    }
  },
  {
    name: 'watch',
    usage: 'commons watch CHANNEL',
    summary: 'Print new messages in a channel as they arrive, until interrupted',
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const channel = resolveChannel(session.root, args.positionals[0]!)
      const lease = await session.leaseChannel(channel.id)
      try {
        await context.trySync()
        const show = (message: MessageView) =>
          context.io.stdout(context.json ? JSON.stringify(message) + '\n' : formatMessage(session.root, message) + '\n')
        for (const message of readMessages(lease.doc, { limit: 10 })) show(message)
        const { messages } = channelCollections(lease.doc)
        const onMessages = (event: { changes: { added: Set<{ content: { getContent(): unknown[] } }> } }) => {
          for (const item of event.changes.added) for (const record of item.content.getContent() as Array<{ id: string }>) show(getMessage(lease.doc, record.id))
        }
        messages.observe(onMessages)
        context.io.stderr(`watching #${channel.name}; Ctrl+C to stop\n`)
        await context.io.interrupted
        messages.unobserve(onMessages)
      } finally {
        lease.release()
      }
    }
  }
]
