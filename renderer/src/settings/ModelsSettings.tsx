import { KeyRound, Server, SlidersHorizontal, TriangleAlert } from 'lucide-react'
import { useId, useState, type ReactNode } from 'react'
import type { Bridge } from '../../../shared/bridge/contract.ts'
import { PlainSelect } from '../components/select.tsx'
import { ProblemNotice, TextField, Button } from '../components/ui.tsx'
import { toProblem, type Problem } from '../data/problems.ts'
import { AnthropicForm, LocalForm, SavedNote, useSavedFlag } from './ModelSetup.tsx'
import { claudeModels, type ModelSettings } from './models.ts'

/**
 * Settings → Models: the Anthropic key (with how it is stored), the local endpoint, the default model
 * and which provider the private assistant uses.
 */
export function ModelsSettings({ bridge, models, onChange }: { bridge: Bridge; models: ModelSettings; onChange: (models: ModelSettings) => void }) {
  return (
    <div className="flex flex-col gap-4">
      <Card icon={<KeyRound className="size-4" />} title="Anthropic" description="Claude, through the Anthropic API. Coworkers need it to run on this device.">
        <AnthropicForm bridge={bridge} models={models} onChange={onChange} />
      </Card>
      <Card icon={<Server className="size-4" />} title="Local endpoint" description="An OpenAI-compatible server on your machine (Ollama, LM Studio, llama.cpp). Your private assistant can run on it, offline.">
        <LocalForm bridge={bridge} models={models} onChange={onChange} />
      </Card>
      <Card icon={<SlidersHorizontal className="size-4" />} title="Defaults" description="What runs when nothing more specific is chosen.">
        <Defaults bridge={bridge} models={models} onChange={onChange} />
      </Card>
    </div>
  )
}

function Card({ icon, title, description, children }: { icon: ReactNode; title: string; description: string; children: ReactNode }) {
  return (
    <div className="rounded-lg border border-border bg-bg-subtle/60 p-4">
      <div className="mb-3 flex items-start gap-2.5">
        <span aria-hidden className="mt-0.5 inline-flex size-7 shrink-0 items-center justify-center rounded-md border border-border bg-bg text-fg-muted">
          {icon}
        </span>
        <div>
          <h3 className="text-base font-semibold text-fg">{title}</h3>
          <p className="text-sm text-fg-muted">{description}</p>
        </div>
      </div>
      {children}
    </div>
  )
}

const otherModel = '__other'

function Defaults({ bridge, models, onChange }: { bridge: Bridge; models: ModelSettings; onChange: (models: ModelSettings) => void }) {
  const known = claudeModels.some((model) => model.id === models.defaultModel)
  const [custom, setCustom] = useState(known ? '' : models.defaultModel)
  const [choosingOther, setChoosingOther] = useState(!known)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<Problem | null>(null)
  const [saved, markSaved, clearSaved] = useSavedFlag()

  const save = (input: { defaultModel?: string; assistantProvider?: 'anthropic' | 'local' }) => {
    setBusy(true)
    setProblem(null)
    clearSaved()
    bridge
      .request('settings.setDefaults', input)
      .then((next) => {
        onChange(next)
        markSaved()
      })
      .catch((error: unknown) => setProblem(toProblem(error, 'check the model id, then try again')))
      .finally(() => setBusy(false))
  }

  const providerReady = models.assistantProvider === 'local' ? models.local.configured : models.anthropic.configured
  return (
    <div className="flex flex-col gap-4">
      <Field
        label="Default model"
        hint="Coworkers without a model of their own use it, and so does your private assistant when it runs on Anthropic."
        control={(labelId) => (
          <PlainSelect
            labelId={labelId}
            value={choosingOther ? otherModel : models.defaultModel}
            disabled={busy}
            onChange={(value) => {
              if (value === otherModel) {
                setChoosingOther(true)
                return
              }
              setChoosingOther(false)
              save({ defaultModel: value })
            }}
            options={[...claudeModels.map((model) => ({ value: model.id, label: model.label, description: model.id })), { value: otherModel, label: 'Another model id…', description: '' }]}
          />
        )}
      />
      {choosingOther && (
        <form
          className="-mt-2 flex items-end gap-2"
          onSubmit={(event) => {
            event.preventDefault()
            if (custom.trim() !== '') save({ defaultModel: custom.trim() })
          }}
        >
          <TextField label="Model id" placeholder="claude-…" value={custom} spellCheck={false} onChange={(event) => setCustom(event.target.value)} className="flex-1" />
          <Button type="submit" disabled={custom.trim() === '' || busy}>
            Use this model
          </Button>
        </form>
      )}
      <Field
        label="Private assistant uses"
        hint="Only you talk to your assistant; it can run on Claude or on your local endpoint."
        control={(labelId) => (
          <PlainSelect
            labelId={labelId}
            value={models.assistantProvider}
            disabled={busy}
            onChange={(value) => save({ assistantProvider: value as 'anthropic' | 'local' })}
            options={[
              { value: 'anthropic', label: 'Anthropic (Claude)', description: models.anthropic.configured ? '' : 'not set up' },
              { value: 'local', label: 'Local endpoint', description: models.local.configured ? (models.local.model ?? '') : 'not set up' }
            ]}
          />
        )}
      />
      {!providerReady && (
        <p role="note" className="flex items-start gap-2 rounded-md border border-warning/30 bg-warning-subtle px-2.5 py-2 text-xs text-fg">
          <TriangleAlert aria-hidden className="mt-px size-3.5 shrink-0 text-warning" />
          {models.assistantProvider === 'local' ? 'The local endpoint is not set up yet: set it up above, or your assistant cannot answer.' : 'There is no Anthropic key yet: add one above, or your assistant cannot answer.'}
        </p>
      )}
      {problem !== null && <ProblemNotice problem={problem} compact />}
      <SavedNote shown={saved} />
    </div>
  )
}

function Field({ label, hint, control }: { label: string; hint: string; control: (labelId: string) => ReactNode }) {
  const id = useId()
  return (
    <div className="grid grid-cols-[minmax(0,1fr)_auto] items-center gap-x-6 gap-y-0.5">
      <span id={id} className="text-sm font-medium text-fg">
        {label}
      </span>
      <div className="row-span-2">{control(id)}</div>
      <p className="text-xs text-fg-subtle">{hint}</p>
    </div>
  )
}
