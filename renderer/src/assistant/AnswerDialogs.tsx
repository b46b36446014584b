import * as Select from '@radix-ui/react-select'
import { FilePlus2, Send } from 'lucide-react'
import { useEffect, useId, useState, type FormEvent } from 'react'
import type { Channel } from '../../../shared/model/types.ts'
import { Markdown } from '../channel/Markdown.tsx'
import { FormActions } from '../components/forms.tsx'
import { SelectChevron, SelectMenu, SelectMenuItem } from '../components/select.tsx'
import { AppDialog, ProblemNotice, TextField } from '../components/ui.tsx'
import { toProblem, type Problem } from '../data/problems.ts'
import { suggestTitle, type AssistantClient } from './assistantClient.ts'

/** An answer the person acts on: where it is in the transcript and its text. */
export interface AnswerRef {
  sessionId: string
  index: number
  text: string
}

const noChannel = '__none'

/**
 * "Share to channel": posts exactly this answer to a channel the person is in, as them, marked as shared
 * from their assistant. Nothing else of the conversation leaves it.
 */
export function ShareDialog({
  client,
  answer,
  channels,
  defaultChannelId,
  onClose,
  onShared
}: {
  client: AssistantClient
  answer: AnswerRef | null
  channels: readonly Channel[]
  defaultChannelId: string | null
  onClose: () => void
  onShared: (channel: Channel, messageId: string) => void
}) {
  const [channelId, setChannelId] = useState<string>('')
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<Problem | null>(null)

  useEffect(() => {
    if (answer === null) return
    setChannelId(channels.some((channel) => channel.id === defaultChannelId) ? defaultChannelId! : (channels[0]?.id ?? ''))
    setProblem(null)
    setBusy(false)
  }, [answer])

  const channel = channels.find((item) => item.id === channelId) ?? null
  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (answer === null || channel === null) return
    setBusy(true)
    setProblem(null)
    client
      .share(answer.sessionId, answer.index, answer.text, { id: channel.id, name: channel.name })
      .then((messageId) => {
        onShared(channel, messageId)
        onClose()
      })
      .catch((error: unknown) => setProblem(toProblem(error, 'check that you are still in the channel, then try again')))
      .finally(() => setBusy(false))
  }

  return (
    <AppDialog
      open={answer !== null}
      onOpenChange={(open) => !open && onClose()}
      title="Share to a channel"
      description="The answer is posted as you, marked “shared from their assistant”. Nothing else from this private conversation leaves it."
      className="w-[min(560px,calc(100vw-32px))]"
    >
      <form onSubmit={submit} className="flex flex-col gap-4 px-5 pt-4 pb-5">
        {channels.length === 0 ? (
          <ProblemNotice problem={{ message: 'You are not in any channel', hint: 'Join or create a channel first, then share to it.', code: null }} compact />
        ) : (
          <ChannelSelect label="Channel" channels={channels} value={channelId} onChange={setChannelId} />
        )}
        {answer !== null && <AnswerPreview text={answer.text} />}
        <FormActions problem={problem} onCancel={onClose} busy={busy} disabled={channel === null}>
          <Send aria-hidden className="size-3.5" />
          {channel === null ? 'Share' : `Share to #${channel.name}`}
        </FormActions>
      </form>
    </AppDialog>
  )
}

/** "Save as deliverable": the answer becomes a document in the workspace, linked to a channel if picked. */
export function SaveDialog({
  client,
  answer,
  sessionTitle,
  channels,
  defaultChannelId,
  onClose,
  onSaved
}: {
  client: AssistantClient
  answer: AnswerRef | null
  sessionTitle: string
  channels: readonly Channel[]
  defaultChannelId: string | null
  onClose: () => void
  onSaved: (deliverableId: string, title: string) => void
}) {
  const [title, setTitle] = useState('')
  const [channelId, setChannelId] = useState<string>(noChannel)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<Problem | null>(null)

  useEffect(() => {
    if (answer === null) return
    setTitle(suggestTitle(answer.text, sessionTitle))
    setChannelId(channels.some((channel) => channel.id === defaultChannelId) ? defaultChannelId! : noChannel)
    setProblem(null)
    setBusy(false)
  }, [answer])

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (answer === null || title.trim() === '') return
    setBusy(true)
    setProblem(null)
    client
      .saveAsDeliverable(answer.sessionId, answer.index, answer.text, title, channelId === noChannel ? null : channelId)
      .then((deliverableId) => {
        onSaved(deliverableId, title.trim())
        onClose()
      })
      .catch((error: unknown) => setProblem(toProblem(error, 'check the title, then try again')))
      .finally(() => setBusy(false))
  }

  return (
    <AppDialog
      open={answer !== null}
      onOpenChange={(open) => !open && onClose()}
      title="Save as deliverable"
      description="The answer becomes a document in the workspace, where your team can find, edit and reuse it."
      className="w-[min(560px,calc(100vw-32px))]"
    >
      <form onSubmit={submit} className="flex flex-col gap-4 px-5 pt-4 pb-5">
        <TextField label="Title" value={title} maxLength={200} onChange={(event) => setTitle(event.target.value)} autoFocus error={title.trim() === '' ? 'Give it a title' : null} />
        <ChannelSelect label="Channel" optional channels={channels} value={channelId} onChange={setChannelId} />
        {answer !== null && <AnswerPreview text={answer.text} />}
        <FormActions problem={problem} onCancel={onClose} busy={busy} disabled={title.trim() === ''}>
          <FilePlus2 aria-hidden className="size-3.5" />
          Save deliverable
        </FormActions>
      </form>
    </AppDialog>
  )
}

function AnswerPreview({ text }: { text: string }) {
  return (
    <div className="flex flex-col gap-1.5">
      <span className="text-sm font-medium text-fg">Answer</span>
      <div aria-label="Answer preview" className="max-h-48 overflow-y-auto rounded-lg border border-border bg-bg-subtle px-3 py-2">
        <Markdown text={text} className="text-sm" />
      </div>
    </div>
  )
}

function ChannelSelect({ label, channels, value, onChange, optional = false }: { label: string; channels: readonly Channel[]; value: string; onChange: (value: string) => void; optional?: boolean }) {
  const labelId = useId()
  return (
    <div className="flex flex-col gap-1.5">
      <span id={labelId} className="text-sm font-medium text-fg">
        {label}
        {optional && <span className="ml-1 font-normal text-fg-subtle">(optional)</span>}
      </span>
      <Select.Root value={value} onValueChange={onChange}>
        <Select.Trigger aria-labelledby={labelId} className="inline-flex h-9 w-full items-center justify-between gap-2 rounded-md border border-border-strong bg-bg px-2.5 text-base shadow-sm focus:border-accent focus:outline-none">
          <Select.Value placeholder="Pick a channel" />
          <SelectChevron />
        </Select.Trigger>
        <SelectMenu className="z-50 max-h-72 w-(--radix-select-trigger-width) overflow-hidden rounded-lg border border-border bg-bg-overlay p-1 shadow-md">
          {optional && <SelectMenuItem option={{ value: noChannel, label: 'No channel' }} className="text-fg-muted" />}
          {channels.map((channel) => (
            <SelectMenuItem key={channel.id} option={{ value: channel.id, label: `#${channel.name}` }} />
          ))}
        </SelectMenu>
      </Select.Root>
    </div>
  )
}
