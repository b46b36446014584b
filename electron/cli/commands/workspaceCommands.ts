import { CommonsError } from '../../../shared/errors.ts'
import { listMembers } from '../../../shared/operations/members.ts'
import { defaultUserName } from '../../host/host.ts'
import type { CliContext } from '../cliContext.ts'
import { numberOption, stringOption, UsageError, type Command } from '../commandLine.ts'
import { table } from '../format.ts'

export const workspaceCommands: Command<CliContext>[] = [
  {
    name: 'init',
    usage: 'commons init --name NAME [--server URL] [--user NAME]',
    summary: 'Create a workspace on this device (registered with a sync server when given)',
    options: { name: { type: 'string' }, server: { type: 'string' }, user: { type: 'string' } },
    arity: { min: 0, max: 0 },
    async run(context, args) {
      const name = stringOption(args, 'name')
      if (name === undefined) throw new UsageError('--name is required', 'usage: commons init --name NAME [--server URL] [--user NAME]')
      const host = await context.host()
      const serverUrl = stringOption(args, 'server')
      const session = await host.createWorkspace({ name, userName: stringOption(args, 'user') ?? defaultUserName(), ...(serverUrl !== undefined ? { serverUrl } : {}) })
      context.changed()
      context.print(
        `Created workspace "${session.name}" (${session.id})${serverUrl ? ` on ${serverUrl}` : ' on this device only'}.\n` +
          (serverUrl ? 'Invite people with `commons invite`.' : ''),
        { workspaceId: session.id, name: session.name, memberId: session.memberId, server: serverUrl ?? null }
      )
      await context.session()
    }
  },
  {
    name: 'invite',
    usage: 'commons invite [--uses N] [--expires HOURS]',
    summary: 'Print an invite another device can join with',
    options: { uses: { type: 'string' }, expires: { type: 'string' } },
    arity: { min: 0, max: 0 },
    async run(context, args) {
      const host = await context.host()
      const workspace = host.resolveWorkspace(stringOption(args, 'workspace'))
      const invite = await host.createInvite(workspace.id, {
        maxUses: numberOption(args, 'uses', 1, { max: 1000 }),
        expiresInHours: numberOption(args, 'expires', 168, { max: 720 })
      })
      context.print(invite, { invite })
    }
  },
  {
    name: 'join',
    usage: 'commons join INVITE [--user NAME]',
    summary: 'Join a workspace from an invite',
    options: { user: { type: 'string' } },
    arity: { min: 1, max: 1 },
    async run(context, args) {
      const host = await context.host()
      const session = await host.joinWorkspace({
        invite: args.positionals[0]!,
        userName: stringOption(args, 'user') ?? defaultUserName(),
        timeoutMs: context.syncTimeoutMs(30)
      })
      context.changed()
      context.print(`Joined "${session.name}" (${session.id}).`, { workspaceId: session.id, name: session.name, memberId: session.memberId })
      await context.session()
    }
  },
  {
    name: 'workspaces',
    usage: 'commons workspaces',
    summary: 'List the workspaces on this device',
    arity: { min: 0, max: 0 },
    async run(context) {
      const workspaces = (await context.host()).listWorkspaces()
      context.print(
        () =>
          workspaces.length === 0
            ? 'No workspaces on this device yet. Create one with `commons init --name NAME`.'
            : table(workspaces.map((workspace) => [workspace.id, workspace.name, workspace.server ? `${workspace.server.url} (${workspace.server.role})` : 'this device only'])),
        workspaces
      )
    }
  },
  {
    name: 'members',
    usage: 'commons members',
    summary: 'List the people and coworkers in the workspace',
    arity: { min: 0, max: 0 },
    async run(context) {
      const session = await context.session()
      const members = listMembers(session.root)
      context.print(() => table(members.map((member) => [member.id, `@${member.handle}`, member.name, member.kind === 'coworker' ? 'coworker' : 'person'])), members)
    }
  },
  {
    name: 'sync',
    usage: 'commons sync [--timeout S]',
    summary: 'Wait until this device and the server agree (the root doc and joined channels)',
    arity: { min: 0, max: 0 },
    async run(context) {
      const host = await context.host()
      const summary = host.resolveWorkspace(stringOption(context.args, 'workspace'))
      const session = await host.openWorkspace(summary.id)
      if (!session.hasServer) throw new CommonsError('config', `"${summary.name}" has no sync server`, 'it lives on this device only')
      const timeoutMs = context.syncTimeoutMs(30)
      const started = Date.now()
      await session.waitForSync(timeoutMs)
      // The root doc may name channels this device has not opened yet; open them and agree again.
      const channels = await session.openJoinedChannels()
      await session.waitForSync(Math.max(1000, timeoutMs - (Date.now() - started)))
      context.print(`In sync with ${summary.server!.url} (${channels.length} joined channels).`, { status: 'synced', server: summary.server!.url, channels: channels.length })
    }
  }
]
