import * as Tabs from '@radix-ui/react-tabs'
import { CircleCheck, CircleX, KeyRound, Server, ShieldAlert } from 'lucide-react'
import { useState, type FormEvent } from 'react'
import type { Bridge, RequestOutput } from '../../../shared/bridge/contract.ts'
import { Button, cx, ProblemNotice, TextField } from '../components/ui.tsx'
import { toProblem, type Problem } from '../data/problems.ts'

export type ModelSettings = RequestOutput<'settings.get'>
type TestResult = RequestOutput<'settings.testModel'>

/**
 * Setting up a model: an Anthropic API key (what coworkers run on), or an OpenAI-compatible local
 * endpoint (Ollama, LM Studio, llama.cpp server) for the private assistant. "Test connection" saves what
 * was typed, then asks the Host to make one small call and says what came back.
 */
export function ModelSetup({ bridge, models, onChange }: { bridge: Bridge; models: ModelSettings; onChange: (models: ModelSettings) => void }) {
  return (
    <Tabs.Root defaultValue={models.local.configured && !models.anthropic.configured ? 'local' : 'anthropic'} className="flex flex-col gap-4">
      <Tabs.List aria-label="Model provider" className="flex gap-1 rounded-lg bg-bg-muted p-1">
        <Tabs.Trigger value="anthropic" className={tabClass}>
          <KeyRound aria-hidden className="size-3.5" />
          Anthropic
          {models.anthropic.configured && <CircleCheck aria-label="configured" className="size-3.5 text-success" />}
        </Tabs.Trigger>
        <Tabs.Trigger value="local" className={tabClass}>
          <Server aria-hidden className="size-3.5" />
          Local endpoint
          {models.local.configured && <CircleCheck aria-label="configured" className="size-3.5 text-success" />}
        </Tabs.Trigger>
      </Tabs.List>
      <Tabs.Content forceMount value="anthropic" className="focus:outline-none data-[state=inactive]:hidden">
        <AnthropicForm bridge={bridge} models={models} onChange={onChange} />
      </Tabs.Content>
      <Tabs.Content forceMount value="local" className="focus:outline-none data-[state=inactive]:hidden">
        <LocalForm bridge={bridge} models={models} onChange={onChange} />
      </Tabs.Content>
    </Tabs.Root>
  )
}

const tabClass =
  'flex h-8 flex-1 items-center justify-center gap-1.5 rounded-md text-sm font-medium text-fg-muted hover:text-fg data-[state=active]:bg-bg data-[state=active]:text-fg data-[state=active]:shadow-sm'

function AnthropicForm({ bridge, models, onChange }: { bridge: Bridge; models: ModelSettings; onChange: (models: ModelSettings) => void }) {
  const [apiKey, setApiKey] = useState('')
  const [busy, setBusy] = useState<'save' | 'test' | null>(null)
  const [problem, setProblem] = useState<Problem | null>(null)
  const [result, setResult] = useState<TestResult | null>(null)
  const source = models.anthropic.keySource

  const save = async (): Promise<boolean> => {
    if (apiKey.trim() === '') return true
    const next = await bridge.request('settings.setAnthropic', { apiKey: apiKey.trim() })
    onChange(next)
    setApiKey('')
    return true
  }

  const run = (kind: 'save' | 'test') => async (event?: FormEvent) => {
    event?.preventDefault()
    setBusy(kind)
    setProblem(null)
    setResult(null)
    try {
      await save()
      if (kind === 'test') setResult(await bridge.request('settings.testModel', { provider: 'anthropic' }))
    } catch (error) {
      setProblem(toProblem(error, 'check the key and try again'))
    } finally {
      setBusy(null)
    }
  }

  return (
    <form onSubmit={run('save')} className="flex flex-col gap-3">
      <p className="text-sm text-fg-muted">
        Coworkers run on Claude through the Anthropic API. The key stays on this device, {models.keyProtection === 'keychain' ? 'encrypted by the system keychain' : 'in a private file'}, and never enters a shared doc, a log or the sync server.
      </p>
      {models.keyWarning !== null && (
        <p className="flex items-start gap-2 rounded-md bg-warning-subtle px-2.5 py-2 text-xs text-fg">
          <ShieldAlert aria-hidden className="mt-0.5 size-3.5 shrink-0 text-warning" />
          {models.keyWarning}
        </p>
      )}
      <TextField
        label="Anthropic API key"
        type="password"
        autoComplete="off"
        spellCheck={false}
        placeholder={source === 'none' ? 'sk-ant-…' : '•••••••• (saved — type a new key to replace it)'}
        value={apiKey}
        onChange={(event) => setApiKey(event.target.value)}
        hint={source === 'environment' ? 'Using ANTHROPIC_API_KEY from the environment. A key saved here takes its place.' : source === 'settings' ? 'A key is saved on this device.' : 'Create one at console.anthropic.com → API keys.'}
      />
      {problem !== null && <ProblemNotice problem={problem} compact />}
      {result !== null && <TestOutcome result={result} />}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" busy={busy === 'save'} disabled={apiKey.trim() === '' || busy !== null}>
          Save key
        </Button>
        <Button onClick={() => void run('test')()} busy={busy === 'test'} disabled={busy !== null || (source === 'none' && apiKey.trim() === '')}>
          Test connection
        </Button>
      </div>
    </form>
  )
}

