import * as Tabs from '@radix-ui/react-tabs'
import { ChevronRight, CircleCheck, CircleDashed, CircleX, KeyRound, Server, ShieldAlert, ShieldCheck } from 'lucide-react'
import { useEffect, useState, type FormEvent, type ReactNode } from 'react'
import type { Bridge, RequestOutput } from '../../../shared/bridge/contract.ts'
import { Button, cx, ProblemNotice, TextField } from '../components/ui.tsx'
import { toProblem, type Problem } from '../data/problems.ts'
import { keyStatus, keyStorage, type ModelSettings } from './models.ts'

export type { ModelSettings } from './models.ts'
export { modelSummary } from './models.ts'

type TestResult = RequestOutput<'settings.testModel'>

/**
 * Setting up a model (onboarding): an Anthropic API key (what coworkers run on), or an OpenAI-compatible
 * local endpoint (Ollama, LM Studio, llama.cpp server) for the private assistant. Settings → Models shows
 * the same two forms side by side, with the defaults.
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

/** A line saying what is set up: a check and the state, or a dashed circle and what is missing. */
export function StatusLine({ ok, children, label }: { ok: boolean; children: ReactNode; label?: string }) {
  return (
    <p role="status" aria-label={label} className={cx('flex items-center gap-1.5 text-sm font-medium', ok ? 'text-success' : 'text-fg-muted')}>
      {ok ? <CircleCheck aria-hidden className="size-4 shrink-0" /> : <CircleDashed aria-hidden className="size-4 shrink-0 text-fg-subtle" />}
      {children}
    </p>
  )
}

/** "Saved", for a moment after a save went through. */
export function useSavedFlag(): [boolean, () => void, () => void] {
  const [saved, setSaved] = useState(false)
  useEffect(() => {
    if (!saved) return
    const timer = setTimeout(() => setSaved(false), 4000)
    return () => clearTimeout(timer)
  }, [saved])
  return [saved, () => setSaved(true), () => setSaved(false)]
}

export function SavedNote({ shown, children = 'Saved' }: { shown: boolean; children?: ReactNode }) {
  return (
    <span role="status" className="flex items-center gap-1 text-sm text-success">
      {shown && (
        <>
          <CircleCheck aria-hidden className="size-3.5" />
          {children}
        </>
      )}
    </span>
  )
}

type ProviderForm = ReturnType<typeof useProviderForm>

/**
 * What a provider's form (AnthropicForm, LocalForm) keeps while it saves, tests or removes its settings.
 * `run(kind, save, hint)` makes the submit and Test handler: it calls `save` (which says whether anything
 * changed, then "Saved" shows) and, for a test, asks the Host to make one small call; `remove(action)`
 * makes the Remove handler. A failure shows as the problem, with `hint` (or "try again").
 */
function useProviderForm(bridge: Bridge, provider: 'anthropic' | 'local') {
  const [busy, setBusy] = useState<'save' | 'test' | 'remove' | null>(null)
  const [problem, setProblem] = useState<Problem | null>(null)
  const [result, setResult] = useState<TestResult | null>(null)
  const [saved, markSaved, clearSaved] = useSavedFlag()

  const run = (kind: 'save' | 'test', save: () => Promise<boolean>, hint: string) => async (event?: FormEvent) => {
    event?.preventDefault()
    setBusy(kind)
    setProblem(null)
    setResult(null)
    clearSaved()
    try {
      const changed = await save()
      if (changed) markSaved()
      if (kind === 'test') setResult(await bridge.request('settings.testModel', { provider }))
    } catch (error) {
      setProblem(toProblem(error, hint))
    } finally {
      setBusy(null)
    }
  }

  const remove = (action: () => Promise<void>) => async () => {
    setBusy('remove')
    setProblem(null)
    setResult(null)
    try {
      await action()
    } catch (error) {
      setProblem(toProblem(error, 'try again'))
    } finally {
      setBusy(null)
    }
  }

  return { busy, problem, result, saved, run, remove }
}

