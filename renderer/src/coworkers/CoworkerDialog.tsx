import { Eye, PenLine, TriangleAlert } from 'lucide-react'
import { useId, useState, type FormEvent } from 'react'
import type { CoworkerMember } from '../../../shared/model/types.ts'
import { addCoworkerToChannel, listChannels, removeCoworkerFromChannel } from '../../../shared/operations/channels.ts'
import { coworkerChannelIds, createCoworker, editCoworker } from '../../../shared/operations/coworkers.ts'
import { toolCatalog } from '../../../shared/toolCatalog.ts'
import { Checkbox, DialogForm, FormDialog, TextAreaField } from '../components/forms.tsx'
import { SelectField } from '../components/select.tsx'
import { cx, TextField } from '../components/ui.tsx'
import { useDocVersion } from '../data/docStore.ts'
import { toProblem, type Problem } from '../data/problems.ts'
import { useWorkspace } from '../workspace/context.tsx'
import {
  budgetDraft,
  budgetFields,
  channelChanges,
  fieldProblems,
  modelChoicesFor,
  modelWarning,
  orderedToolset,
  parseBudgets,
  recommendedModel,
  toolGroups,
  type BudgetDraft,
  type BudgetField
} from './coworkerForm.ts'

/** A sensible first toolset: it can read everything and write documents and memory, not post on its own. */
const starterTools = ['read_channel', 'search_workspace', 'read_deliverable', 'recall', 'list_files', 'read_file', 'create_document', 'edit_document', 'remember']

/**
 * Creating or editing a coworker: name, purpose, toolset (read and write tools), channels, model and
 * budgets. Saving is one createCoworker/editCoworker plus one add or remove per channel that changed.
 */
export function CoworkerDialog({ open, onOpenChange, coworker, onSaved }: { open: boolean; onOpenChange: (open: boolean) => void; coworker?: CoworkerMember; onSaved?: (coworker: CoworkerMember) => void }) {
  return (
    <FormDialog open={open} onOpenChange={onOpenChange} className="w-[min(680px,calc(100vw-32px))]">
      <CoworkerForm coworker={coworker} onClose={() => onOpenChange(false)} onSaved={onSaved} />
    </FormDialog>
  )
}

