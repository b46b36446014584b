import { Cloud, Cpu, Monitor, Moon, Palette, Sun, UserRound } from 'lucide-react'
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { findMember } from '../../../shared/operations/members.ts'
import { navigate, useRoute, type SettingsSection } from '../app/route.ts'
import { readTheme, setTheme, type ThemeChoice } from '../app/theme.ts'
import { Page } from '../components/page.tsx'
import { PlainSelect } from '../components/select.tsx'
import { Button, cx, ProblemNotice, Spinner, TextField } from '../components/ui.tsx'
import { toProblem, type Problem } from '../data/problems.ts'
import { useWorkspace } from '../workspace/context.tsx'
import { SavedNote, useSavedFlag } from './ModelSetup.tsx'
import { ModelsSettings } from './ModelsSettings.tsx'
import { SyncSettings } from './SyncSettings.tsx'

const sections: { id: SettingsSection; label: string; icon: ReactNode }[] = [
  { id: 'profile', label: 'Profile', icon: <UserRound className="size-4" /> },
  { id: 'models', label: 'Models', icon: <Cpu className="size-4" /> },
  { id: 'sync', label: 'Sync', icon: <Cloud className="size-4" /> },
  { id: 'appearance', label: 'Appearance', icon: <Palette className="size-4" /> }
]

/**
 * Settings of this device (#/settings, #/settings/<section>): your name, the models coworkers and the
 * private assistant run on, the workspaces on this device and their sync servers, and the theme.
 */
export function SettingsView() {
  const { bridge, models, modelsProblem, setModels } = useWorkspace()
  const route = useRoute()
  const requested = route.view === 'settings' ? (route.section ?? null) : null
  const [active, setActive] = useState<SettingsSection>(requested ?? 'profile')
  const scroller = useRef<HTMLDivElement>(null)
  // After a jump to a section (the list, or #/settings/<section>) that section stays marked until the person scrolls.
  const pinned = useRef(requested !== null)

  // #/settings/models (the assistant's "Open Settings → Models") scrolls to that section.
  useEffect(() => {
    if (requested === null) return
    setActive(requested)
    pinned.current = true
    document.getElementById(`settings-${requested}`)?.scrollIntoView({ block: 'start' })
  }, [requested])

  // The section in view is the one marked in the list.
  useEffect(() => {
    const element = scroller.current
    if (element === null) return
    const onScroll = () => {
      if (pinned.current) return
      const top = element.getBoundingClientRect().top
      let current: SettingsSection = 'profile'
      for (const section of sections) {
        const node = document.getElementById(`settings-${section.id}`)
        if (node !== null && node.getBoundingClientRect().top - top < element.clientHeight * 0.4) current = section.id
      }
      setActive(current)
    }
    const unpin = () => {
      pinned.current = false
    }
    element.addEventListener('scroll', onScroll, { passive: true })
    for (const name of ['wheel', 'touchstart', 'keydown', 'pointerdown'] as const) element.addEventListener(name, unpin, { passive: true })
    return () => {
      element.removeEventListener('scroll', onScroll)
      for (const name of ['wheel', 'touchstart', 'keydown', 'pointerdown'] as const) element.removeEventListener(name, unpin)
    }
  }, [])

  return (
    <Page label="Settings" title="Settings">
      <div ref={scroller} className="min-h-0 flex-1 overflow-y-auto">
        <div className="mx-auto flex max-w-4xl gap-8 px-6 pt-6 pb-24">
        <nav aria-label="Settings sections" className="sticky top-6 hidden w-44 shrink-0 flex-col gap-px self-start lg:flex">
          {sections.map((section) => (
            <a
              key={section.id}
              href={`#/settings/${section.id}`}
              aria-current={active === section.id ? 'location' : undefined}
              onClick={(event) => {
                event.preventDefault()
                setActive(section.id)
                pinned.current = true
                navigate({ view: 'settings', section: section.id }, { replace: true })
                document.getElementById(`settings-${section.id}`)?.scrollIntoView({ block: 'start' })
              }}
              className={cx('flex h-8 items-center gap-2 rounded-md px-2 text-sm', active === section.id ? 'bg-bg-emphasis font-medium text-fg' : 'text-fg-muted hover:bg-bg-muted hover:text-fg')}
            >
              <span aria-hidden className={active === section.id ? 'text-fg' : 'text-fg-subtle'}>
                {section.icon}
              </span>
              {section.label}
            </a>
          ))}
        </nav>
          <div className="flex min-w-0 max-w-2xl flex-1 flex-col gap-6">
            <Section id="profile" title="Profile" description="Your name as this device gives it when you create or join a workspace.">
              <ProfileForm />
            </Section>
            <Section id="models" title="Models" description={modelsProblem !== null && models === null ? 'This device could not report its model settings.' : 'What coworkers and your private assistant run on, on this device.'}>
              {models !== null ? (
                <ModelsSettings bridge={bridge} models={models} onChange={setModels} />
              ) : modelsProblem !== null ? (
                <ProblemNotice problem={modelsProblem} />
              ) : (
                <Spinner label="Loading model settings" />
              )}
            </Section>
            <Section id="sync" title="Sync" description="The workspaces on this device, and the sync server each one shares through.">
              <SyncSettings />
            </Section>
            <Section id="appearance" title="Appearance" description="Follows your system unless you pick one.">
              <ThemePicker />
            </Section>
          </div>
        </div>
      </div>
    </Page>
  )
}