/** The end of a provider's form: why it failed, the test's outcome, then Save, Test connection, Remove (when `onRemove`) and "Saved". */
function ProviderFormEnd({
  form,
  saveLabel,
  canSave,
  canTest,
  onTest,
  removeLabel,
  onRemove
}: {
  form: ProviderForm
  saveLabel: string
  canSave: boolean
  canTest: boolean
  onTest: () => void
  removeLabel: string
  onRemove: (() => void) | undefined
}) {
  const { busy, problem, result, saved } = form
  return (
    <>
      {problem !== null && <ProblemNotice problem={problem} compact />}
      {result !== null && <TestOutcome result={result} />}
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" variant="primary" busy={busy === 'save'} disabled={!canSave || busy !== null}>
          {saveLabel}
        </Button>
        <Button onClick={onTest} busy={busy === 'test'} disabled={busy !== null || !canTest}>
          Test connection
        </Button>
        {onRemove !== undefined && (
          <Button variant="ghost" onClick={onRemove} busy={busy === 'remove'} disabled={busy !== null}>
            {removeLabel}
          </Button>
        )}
        <SavedNote shown={saved} />
      </div>
    </>
  )
}

/**
 * The Anthropic key and base URL. "Test connection" saves what was typed, then asks the Host to make
 * one small call and says what came back.
 */
export function AnthropicForm({ bridge, models, onChange, showStorage = true }: { bridge: Bridge; models: ModelSettings; onChange: (models: ModelSettings) => void; showStorage?: boolean }) {
  const [apiKey, setApiKey] = useState('')
  const initialBase = models.anthropic.baseURL ?? ''
  const [baseURL, setBaseURL] = useState(initialBase)
  const [advanced, setAdvanced] = useState(initialBase !== '')
  const form = useProviderForm(bridge, 'anthropic')
  const source = models.anthropic.keySource
  const status = keyStatus(models)
  const storage = keyStorage(models)
  const baseChanged = baseURL.trim() !== initialBase

  const save = async (): Promise<boolean> => {
    const key = apiKey.trim()
    if (key === '' && !baseChanged) return false
    const next = await bridge.request('settings.setAnthropic', {
      ...(key === '' ? {} : { apiKey: key }),
      ...(baseChanged ? { baseURL: baseURL.trim() === '' ? null : baseURL.trim() } : {})
    })
    onChange(next)
    setApiKey('')
    setBaseURL(next.anthropic.baseURL ?? '')
    return true
  }

  const run = (kind: 'save' | 'test') => form.run(kind, save, 'check the key and the base URL, then try again')
  const remove = form.remove(async () => {
    onChange(await bridge.request('settings.setAnthropic', { apiKey: '' }))
  })

  return (
    <form onSubmit={run('save')} className="flex flex-col gap-3" aria-label="Anthropic">
      <StatusLine ok={status.configured} label={`Anthropic key: ${status.label}`}>
        {status.label}
      </StatusLine>
      {showStorage && (
        <div role="note" aria-label={storage.label} className={cx('flex items-start gap-2 rounded-md border px-2.5 py-2 text-xs', storage.warning !== null ? 'border-warning/30 bg-warning-subtle' : 'border-border bg-bg')}>
          {storage.secure && storage.warning === null ? <ShieldCheck aria-hidden className="mt-px size-3.5 shrink-0 text-success" /> : <ShieldAlert aria-hidden className="mt-px size-3.5 shrink-0 text-warning" />}
          <div className="min-w-0">
            <p className="font-medium text-fg">{storage.label}</p>
            <p className="mt-0.5 text-fg-muted">
              {storage.warning !== null ? `${storage.warning} ` : ''}A key never enters a shared doc, a log or the sync server.
            </p>
          </div>
        </div>
      )}
      <TextField
        label="Anthropic API key"
        type="password"
        autoComplete="off"
        spellCheck={false}
        placeholder={source === 'none' ? 'sk-ant-…' : 'Type a new key to replace it'}
        value={apiKey}
        onChange={(event) => setApiKey(event.target.value)}
        hint={source === 'environment' ? 'A key saved here takes the place of the environment’s.' : source === 'settings' ? undefined : 'Create one at console.anthropic.com → API keys.'}
      />
      {advanced ? (
        <TextField
          label="Base URL"
          optional
          placeholder="https://api.anthropic.com"
          value={baseURL}
          spellCheck={false}
          onChange={(event) => setBaseURL(event.target.value)}
          hint="Only for a proxy or gateway in front of the Anthropic API. Empty: the Anthropic API itself."
        />
      ) : (
        <button type="button" onClick={() => setAdvanced(true)} className="-mt-1 flex w-fit items-center gap-1 rounded-sm text-xs text-fg-muted hover:text-fg">
          <ChevronRight aria-hidden className="size-3.5" />
          Use a custom base URL
        </button>
      )}
      <ProviderFormEnd
        form={form}
        saveLabel="Save"
        canSave={apiKey.trim() !== '' || baseChanged}
        canTest={source !== 'none' || apiKey.trim() !== ''}
        onTest={() => void run('test')()}
        removeLabel="Remove key"
        onRemove={source === 'settings' ? () => void remove() : undefined}
      />
    </form>
  )
}

