import { createChannel, joinChannel, leaveChannel, listChannels, resolveChannel, setChannelTopic } from '../../../shared/operations/channels.ts'
import type { CliContext } from '../cliContext.ts'
import { stringOption, type Command } from '../commandLine.ts'
import { table } from '../format.ts'

export const channelCommands: Command<CliContext>[] = [
  {
    name: 'channels',
    usage: 'commons channels [--all]',
    summary: 'List channels (joined ones marked with *; --all includes archived)',
    options: { all: { type: 'boolean' } },
    arity: { min: 0, max: 0 },
    async run(context, args) {
      const session = await context.session()
      const channels = listChannels(session.root, { includeArchived: args.values.all === true })
      context.print(
        () =>
          channels.length === 0
            ? 'No channels yet. Create one with `commons channel create NAME`.'
            : table(
                channels.map((channel) => [
                  channel.members[session.memberId] !== undefined ? '*' : ' ',
                  `#${channel.name}`,
                  `${Object.keys(channel.members).length} members`,
                  channel.archived ? '(archived)' : channel.topic
                ])
              ),
        channels
      )
    }
  },
  {
    name: 'channel create',
    usage: 'commons channel create NAME [--topic TEXT]',
    summary: 'Create a channel and join it',
    options: { topic: { type: 'string' } },
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const channel = createChannel(session.root, { name: args.positionals[0]!, topic: stringOption(args, 'topic') ?? '' }, session.context)
      context.changed()
      context.print(`Created #${channel.name} (${channel.id}).`, channel)
    }
  },
  {
    name: 'channel join',
    usage: 'commons channel join NAME',
    summary: 'Join a channel',
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const channel = joinChannel(session.root, { channelId: resolveChannel(session.root, args.positionals[0]!).id }, session.context)
      context.changed()
      context.print(`Joined #${channel.name}.`, channel)
    }
  },
  {
    name: 'channel leave',
    usage: 'commons channel leave NAME',
    summary: 'Leave a channel',
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const session = await context.session()
      const channel = leaveChannel(session.root, { channelId: resolveChannel(session.root, args.positionals[0]!).id }, session.context)
      context.changed()
      context.print(`Left #${channel.name}.`, channel)
    }
  },
  {
    name: 'channel topic',
    usage: 'commons channel topic NAME TEXT',
    summary: "Set a channel's topic",
    arity: { min: 2, max: 2 },
    async run(context, args) {
      const session = await context.session()
      const channel = setChannelTopic(session.root, { channelId: resolveChannel(session.root, args.positionals[0]!).id, topic: args.positionals[1]! }, session.context)
      context.changed()
      context.print(`#${channel.name}: ${channel.topic}`, channel)
    }
  }
]