function CoworkerForm({ coworker, onClose, onSaved }: { coworker: CoworkerMember | undefined; onClose: () => void; onSaved: ((coworker: CoworkerMember) => void) | undefined }) {
  const { root, context, workspace, models, toast } = useWorkspace()
  useDocVersion(root)
  const editing = coworker !== undefined
  const [name, setName] = useState(coworker?.name ?? '')
  const [purpose, setPurpose] = useState(coworker?.purpose ?? '')
  const [tools, setTools] = useState<Set<string>>(() => new Set(coworker?.toolset ?? starterTools))
  const initialChannels = coworker === undefined ? [] : coworkerChannelIds(root, coworker.id)
  const [channels, setChannels] = useState<Set<string>>(() => new Set(initialChannels))
  const [model, setModel] = useState(coworker?.model ?? recommendedModel)
  const [budgets, setBudgets] = useState<BudgetDraft>(() => budgetDraft(coworker?.budgets))
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [problem, setProblem] = useState<Problem | null>(null)

  const allChannels = listChannels(root)
  const groups = toolGroups(toolCatalog, tools)
  const defaultModel = models?.defaultModel ?? null
  const warning = modelWarning(model === '' ? (defaultModel ?? '') : model)
  const choices = modelChoicesFor(model).map((choice) =>
    choice.value === '' && defaultModel !== null ? { ...choice, label: `Workspace default (${defaultModel})` } : choice
  )

  const toggle = (set: Set<string>, update: (next: Set<string>) => void, key: string, on: boolean) => {
    const next = new Set(set)
    if (on) next.add(key)
    else next.delete(key)
    update(next)
  }

  const submit = (event: FormEvent) => {
    event.preventDefault()
    setProblem(null)
    const parsed = parseBudgets(budgets)
    const localErrors: Record<string, string> = {}
    for (const [field, message] of Object.entries(parsed.errors)) localErrors[`budgets.${field}`] = message
    if (name.trim() === '') localErrors.name = 'Give it a name: it is how the team @mentions it'
    if (purpose.trim() === '') localErrors.purpose = 'Say what it is for, in a sentence or two'
    setErrors(localErrors)
    if (Object.keys(localErrors).length > 0 || parsed.budgets === null) return
    let saved: CoworkerMember
    try {
      const input = { name, purpose, toolset: orderedToolset(toolCatalog, tools), model, budgets: parsed.budgets }
      saved = editing ? editCoworker(root, { coworkerId: coworker.id, ...input }, context) : createCoworker(root, input, context)
    } catch (error) {
      const fields = fieldProblems(error)
      if (fields !== null) {
        setErrors(fields)
        const general = Object.entries(fields).find(([field]) => !['name', 'purpose', 'toolset', 'model'].includes(field) && !field.startsWith('budgets.'))
        if (general !== undefined) setProblem({ message: general[1], hint: null, code: 'invalid-input' })
      } else setProblem(toProblem(error))
      return
    }
    const { add, remove } = channelChanges(initialChannels, channels)
    const failed: string[] = []
    for (const channelId of add) {
      try {
        addCoworkerToChannel(root, { channelId, coworkerId: saved.id }, context)
      } catch (error) {
        failed.push(toProblem(error).message)
      }
    }
    for (const channelId of remove) {
      try {
        removeCoworkerFromChannel(root, { channelId, coworkerId: saved.id }, context)
      } catch (error) {
        failed.push(toProblem(error).message)
      }
    }
    if (failed.length > 0) toast({ tone: 'error', title: `${saved.name} was saved, but some channels did not change`, body: failed.join(' · ') })
    else toast({ tone: 'success', title: editing ? `Saved ${saved.name}` : `${saved.name} joined the workspace`, body: editing ? null : channels.size > 0 ? `@${saved.handle} can be mentioned in its channels now.` : 'Add it to a channel so the team can @mention it.' })
    onSaved?.(saved)
    onClose()
  }

  return (
    <DialogForm
      title={editing ? `Edit ${coworker.name}` : 'New coworker'}
      description="A coworker works only in the channels it is added to, with only the tools it is given."
      onSubmit={submit}
      onCancel={onClose}
      submitLabel={editing ? 'Save changes' : 'Create coworker'}
      problem={problem}
      note={
        problem === null &&
        Object.keys(errors).length > 0 && (
          <p role="alert" className="mr-auto text-xs text-danger">
            Check the fields marked in red.
          </p>
        )
      }
    >
      <div className="flex flex-col gap-6">
        <div className="flex flex-col gap-4">
          <TextField label="Name" value={name} onChange={(event) => setName(event.target.value)} placeholder="e.g. Scout" autoFocus error={errors.name} hint={name.trim() === '' ? 'The team @mentions it by this name.' : `Mentioned as @${handlePreview(name)}`} />
          <TextAreaField
            label="Purpose"
            value={purpose}
            onChange={(event) => setPurpose(event.target.value)}
            placeholder="e.g. Researches accounts before sales calls and keeps the deal notes current."
            rows={3}
            error={errors.purpose}
            hint="Part of its instructions, and what the team sees beside its name."
          />
        </div>

        <fieldset className="flex flex-col gap-3">
          <legend className="mb-1 text-sm font-medium text-fg">Tools</legend>
          <p className="-mt-2 text-xs text-fg-subtle">The model is offered these tools and nothing else; a call to any other is refused and recorded in the trail.</p>
          {errors.toolset !== undefined && <p className="text-xs text-danger">{errors.toolset}</p>}
          <div className="grid gap-3 sm:grid-cols-2">
            {groups.map((group) => (
              <ToolGroupBox
                key={group.access}
                group={group}
                onToggle={(toolName, on) => toggle(tools, setTools, toolName, on)}
                onToggleAll={(on) => {
                  const next = new Set(tools)
                  for (const tool of group.tools) {
                    if (on) next.add(tool.name)
                    else next.delete(tool.name)
                  }
                  setTools(next)
                }}
              />
            ))}
          </div>
        </fieldset>

        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 text-sm font-medium text-fg">Channels</legend>
          <p className="-mt-1 text-xs text-fg-subtle">Where it can be @mentioned, read and post. Channel content is data to it, never permission.</p>
          {allChannels.length === 0 ? (
            <p className="rounded-lg border border-dashed border-border px-3 py-3 text-sm text-fg-muted">No channels yet. Create one from the sidebar, then add the coworker to it.</p>
          ) : (
            <ul aria-label="Channels" className="grid max-h-48 gap-x-4 gap-y-0.5 overflow-y-auto rounded-lg border border-border p-1.5 sm:grid-cols-2">
              {allChannels.map((channel) => {
                const checked = channels.has(channel.id)
                const canAdd = channel.members[workspace.memberId] !== undefined
                const locked = !checked && !canAdd && !initialChannels.includes(channel.id)
                const id = `channel-${channel.id}`
                return (
                  <li key={channel.id}>
                    <label htmlFor={id} className={cx('flex h-8 items-center gap-2 rounded-md px-2 text-sm', locked ? 'text-fg-subtle' : 'text-fg hover:bg-bg-muted')} title={locked ? `Join #${channel.name} to add coworkers to it` : undefined}>
                      <Checkbox id={id} checked={checked} disabled={locked} onChange={(on) => toggle(channels, setChannels, channel.id, on)} />
                      <span className="min-w-0 flex-1 truncate">#{channel.name}</span>
                      {locked && <span className="shrink-0 text-[11px]">join it first</span>}
                    </label>
                  </li>
                )
              })}
            </ul>
          )}
        </fieldset>

        <div className="flex flex-col gap-2">
          <SelectField label="Model" value={model} onChange={setModel} options={choices} error={errors.model} className="sm:w-80" hint="Sonnet suits most coworkers. Usage and cost show on its page." />
          {warning !== null && (
            <p role="note" className="flex items-start gap-2 rounded-lg border border-warning/30 bg-warning-subtle px-3 py-2 text-sm text-fg">
              <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-warning" />
              {warning}
            </p>
          )}
        </div>

        <fieldset className="flex flex-col gap-3">
          <legend className="mb-1 text-sm font-medium text-fg">Budgets</legend>
          <p className="-mt-2 text-xs text-fg-subtle">A task that reaches a limit ends cleanly, with the reason in the channel.</p>
          <div className="grid gap-3 sm:grid-cols-2">
            {budgetFields.map((field) => (
              <TextField
                key={field.field}
                label={field.label}
                type="number"
                inputMode={field.integer ? 'numeric' : 'decimal'}
                min={field.min}
                max={field.max}
                step={field.step}
                value={budgets[field.field]}
                onChange={(event) => setBudgets({ ...budgets, [field.field]: event.target.value } as Record<BudgetField, string>)}
                hint={field.hint}
                error={errors[`budgets.${field.field}`]}
              />
            ))}
          </div>
        </fieldset>
      </div>
    </DialogForm>
  )
}