function LocalForm({ bridge, models, onChange }: { bridge: Bridge; models: ModelSettings; onChange: (models: ModelSettings) => void }) {
  const [baseURL, setBaseURL] = useState(models.local.baseURL ?? '')
  const [model, setModel] = useState(models.local.model ?? '')
  const [apiKey, setApiKey] = useState('')
  const [busy, setBusy] = useState<'save' | 'test' | null>(null)
  const [problem, setProblem] = useState<Problem | null>(null)
  const [result, setResult] = useState<TestResult | null>(null)

  const run = (kind: 'save' | 'test') => async (event?: FormEvent) => {
    event?.preventDefault()
    setBusy(kind)
    setProblem(null)
    setResult(null)
    try {
      const next = await bridge.request('settings.setLocal', {
        baseURL: baseURL.trim() === '' ? null : baseURL.trim(),
        model: model.trim() === '' ? null : model.trim(),
        ...(apiKey.trim() === '' ? {} : { apiKey: apiKey.trim() })
      })
      onChange(next)
      setApiKey('')
      if (kind === 'test') setResult(await bridge.request('settings.testModel', { provider: 'local' }))
    } catch (error) {
      setProblem(toProblem(error, 'check the address and that the server is running'))
    } finally {
      setBusy(null)
    }
  }

  return (
    <form onSubmit={run('save')} className="flex flex-col gap-3">
      <p className="text-sm text-fg-muted">An OpenAI-compatible server on your machine (Ollama, LM Studio, llama.cpp) runs your private assistant offline. Coworkers still need an Anthropic key.</p>
      <TextField label="Endpoint URL" placeholder="http://localhost:11434/v1" value={baseURL} onChange={(event) => setBaseURL(event.target.value)} spellCheck={false} />
      <TextField label="Model" placeholder="e.g. llama3.2" value={model} onChange={(event) => setModel(event.target.value)} spellCheck={false} />
      <TextField label="Endpoint API key" optional type="password" autoComplete="off" value={apiKey} onChange={(event) => setApiKey(event.target.value)} hint="Only if your server asks for one." />
      {problem !== null && <ProblemNotice problem={problem} compact />}
      {result !== null && <TestOutcome result={result} />}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" busy={busy === 'save'} disabled={baseURL.trim() === '' || busy !== null}>
          Save endpoint
        </Button>
        <Button onClick={() => void run('test')()} busy={busy === 'test'} disabled={baseURL.trim() === '' || busy !== null}>
          Test connection
        </Button>
      </div>
    </form>
  )
}

function TestOutcome({ result }: { result: TestResult }) {
  return (
    <div role="status" className={cx('flex items-start gap-2 rounded-lg border px-3 py-2 text-sm', result.ok ? 'border-success/30 bg-success-subtle' : 'border-danger/30 bg-danger-subtle')}>
      {result.ok ? <CircleCheck aria-hidden className="mt-0.5 size-4 shrink-0 text-success" /> : <CircleX aria-hidden className="mt-0.5 size-4 shrink-0 text-danger" />}
      <div>
        <p className="font-medium text-fg">{result.ok ? 'Connected' : 'Could not connect'}</p>
        <p className="text-fg-muted">{result.message}</p>
        {result.hint !== null && <p className="mt-0.5 text-fg-muted">{result.hint}</p>}
      </div>
    </div>
  )
}

export function modelSummary(models: ModelSettings | null): string {
  if (models === null) return 'Checking…'
  if (models.anthropic.configured) return `Anthropic (${models.anthropic.keySource === 'environment' ? 'key from environment' : 'key saved'})`
  if (models.local.configured) return 'Local endpoint only: coworkers cannot run on this device'
  return 'No model set up: coworkers cannot run on this device'
}