/** The local OpenAI-compatible endpoint: URL, model and (optional) key. */
export function LocalForm({ bridge, models, onChange }: { bridge: Bridge; models: ModelSettings; onChange: (models: ModelSettings) => void }) {
  const [baseURL, setBaseURL] = useState(models.local.baseURL ?? '')
  const [model, setModel] = useState(models.local.model ?? '')
  const [apiKey, setApiKey] = useState('')
  const form = useProviderForm(bridge, 'local')
  const complete = baseURL.trim() !== '' && model.trim() !== ''

  const save = async (): Promise<boolean> => {
    const next = await bridge.request('settings.setLocal', {
      baseURL: baseURL.trim(),
      model: model.trim(),
      ...(apiKey.trim() === '' ? {} : { apiKey: apiKey.trim() })
    })
    onChange(next)
    setApiKey('')
    return true
  }

  const run = (kind: 'save' | 'test') => form.run(kind, save, 'check the address and the model name, and that the server is running')
  const remove = form.remove(async () => {
    onChange(await bridge.request('settings.setLocal', { baseURL: null, model: null }))
    setBaseURL('')
    setModel('')
  })

  return (
    <form onSubmit={run('save')} className="flex flex-col gap-3" aria-label="Local endpoint">
      <StatusLine ok={models.local.configured} label={`Local endpoint: ${models.local.configured ? `set up, ${models.local.model}` : 'not set up'}`}>
        {models.local.configured ? (
          <span className="min-w-0 truncate">
            {models.local.model} <span className="font-normal text-fg-muted">at {models.local.baseURL}</span>
          </span>
        ) : (
          'Not set up'
        )}
      </StatusLine>
      <TextField label="Endpoint URL" placeholder="http://localhost:11434/v1" value={baseURL} onChange={(event) => setBaseURL(event.target.value)} spellCheck={false} />
      <TextField label="Model" placeholder="e.g. llama3.2" value={model} onChange={(event) => setModel(event.target.value)} spellCheck={false} />
      <TextField
        label="Endpoint API key"
        optional
        type="password"
        autoComplete="off"
        value={apiKey}
        onChange={(event) => setApiKey(event.target.value)}
        hint="Only if your server asks for one; type it again when you change the endpoint."
      />
      <ProviderFormEnd
        form={form}
        saveLabel="Save endpoint"
        canSave={complete}
        canTest={complete}
        onTest={() => void run('test')()}
        removeLabel="Remove endpoint"
        onRemove={models.local.configured ? () => void remove() : undefined}
      />
    </form>
  )
}

export function TestOutcome({ result }: { result: TestResult }) {
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
