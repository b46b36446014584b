import { CalendarClock, CircleAlert } from 'lucide-react'
import { useMemo, useState, type FormEvent } from 'react'
import type { Workflow } from '../../../shared/model/types.ts'
import { listChannels } from '../../../shared/operations/channels.ts'
import { coworkerChannelIds, listCoworkers } from '../../../shared/operations/coworkers.ts'
import { createWorkflow, editWorkflow } from '../../../shared/operations/workflows.ts'
import { DialogForm, FormDialog, Switch, TextAreaField } from '../components/forms.tsx'
import { SearchSelectField, SelectField } from '../components/select.tsx'
import { cx, TextField } from '../components/ui.tsx'
import { useDocVersion } from '../data/docStore.ts'
import { toProblem, type Problem } from '../data/problems.ts'
import { useWorkspace } from '../workspace/context.tsx'
import { fieldProblems } from '../coworkers/coworkerForm.ts'
import { checkSchedule, cronToWords, formatRunTime, localTimeZone, schedulePresets, timeZoneOptions, zoneOffset } from './cronWords.ts'

/**
 * Creating or editing a workflow: name, coworker, channel (one the coworker is in), schedule (a preset
 * or a cron expression, checked as it is typed, with the next three runs), time zone, prompt, review.
 */
export function WorkflowDialog({ open, onOpenChange, workflow, onSaved }: { open: boolean; onOpenChange: (open: boolean) => void; workflow?: Workflow; onSaved?: (workflow: Workflow) => void }) {
  return (
    <FormDialog open={open} onOpenChange={onOpenChange} className="w-[min(640px,calc(100vw-32px))]">
      <WorkflowForm workflow={workflow} onClose={() => onOpenChange(false)} onSaved={onSaved} />
    </FormDialog>
  )
}

