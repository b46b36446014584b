import { getChannel, resolveChannel } from '../../../shared/operations/channels.ts'
import type { AssistantService } from '../../host/assistant/assistantService.ts'
import type { CliContext } from '../cliContext.ts'
import { stringOption, type Command } from '../commandLine.ts'

const help = [
  'Private assistant: only you see this conversation; it stays on this device.',
  'Commands: /share [#channel]  share the last answer to a channel (as you)',
  '          /save TITLE        save the last answer as a document',
  '          /context off       remove the channel context',
  '          /quit              leave (the session is kept)'
].join('\n')

/** Sends one message and streams the reply to stdout; a model error is printed with its hint, not thrown. */
async function ask(context: CliContext, assistant: AssistantService, sessionId: string, text: string): Promise<string | null> {
  try {
    const result = await assistant.send(sessionId, text, { onText: (delta) => context.io.stdout(delta) })
    context.io.stdout(result.outcome === 'stopped' ? '\n(stopped)\n' : '\n')
    return result.reply
  } catch (error) {
    const hint = (error as { hint?: string }).hint
    context.io.stderr(`\nerror: ${(error as Error).message}${hint ? `\nhint: ${hint}` : ''}\n`)
    context.fail(3)
    return null
  }
}

export const assistantCommands: Command<CliContext>[] = [
  {
    name: 'assistant',
    usage: 'commons assistant [--channel C] [--session ID] [--message TEXT]',
    summary: 'A private assistant session in the terminal (with --message: ask once and print the answer)',
    options: { channel: { type: 'string' }, session: { type: 'string' }, message: { type: 'string' } },
    arity: { min: 0, max: 0 },
    async run(context, args) {
      const session = await context.session()
      const assistant = await (await context.host()).assistant()
      const channelName = stringOption(args, 'channel')
      const channelId = channelName === undefined ? null : resolveChannel(session.root, channelName).id
      const existing = stringOption(args, 'session')
      const view = existing !== undefined ? assistant.get(existing) : await assistant.create({ workspaceId: session.id, channelId })
      const oneShot = stringOption(args, 'message')
      if (oneShot !== undefined) {
        const reply = await ask(context, assistant, view.id, oneShot)
        if (context.json) context.io.stdout(JSON.stringify({ sessionId: view.id, reply }) + '\n')
        return
      }
      context.io.stderr(`${help}\n${view.contextChip ? `context: ${view.contextChip.label}\n` : ''}session ${view.id}\n`)
      let lastReply: string | null = null
      context.io.stderr('> ')
      for await (const line of context.io.stdinLines()) {
        const text = line.trim()
        if (text === '/quit' || text === '/exit') break
        if (text === '') {
          context.io.stderr('> ')
          continue
        }
        if (text.startsWith('/share') || text.startsWith('/save')) {
          if (lastReply === null) context.io.stderr('nothing to share yet\n')
          else if (text.startsWith('/share')) {
            const target = text.slice('/share'.length).trim() || (view.contextChip?.channelId ?? '')
            if (target === '') context.io.stderr('which channel? /share #channel\n')
            else {
              const channel = resolveChannel(session.root, target)
              await assistant.shareToChannel(view.id, lastReply, channel.id)
              context.changed()
              context.io.stderr(`shared to #${getChannel(session.root, channel.id).name}\n`)
            }
          } else {
            const title = text.slice('/save'.length).trim()
            if (title === '') context.io.stderr('give it a title: /save TITLE\n')
            else {
              const deliverable = await assistant.saveAsDeliverable(view.id, lastReply, title, view.contextChip?.channelId ?? null)
              context.changed()
              context.io.stderr(`saved as "${deliverable.title}" (${deliverable.id})\n`)
            }
          }
        } else if (text === '/context off') {
          await assistant.removeContext(view.id)
          context.io.stderr('context removed\n')
        } else if (text.startsWith('/')) {
          context.io.stderr(`unknown command ${text}\n${help}\n`)
        } else {
          lastReply = (await ask(context, assistant, view.id, text)) ?? lastReply
        }
        context.io.stderr('> ')
      }
      if (context.exitCode !== 0) context.fail(0)
    }
  },
  {
    name: 'assistant sessions',
    usage: 'commons assistant sessions',
    summary: 'List your private assistant sessions on this device',
    arity: { min: 0, max: 0 },
    async run(context) {
      const session = await context.session()
      const sessions = (await (await context.host()).assistant()).list(session.id)
      context.print(() => (sessions.length === 0 ? 'No sessions yet. Start one with `commons assistant`.' : sessions.map((entry) => `${entry.id}  ${entry.title}  (${entry.messageCount} messages)`).join('\n')), sessions)
    }
  }
]

