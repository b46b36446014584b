import * as Select from '@radix-ui/react-select'
import { Check, ChevronDown, Monitor, Moon, Sun } from 'lucide-react'
import { useEffect, useState, type FormEvent, type ReactNode } from 'react'
import { findMember } from '../../../shared/operations/members.ts'
import { readTheme, setTheme, type ThemeChoice } from '../app/theme.ts'
import { Button, ProblemNotice, Spinner, TextField } from '../components/ui.tsx'
import { toProblem, type Problem } from '../data/problems.ts'
import { useWorkspace } from '../workspace/context.tsx'
import { ModelSetup, modelSummary } from './ModelSetup.tsx'

/** Settings of this device: the model coworkers and the assistant run on, appearance, display name. */
export function SettingsView() {
  const { bridge, models, modelsProblem, setModels } = useWorkspace()
  return (
    <main aria-label="Settings" className="flex min-w-0 flex-1 flex-col">
      <header className="flex h-12 shrink-0 items-center border-b border-border px-6">
        <h1 className="text-base font-semibold">Settings</h1>
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto">
        <div className="mx-auto flex max-w-2xl flex-col gap-8 px-6 py-8">
          <Section title="Model" description={modelsProblem !== null && models === null ? 'This device could not report its model settings.' : modelSummary(models)}>
            {models !== null ? (
              <ModelSetup bridge={bridge} models={models} onChange={setModels} />
            ) : modelsProblem !== null ? (
              <ProblemNotice problem={modelsProblem} />
            ) : (
              <Spinner label="Loading model settings" />
            )}
          </Section>
          <Section title="Appearance" description="Follows your system unless you pick one.">
            <ThemePicker />
          </Section>
          <Section title="Profile" description="Your name as this device shows it when you create or join a workspace.">
            <ProfileForm />
          </Section>
        </div>
      </div>
    </main>
  )
}

function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <section className="rounded-xl border border-border bg-bg p-5 shadow-sm">
      <h2 className="text-lg font-semibold">{title}</h2>
      {description !== undefined && <p className="mt-0.5 mb-4 text-sm text-fg-muted">{description}</p>}
      {children}
    </section>
  )
}

const themes: { value: ThemeChoice; label: string; icon: ReactNode }[] = [
  { value: 'system', label: 'System', icon: <Monitor className="size-4" /> },
  { value: 'light', label: 'Light', icon: <Sun className="size-4" /> },
  { value: 'dark', label: 'Dark', icon: <Moon className="size-4" /> }
]

function ThemePicker() {
  const [theme, setChoice] = useState<ThemeChoice>(readTheme)
  return (
    <div className="flex items-center gap-3">
      <span id="theme-label" className="text-sm font-medium">
        Theme
      </span>
      <Select.Root
        value={theme}
        onValueChange={(value) => {
          setChoice(value as ThemeChoice)
          setTheme(value as ThemeChoice)
        }}
      >
        <Select.Trigger aria-labelledby="theme-label" className="inline-flex h-8 w-40 items-center justify-between gap-2 rounded-md border border-border-strong bg-bg px-2.5 text-sm shadow-sm">
          <Select.Value />
          <Select.Icon>
            <ChevronDown aria-hidden className="size-3.5 text-fg-subtle" />
          </Select.Icon>
        </Select.Trigger>
        <Select.Portal>
          <Select.Content position="popper" sideOffset={4} className="z-50 w-40 rounded-lg border border-border bg-bg-overlay p-1 shadow-md">
            <Select.Viewport>
              {themes.map((item) => (
                <Select.Item key={item.value} value={item.value} className="flex h-8 items-center gap-2 rounded-md px-2 text-sm outline-none data-[highlighted]:bg-bg-muted">
                  <span aria-hidden className="text-fg-subtle">
                    {item.icon}
                  </span>
                  <Select.ItemText>{item.label}</Select.ItemText>
                  <Select.ItemIndicator className="ml-auto">
                    <Check aria-hidden className="size-3.5 text-accent" />
                  </Select.ItemIndicator>
                </Select.Item>
              ))}
            </Select.Viewport>
          </Select.Content>
        </Select.Portal>
      </Select.Root>
    </div>
  )
}

function ProfileForm() {
  const { bridge, root, workspace } = useWorkspace()
  const [name, setName] = useState('')
  const [saved, setSaved] = useState(false)
  const [problem, setProblem] = useState<Problem | null>(null)
  useEffect(() => {
    bridge
      .request('app.info', {})
      .then((info) => setName(info.displayName))
      .catch(() => setName(findMember(root, workspace.memberId)?.name ?? ''))
  }, [bridge, root, workspace.memberId])

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setSaved(false)
    setProblem(null)
    bridge
      .request('settings.setProfile', { displayName: name.trim() })
      .then(() => setSaved(true))
      .catch((error: unknown) => setProblem(toProblem(error)))
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-3">
      <TextField label="Display name" value={name} onChange={(event) => setName(event.target.value)} />
      {problem !== null && <ProblemNotice problem={problem} compact />}
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={name.trim() === ''}>
          Save name
        </Button>
        {saved && <span role="status" className="text-sm text-success">Saved</span>}
      </div>
    </form>
  )
}