function WorkflowForm({ workflow, onClose, onSaved }: { workflow: Workflow | undefined; onClose: () => void; onSaved: ((workflow: Workflow) => void) | undefined }) {
  const { root, context, toast } = useWorkspace()
  const version = useDocVersion(root)
  const editing = workflow !== undefined
  const coworkers = useMemo(() => listCoworkers(root), [root, version])
  const channels = useMemo(() => listChannels(root), [root, version])
  const [name, setName] = useState(workflow?.name ?? '')
  const [coworkerId, setCoworkerId] = useState(workflow?.coworkerId ?? (coworkers.length === 1 ? coworkers[0]!.id : ''))
  const coworkerChannels = coworkerId === '' ? [] : coworkerChannelIds(root, coworkerId)
  const [channelId, setChannelId] = useState(workflow?.channelId ?? (coworkerChannels.length === 1 ? coworkerChannels[0]! : ''))
  const [cron, setCron] = useState(workflow?.cron ?? schedulePresets[0]!.cron)
  const [timeZone, setTimeZone] = useState(workflow?.timeZone ?? localTimeZone())
  const [prompt, setPrompt] = useState(workflow?.prompt ?? '')
  const [review, setReview] = useState(workflow?.review ?? true)
  const [enabled, setEnabled] = useState(workflow?.enabled ?? true)
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [problem, setProblem] = useState<Problem | null>(null)

  const zones = useMemo(() => {
    const now = Date.now()
    return timeZoneOptions([localTimeZone(), workflow?.timeZone ?? '']).map((zone) => ({ value: zone, label: zone.replace(/_/g, ' '), description: zoneOffset(zone, now) }))
  }, [workflow?.timeZone])
  const schedule = checkSchedule(cron, timeZone)
  const channelOptions = channels
    .filter((channel) => coworkerChannels.includes(channel.id) || channel.id === workflow?.channelId)
    .map((channel) => ({ value: channel.id, label: `#${channel.name}`, ...(coworkerChannels.includes(channel.id) ? {} : { description: 'The coworker is no longer in it', disabled: true }) }))
  const coworker = coworkers.find((item) => item.id === coworkerId)

  const pickCoworker = (id: string) => {
    setCoworkerId(id)
    const inChannels = coworkerChannelIds(root, id)
    if (!inChannels.includes(channelId)) setChannelId(inChannels.length === 1 ? inChannels[0]! : '')
  }

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setProblem(null)
    const local: Record<string, string> = {}
    if (name.trim() === '') local.name = 'Give it a name, e.g. “Weekly report”'
    if (coworkerId === '') local.coworkerId = 'Pick the coworker that does the work'
    if (channelId === '') local.channelId = coworkerId === '' ? 'Pick a coworker first' : 'Pick a channel the coworker is in'
    if (!schedule.ok) local.cron = schedule.problem
    if (prompt.trim() === '') local.prompt = 'Say what the coworker should do each time'
    setErrors(local)
    if (Object.keys(local).length > 0) return
    const input = { name, coworkerId, channelId, cron, timeZone, prompt, review, enabled }
    try {
      const saved = editing ? editWorkflow(root, { workflowId: workflow.id, ...input }, context) : createWorkflow(root, input, context)
      toast({ tone: 'success', title: editing ? `Saved ${saved.name}` : `Created ${saved.name}`, body: saved.enabled ? cronToWords(saved.cron, { timeZone: saved.timeZone }) : 'It is paused; turn it on to run on schedule.' })
      onSaved?.(saved)
      onClose()
    } catch (error) {
      const fields = fieldProblems(error)
      if (fields !== null) setErrors(fields)
      else setProblem(toProblem(error))
    }
  }

  return (
    <DialogForm
      title={editing ? `Edit ${workflow.name}` : 'New workflow'}
      description="A coworker does the same job on a schedule and posts the result in a channel."
      onSubmit={submit}
      onCancel={onClose}
      submitLabel={editing ? 'Save changes' : 'Create workflow'}
      problem={problem}
    >
      <div className="flex flex-col gap-5">
        <TextField label="Name" value={name} onChange={(event) => setName(event.target.value)} placeholder="e.g. Weekly report" autoFocus error={errors.name} />
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            label="Coworker"
            value={coworkerId}
            onChange={pickCoworker}
            placeholder={coworkers.length === 0 ? 'No coworkers yet' : 'Choose a coworker'}
            options={coworkers.map((item) => ({ value: item.id, label: item.name, description: item.purpose }))}
            error={errors.coworkerId}
            disabled={coworkers.length === 0}
            hint={coworkers.length === 0 ? <a href="#/coworkers" className="text-accent-text hover:underline">Create a coworker first</a> : undefined}
          />
          <SelectField
            label="Channel"
            value={channelId}
            onChange={setChannelId}
            placeholder={coworkerId === '' ? 'Pick a coworker first' : channelOptions.length === 0 ? 'The coworker is in no channel' : 'Choose a channel'}
            options={channelOptions}
            error={errors.channelId}
            disabled={coworkerId === '' || channelOptions.length === 0}
            hint={
              coworker !== undefined && coworkerChannels.length === 0 ? (
                <>
                  {coworker.name} is in no channel yet.{' '}
                  <a href={`#/coworkers/${coworker.id}`} className="text-accent-text hover:underline">
                    Add it to one
                  </a>
                </>
              ) : (
                'Where it posts the result. Only channels the coworker is in.'
              )
            }
          />
        </div>

        <fieldset className="flex flex-col gap-3">
          <legend className="mb-1 text-sm font-medium text-fg">Schedule</legend>
          <div role="group" aria-label="Schedule presets" className="flex flex-wrap gap-1.5">
            {schedulePresets.map((preset) => (
              <button
                key={preset.cron}
                type="button"
                aria-pressed={cron.trim() === preset.cron}
                onClick={() => setCron(preset.cron)}
                className="h-7 rounded-full border border-border px-2.5 text-xs text-fg-muted hover:border-border-strong hover:text-fg aria-pressed:border-accent aria-pressed:bg-accent-subtle aria-pressed:text-accent-text"
              >
                {preset.label}
              </button>
            ))}
          </div>
          <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
            <div className="flex flex-col gap-1.5">
              <TextField
                label="Cron expression"
                value={cron}
                onChange={(event) => setCron(event.target.value)}
                spellCheck={false}
                autoComplete="off"
                className="[&_input]:font-mono"
                error={errors.cron ?? (schedule.ok ? null : schedule.problem)}
                hint="minute hour day month weekday"
              />
            </div>
            <SearchSelectField label="Time zone" searchLabel="Search time zones" value={timeZone} onChange={setTimeZone} options={zones} error={errors.timeZone} hint={timeZone === localTimeZone() ? 'This device’s zone' : `This device is in ${localTimeZone().replace(/_/g, ' ')}`} />
          </div>
          <SchedulePreview cron={cron} timeZone={timeZone} schedule={schedule} />
        </fieldset>

        <TextAreaField
          label="Prompt"
          value={prompt}
          onChange={(event) => setPrompt(event.target.value)}
          rows={5}
          placeholder={'e.g. Write the weekly report from this week’s messages in #general: what shipped, what slipped and what is next. Save it as a document titled “Weekly report, <date>”.'}
          hint="What the coworker is asked each time. Say what to produce and what to call it."
          error={errors.prompt}
        />

        <div className="flex flex-col gap-3 rounded-lg border border-border p-3">
          <ToggleRow id="workflow-review" title="Review before publishing" description="What it creates lands “in review” until you approve it or ask for changes." checked={review} onChange={setReview} />
          <div className="h-px bg-border" />
          <ToggleRow id="workflow-enabled" title="Run on schedule" description={enabled ? 'On: it runs at the times above.' : 'Paused: it runs only when someone presses Run now.'} checked={enabled} onChange={setEnabled} />
        </div>
      </div>
    </DialogForm>
  )
}

function ToggleRow({ id, title, description, checked, onChange }: { id: string; title: string; description: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <div className="flex items-start gap-3">
      <div className="min-w-0 flex-1">
        <p id={id} className="text-sm font-medium text-fg">
          {title}
        </p>
        <p className="text-xs text-fg-subtle">{description}</p>
      </div>
      <Switch checked={checked} onChange={onChange} labelledBy={id} />
    </div>
  )
}

function SchedulePreview({ cron, timeZone, schedule }: { cron: string; timeZone: string; schedule: ReturnType<typeof checkSchedule> }) {
  if (!schedule.ok) {
    return (
      <p className="flex items-center gap-2 rounded-lg bg-bg-subtle px-3 py-2 text-xs text-fg-muted">
        <CircleAlert aria-hidden className="size-3.5 text-danger" />
        The next runs show here once the schedule is valid.
      </p>
    )
  }
  return (
    <div aria-live="polite" aria-label="Schedule preview" className="rounded-lg bg-bg-subtle px-3 py-2.5">
      <p className="flex items-center gap-2 text-sm font-medium text-fg">
        <CalendarClock aria-hidden className="size-4 text-accent-text" />
        {cronToWords(cron, { timeZone })}
      </p>
      <ol aria-label="Next runs" className="mt-1.5 flex flex-wrap gap-x-4 gap-y-1 pl-6 text-xs text-fg-muted">
        {schedule.runs.map((run, index) => (
          <li key={run.getTime()} className={cx('tabular-nums', index === 0 && 'text-fg')}>
            {formatRunTime(run, timeZone)}
          </li>
        ))}
      </ol>
    </div>
  )
}