function ToolGroupBox({ group, onToggle, onToggleAll }: { group: ReturnType<typeof toolGroups>[number]; onToggle: (name: string, on: boolean) => void; onToggleAll: (on: boolean) => void }) {
  const headingId = useId()
  const all = group.checked === group.tools.length
  const isWrite = group.access === 'write'
  return (
    <div role="group" aria-labelledby={headingId} className={cx('rounded-lg border', isWrite ? 'border-warning/30' : 'border-border')}>
      <div className={cx('flex items-center gap-2 rounded-t-lg border-b px-3 py-2', isWrite ? 'border-warning/30 bg-warning-subtle/60' : 'border-border bg-bg-subtle')}>
        <Checkbox checked={all ? true : group.checked === 0 ? false : 'indeterminate'} onChange={() => onToggleAll(!all)} label={`All ${group.title.toLowerCase()} tools`} />
        <span id={headingId} className="flex items-center gap-1.5 text-sm font-semibold">
          {isWrite ? <PenLine aria-hidden className="size-3.5 text-warning" /> : <Eye aria-hidden className="size-3.5 text-fg-subtle" />}
          {group.title}
        </span>
        <span className="ml-auto text-xs text-fg-subtle tabular-nums">
          {group.checked} of {group.tools.length}
        </span>
      </div>
      <p className="px-3 pt-2 text-xs text-fg-subtle">{group.description}</p>
      <ul className="p-1.5">
        {group.tools.map((tool) => {
          const id = `tool-${tool.name}`
          return (
            <li key={tool.name}>
              <label htmlFor={id} className="flex items-start gap-2 rounded-md px-1.5 py-1.5 hover:bg-bg-muted">
                <Checkbox id={id} checked={tool.checked} onChange={(on) => onToggle(tool.name, on)} className="mt-0.5" />
                <span className="min-w-0 flex-1">
                  <span className="flex items-center gap-1.5">
                    <code className="font-mono text-xs font-medium text-fg">{tool.name}</code>
                    {isWrite && <span className="rounded-sm bg-warning-subtle px-1 text-[10px] leading-4 font-semibold text-warning uppercase">writes</span>}
                  </span>
                  <span className="block text-xs text-fg-muted">{tool.summary}</span>
                </span>
              </label>
            </li>
          )
        })}
      </ul>
    </div>
  )
}

/** The handle the name will get (the operation settles clashes with a number). */
function handlePreview(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9._]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'member'
  )
}