function Section({ id, title, description, children }: { id: SettingsSection; title: string; description?: string; children: ReactNode }) {
  return (
    <section id={`settings-${id}`} aria-labelledby={`settings-${id}-title`} className="scroll-mt-6 rounded-xl border border-border bg-bg p-5 shadow-sm">
      <h2 id={`settings-${id}-title`} className="text-lg font-semibold">
        {title}
      </h2>
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
      <PlainSelect
        labelId="theme-label"
        value={theme}
        onChange={(value) => {
          setChoice(value as ThemeChoice)
          setTheme(value as ThemeChoice)
        }}
        options={themes}
        width="w-40"
      />
    </div>
  )
}

function ProfileForm() {
  const { bridge, root, workspace } = useWorkspace()
  const [name, setName] = useState('')
  const [savedName, setSavedName] = useState('')
  const [busy, setBusy] = useState(false)
  const [saved, markSaved, clearSaved] = useSavedFlag()
  const [problem, setProblem] = useState<Problem | null>(null)
  useEffect(() => {
    bridge
      .request('app.info', {})
      .then((info) => {
        setName(info.displayName)
        setSavedName(info.displayName)
      })
      .catch(() => setName(findMember(root, workspace.memberId)?.name ?? ''))
  }, [bridge, root, workspace.memberId])

  const submit = (event: FormEvent) => {
    event.preventDefault()
    clearSaved()
    setProblem(null)
    setBusy(true)
    const trimmed = name.trim()
    bridge
      .request('settings.setProfile', { displayName: trimmed })
      .then(() => {
        setSavedName(trimmed)
        setName(trimmed)
        markSaved()
      })
      .catch((error: unknown) => setProblem(toProblem(error, 'try again')))
      .finally(() => setBusy(false))
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-3" aria-label="Profile">
      <TextField label="Display name" value={name} maxLength={80} onChange={(event) => setName(event.target.value)} hint="Your name in workspaces you are already in stays as it is there." />
      {problem !== null && <ProblemNotice problem={problem} compact />}
      <div className="flex items-center gap-3">
        <Button type="submit" variant="primary" busy={busy} disabled={name.trim() === '' || name.trim() === savedName}>
          Save name
        </Button>
        <SavedNote shown={saved} />
      </div>
    </form>
  )
}
