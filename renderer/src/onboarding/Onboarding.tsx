import * as Tabs from '@radix-ui/react-tabs'
import { ArrowLeft, ArrowRight, CircleCheck, KeyRound } from 'lucide-react'
import { useEffect, useState, type ChangeEvent, type FormEvent, type ReactNode } from 'react'
import type { Bridge, RequestOutput } from '../../../shared/bridge/contract.ts'
import { Button, cx, ProblemNotice, Spinner, TextField } from '../components/ui.tsx'
import { toProblem, type Problem } from '../data/problems.ts'
import { ModelSetup, type ModelSettings } from '../settings/ModelSetup.tsx'

type Opened = RequestOutput<'workspaces.open'>

/**
 * First run (and "Create or join a workspace…"): make a workspace or join one from an invite, then set
 * up a model, or skip and be told what will wait for one.
 */
export function Onboarding({
  bridge,
  displayName,
  onDone,
  onCancel,
  start = { tab: 'create', invite: '' }
}: {
  bridge: Bridge
  displayName: string
  onDone: (opened: Opened) => void
  onCancel?: (() => void) | undefined
  /** Which tab to show first, and an invite to prefill (a `commons://join/…` link that opened the app). */
  start?: { tab: 'create' | 'join'; invite: string }
}) {
  const [opened, setOpened] = useState<Opened | null>(null)
  return (
    <div className="flex h-full overflow-y-auto bg-bg-subtle">
      <div className="m-auto w-full max-w-[480px] px-4 py-10">
        <div className="mb-6 flex items-center gap-2.5">
          <span aria-hidden className="flex size-8 items-center justify-center rounded-lg bg-fg text-base font-bold text-bg">
            C
          </span>
          <span className="text-lg font-semibold">Commons</span>
          <Steps current={opened === null ? 1 : 2} />
        </div>
        <div className="rounded-xl border border-border bg-bg p-6 shadow-md">
          {opened === null ? <WorkspaceStep bridge={bridge} displayName={displayName} start={start} onOpened={setOpened} /> : <ModelStep bridge={bridge} onDone={() => onDone(opened)} />}
        </div>
        {onCancel !== undefined && opened === null && (
          <button type="button" onClick={onCancel} className="mt-4 flex items-center gap-1.5 text-sm text-fg-muted hover:text-fg">
            <ArrowLeft aria-hidden className="size-3.5" />
            Back to your workspace
          </button>
        )}
      </div>
    </div>
  )
}

function Steps({ current }: { current: 1 | 2 }) {
  return (
    <ol aria-label="Setup steps" className="ml-auto flex items-center gap-1.5 text-xs text-fg-subtle">
      {(['Workspace', 'Model'] as const).map((label, index) => (
        <li key={label} aria-current={current === index + 1 ? 'step' : undefined} className={cx('flex items-center gap-1.5', current === index + 1 && 'font-medium text-fg')}>
          <span className={cx('flex size-4.5 items-center justify-center rounded-full text-[10px]', current > index + 1 ? 'bg-success text-bg' : current === index + 1 ? 'bg-fg text-bg' : 'bg-bg-emphasis')}>{index + 1}</span>
          {label}
          {index === 0 && <span className="mx-1 h-px w-4 bg-border-strong" />}
        </li>
      ))}
    </ol>
  )
}

interface WorkspaceDraft {
  name: string
  userName: string
  serverUrl: string
  invite: string
}

