import { testConnection, type ModelSettingsSummary } from '../../host/settings/index.ts'
import type { CliContext } from '../cliContext.ts'
import { stringOption, UsageError, type Command } from '../commandLine.ts'

function describeSettings(summary: ModelSettingsSummary): string {
  const anthropic = summary.anthropic
  const lines = [
    `Anthropic:        ${anthropic.keySource === null ? 'no key (set one with `commons model set anthropic --key -`, or ANTHROPIC_API_KEY)' : `key …${anthropic.keyHint} from ${anthropic.keySource}`}${anthropic.baseURL ? `, ${anthropic.baseURL}` : ''}`,
    `Local model:      ${summary.local === null ? 'none (set one with `commons model set local --url http://127.0.0.1:11434/v1 --model NAME`)' : `${summary.local.model} at ${summary.local.baseURL}`}`,
    `Default model:    ${summary.defaultModel}`,
    `Private assistant uses: ${summary.privateAssistant}`,
    `Key storage:      ${summary.protection === 'keychain' ? 'the system keychain' : 'a private file on this device (mode 0600)'}`
  ]
  if (anthropic.problem !== null) lines.push(`problem: ${anthropic.problem.message}${anthropic.problem.hint ? ` (${anthropic.problem.hint})` : ''}`)
  if (summary.warning !== null) lines.push(`warning: ${summary.warning}`)
  if (!summary.canRunCoworkers) lines.push('Coworker tasks will not run on this device until a model is set up.')
  return lines.join('\n')
}

export const modelCommands: Command<CliContext>[] = [
  {
    name: 'model show',
    usage: 'commons model show',
    summary: 'Show which models this device uses (never the key)',
    arity: { min: 0, max: 0 },
    async run(context) {
      const summary = await (await context.host()).settings.summary()
      context.print(() => describeSettings(summary), summary)
    }
  },
  {
    name: 'model set',
    usage:
      'commons model set anthropic [--key KEY|-] [--base-url URL] | model set local --url URL --model NAME [--key KEY] | model set default MODEL | model set assistant anthropic|local',
    summary: 'Configure a model provider for this device',
    options: { key: { type: 'string' }, 'base-url': { type: 'string' }, url: { type: 'string' }, model: { type: 'string' }, clear: { type: 'boolean' } },
    arity: { min: 1, max: 2 },
    async run(context, args) {
      const settings = (await context.host()).settings
      const [what, value] = args.positionals
      switch (what) {
        case 'anthropic': {
          const keyFlag = stringOption(args, 'key')
          if (args.values.clear === true) await settings.setAnthropicKey(null)
          else if (keyFlag !== undefined) {
            // `--key -` reads the key from stdin, so it stays out of shell history and process lists.
            const key = (keyFlag === '-' ? await context.io.readStdin() : keyFlag).trim()
            if (key === '') throw new UsageError('the key is empty')
            await settings.setAnthropicKey(key)
          }
          const baseUrl = stringOption(args, 'base-url')
          if (baseUrl !== undefined) await settings.setAnthropicBaseUrl(baseUrl === '' ? null : baseUrl)
          break
        }
        case 'local': {
          if (args.values.clear === true) {
            await settings.setLocal(null)
            break
          }
          const url = stringOption(args, 'url')
          const model = stringOption(args, 'model')
          if (url === undefined || model === undefined) throw new UsageError('--url and --model are required', 'e.g. commons model set local --url http://127.0.0.1:11434/v1 --model llama3.2')
          const apiKey = stringOption(args, 'key')
          await settings.setLocal({ baseURL: url, model, ...(apiKey !== undefined ? { apiKey } : {}) })
          break
        }
        case 'default':
          if (value === undefined) throw new UsageError('name the model', 'e.g. commons model set default claude-sonnet-5-5')
          await settings.setDefaultModel(value)
          break
        case 'assistant':
          if (value !== 'anthropic' && value !== 'local') throw new UsageError('the private assistant uses anthropic or local')
          await settings.setPrivateAssistantProvider(value)
          break
        default:
          throw new UsageError(`unknown provider "${what}"`, 'use anthropic, local, default or assistant')
      }
      const summary = await settings.summary()
      context.print(() => describeSettings(summary), summary)
    }
  },
  {
    name: 'model test',
    usage: 'commons model test [anthropic|local] [--model M]',
    summary: 'Check that a provider answers, the key works and the model exists',
    options: { model: { type: 'string' } },
    arity: { min: 0, max: 1 },
    async run(context, args) {
      const target = args.positionals[0] ?? 'anthropic'
      if (target !== 'anthropic' && target !== 'local') throw new UsageError('test anthropic or local')
      const model = stringOption(args, 'model')
      const result = await testConnection((await context.host()).settings, target, model !== undefined ? { model } : {})
      if (!result.ok) {
        context.print(`✗ ${result.message}${result.hint ? `\n  ${result.hint}` : ''}`, result)
        context.fail(3)
        return
      }
      context.print(`✓ ${target} answers${result.warning ? `\nwarning: ${result.warning}` : ''}`, result)
    }
  }
]
