import { createLogger } from '../../shared/log.ts'
import { CliContext } from './cliContext.ts'
import { describeFailure, exitCodes, selectCommand, type Command, type Io } from './commandLine.ts'
import { assistantCommands } from './commands/assistantCommands.ts'
import { channelCommands } from './commands/channelCommands.ts'
import { coworkerCommands } from './commands/coworkerCommands.ts'
import { deliverableCommands } from './commands/deliverableCommands.ts'
import { fileCommands } from './commands/fileCommands.ts'
import { memoryCommands } from './commands/memoryCommands.ts'
import { messageCommands } from './commands/messageCommands.ts'
import { modelCommands } from './commands/modelCommands.ts'
import { workflowCommands } from './commands/workflowCommands.ts'
import { workspaceCommands } from './commands/workspaceCommands.ts'

/**
 * `commons`, the command line: for people and for scripts (a CI job posting a digest to a channel).
 * Exit codes: 0 ok, 1 usage (and other refusals), 2 not found, 3 access or connection error.
 */
export const commands: readonly Command<CliContext>[] = [
  ...workspaceCommands,
  ...channelCommands,
  ...messageCommands,
  ...memoryCommands,
  ...deliverableCommands,
  ...fileCommands,
  ...coworkerCommands,
  ...modelCommands,
  ...workflowCommands,
  ...assistantCommands
]

export function helpText(): string {
  const width = Math.max(...commands.map((command) => command.name.length))
  return [
    'commons: the Commons workspace from the command line',
    '',
    'usage: commons COMMAND [arguments] [--data DIR] [--workspace ID|NAME] [--json] [--timeout S]',
    '',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Global options:',
    '  --data DIR          the device data directory (default: the platform data folder, or $COMMONS_DATA)',
    '  --workspace ID|NAME which workspace, when this device has several',
    '  --json              machine-readable output',
    '  --timeout S         how long to wait for the sync server (default 5; 30 for sync and join)',
    '',
    'Every command works offline and syncs when the server is reachable.',
    'Exit codes: 0 ok, 1 usage, 2 not found, 3 access or connection error.',
    'Run `commons COMMAND --help` for a command\'s usage.'
  ].join('\n')
}

export async function runCommandLine(argv: readonly string[], io: Io): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout(helpText() + '\n')
    return argv.length === 0 ? exitCodes.usage : exitCodes.ok
  }
  let context: CliContext | null = null
  try {
    const selected = selectCommand(commands, argv)
    if (selected === null) {
      const firstFlag = argv.findIndex((word) => word.startsWith('-'))
      const words = (firstFlag === -1 ? argv : argv.slice(0, firstFlag)).slice(0, 2).join(' ')
      io.stderr(`error: unknown command "${words}"\nhint: run \`commons --help\` for the list\n`)
      return exitCodes.usage
    }
    if (selected.args.values.help === true) {
      io.stdout(`${selected.command.summary}\n\nusage: ${selected.command.usage}\n`)
      return exitCodes.ok
    }
    context = new CliContext(selected.args, io, createLogger({ scope: 'cli' }))
    await selected.command.run(context, selected.args)
    await context.close()
    return context.exitCode
  } catch (error) {
    const failure = describeFailure(error)
    io.stderr(failure.lines.join('\n') + '\n')
    try {
      await context?.close()
    } catch (closeError) {
      io.stderr(describeFailure(closeError).lines.join('\n') + '\n')
    }
    return failure.exitCode
  }
}