function WorkspaceStep({
  bridge,
  displayName,
  start,
  onOpened
}: {
  bridge: Bridge
  displayName: string
  start: { tab: 'create' | 'join'; invite: string }
  onOpened: (opened: Opened) => void
}) {
  const [tab, setTab] = useState<'create' | 'join'>(start.tab)
  // One draft for both tabs, so switching between them loses nothing typed.
  const [draft, setDraft] = useState<WorkspaceDraft>({ name: '', userName: displayName, serverUrl: '', invite: start.invite })
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<Problem | null>(null)
  const change = (field: keyof WorkspaceDraft) => (event: ChangeEvent<HTMLInputElement>) => setDraft((current) => ({ ...current, [field]: event.target.value }))

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setProblem(null)
    const serverUrl = draft.serverUrl.trim()
    const request =
      tab === 'create'
        ? bridge.request('workspaces.create', { name: draft.name.trim(), userName: draft.userName.trim(), ...(serverUrl === '' ? {} : { serverUrl }) })
        : bridge.request('workspaces.join', { invite: draft.invite.trim(), userName: draft.userName.trim() })
    request
      .then(onOpened)
      .catch((error: unknown) =>
        setProblem(
          toProblem(
            error,
            tab === 'join' ? 'check the invite is complete and not used or expired; ask for a new one if it is' : serverUrl === '' ? null : 'check the server URL, or leave it empty to start local only'
          )
        )
      )
      .finally(() => setBusy(false))
  }

  const ready = draft.userName.trim() !== '' && (tab === 'create' ? draft.name.trim() !== '' : draft.invite.trim() !== '')
  return (
    <>
      <h1 className="text-xl font-semibold">{tab === 'create' ? 'Create a workspace' : 'Join a workspace'}</h1>
      <p className="mt-1 text-sm text-fg-muted">
        {tab === 'create' ? 'A workspace holds your team’s channels, coworkers, deliverables and memory. It lives on this device and syncs through a server if you give one.' : 'Paste the invite a teammate sent you. It brings this device into their workspace through its sync server.'}
      </p>
      <Tabs.Root
        value={tab}
        onValueChange={(value) => {
          setTab(value as 'create' | 'join')
          setProblem(null)
        }}
        className="mt-5"
      >
        <Tabs.List aria-label="Create or join" className="mb-5 flex gap-1 rounded-lg bg-bg-muted p-1">
          <Tabs.Trigger value="create" className={tabClass}>
            Create
          </Tabs.Trigger>
          <Tabs.Trigger value="join" className={tabClass}>
            Join
          </Tabs.Trigger>
        </Tabs.List>
        <form onSubmit={submit} className="flex flex-col gap-4">
          <Tabs.Content value="create" className="flex flex-col gap-4 focus:outline-none">
            <TextField label="Workspace name" placeholder="e.g. Acme Marketing" value={draft.name} onChange={change('name')} autoFocus />
          </Tabs.Content>
          <Tabs.Content value="join" className="flex flex-col gap-4 focus:outline-none">
            <TextField label="Invite" placeholder="Paste the invite" value={draft.invite} onChange={change('invite')} spellCheck={false} autoComplete="off" autoFocus />
          </Tabs.Content>
          <TextField label="Your name" placeholder="How teammates see you" value={draft.userName} onChange={change('userName')} />
          {tab === 'create' && (
            <TextField
              label="Sync server URL"
              optional
              type="url"
              placeholder="https://sync.example.com"
              value={draft.serverUrl}
              onChange={change('serverUrl')}
              hint="Leave empty to keep the workspace on this device; teammates can join once it has a server."
            />
          )}
          {problem !== null && <ProblemNotice problem={problem} compact />}
          <Button type="submit" variant="primary" size="lg" busy={busy} disabled={!ready}>
            {tab === 'create' ? (busy ? 'Creating…' : 'Create workspace') : busy ? 'Joining…' : 'Join workspace'}
            {!busy && <ArrowRight aria-hidden className="size-4" />}
          </Button>
        </form>
      </Tabs.Root>
    </>
  )
}

const tabClass =
  'flex h-8 flex-1 items-center justify-center rounded-md text-sm font-medium text-fg-muted hover:text-fg data-[state=active]:bg-bg data-[state=active]:text-fg data-[state=active]:shadow-sm'

function ModelStep({ bridge, onDone }: { bridge: Bridge; onDone: () => void }) {
  const [models, setModels] = useState<ModelSettings | null>(null)
  const [problem, setProblem] = useState<Problem | null>(null)
  const load = () => {
    setProblem(null)
    bridge
      .request('settings.get', {})
      .then(setModels)
      .catch((error: unknown) => setProblem(toProblem(error)))
  }
  useEffect(load, [bridge])
  const ready = models?.anthropic.configured === true

  let body: ReactNode
  if (problem !== null) body = <ProblemNotice problem={problem} onRetry={load} />
  else if (models === null) body = <Spinner label="Loading model settings" />
  else body = <ModelSetup bridge={bridge} models={models} onChange={setModels} />

  return (
    <>
      <div className="flex items-center gap-2">
        <KeyRound aria-hidden className="size-5 text-coworker" />
        <h1 className="text-xl font-semibold">Set up a model</h1>
      </div>
      <p className="mt-1 mb-5 text-sm text-fg-muted">Coworkers do their work with Claude. Give this device an Anthropic API key so tasks asked here can run, or a local endpoint for your private assistant. You can change this any time in Settings.</p>
      {body}
      <div className="mt-6 flex items-center justify-between gap-3 border-t border-border pt-4">
        {ready ? (
          <p className="flex items-center gap-1.5 text-sm text-success">
            <CircleCheck aria-hidden className="size-4" />
            Coworkers can run on this device.
          </p>
        ) : (
          <p className="text-xs text-fg-subtle">Without a model, coworker tasks asked on this device wait for a teammate’s device that has one.</p>
        )}
        <Button variant={ready ? 'primary' : 'ghost'} onClick={onDone}>
          {ready ? 'Continue' : 'Skip for now'}
          <ArrowRight aria-hidden className="size-4" />
        </Button>
      </div>
    </>
  )
}
