import { Hash } from 'lucide-react'
import { useState, type FormEvent } from 'react'
import { createChannel, joinChannel, listChannels } from '../../../shared/operations/channels.ts'
import { navigate } from '../app/route.ts'
import { FormActions } from '../components/forms.tsx'
import { AppDialog, Button, EmptyState, ProblemNotice, TextField } from '../components/ui.tsx'
import { useDocVersion } from '../data/docStore.ts'
import { toProblem, type Problem } from '../data/problems.ts'
import { useWorkspace } from './context.tsx'

export function CreateChannelDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const { root, context } = useWorkspace()
  const [name, setName] = useState('')
  const [topic, setTopic] = useState('')
  const [problem, setProblem] = useState<Problem | null>(null)

  const submit = (event: FormEvent) => {
    event.preventDefault()
    try {
      const channel = createChannel(root, { name, topic }, context)
      setName('')
      setTopic('')
      setProblem(null)
      onOpenChange(false)
      navigate({ view: 'channel', channelId: channel.id })
    } catch (error) {
      setProblem(toProblem(error))
    }
  }

  return (
    <AppDialog open={open} onOpenChange={onOpenChange} title="Create a channel" description="Channels are where the team and its coworkers work on one topic.">
      <form onSubmit={submit} className="flex flex-col gap-4 px-5 pt-4 pb-5">
        <TextField label="Name" placeholder="e.g. weekly-report" value={name} onChange={(event) => setName(event.target.value)} autoFocus hint="Lowercase, with dashes instead of spaces." />
        <TextField label="Topic" optional placeholder="What is this channel for?" value={topic} onChange={(event) => setTopic(event.target.value)} />
        <FormActions problem={problem} onCancel={() => onOpenChange(false)} disabled={name.trim() === ''}>
          Create channel
        </FormActions>
      </form>
    </AppDialog>
  )
}

export function BrowseChannelsDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const { root, context, workspace } = useWorkspace()
  useDocVersion(root)
  const [problem, setProblem] = useState<Problem | null>(null)
  const channels = listChannels(root)

  const join = (channelId: string) => {
    try {
      joinChannel(root, { channelId }, context)
      onOpenChange(false)
      navigate({ view: 'channel', channelId })
    } catch (error) {
      setProblem(toProblem(error))
    }
  }

  return (
    <AppDialog open={open} onOpenChange={onOpenChange} title="Browse channels" description="Every channel in this workspace. Join one to post and get its unread count.">
      <div className="px-5 pt-3 pb-5">
        {problem !== null && <ProblemNotice problem={problem} compact className="mb-3" />}
        {channels.length === 0 ? (
          <EmptyState icon={<Hash className="size-5" />} title="No channels yet" className="py-6">
            Create the first one with the + next to Channels.
          </EmptyState>
        ) : (
          <ul className="-mx-2 max-h-[50vh] overflow-y-auto" aria-label="Channels">
            {channels.map((channel) => {
              const isMember = channel.members[workspace.memberId] !== undefined
              const count = Object.keys(channel.members).length
              return (
                <li key={channel.id} className="flex items-center gap-3 rounded-md px-2 py-2 hover:bg-bg-muted">
                  <Hash aria-hidden className="size-4 shrink-0 text-fg-subtle" />
                  <div className="min-w-0 flex-1">
                    <div className="truncate text-sm font-medium">{channel.name}</div>
                    <div className="truncate text-xs text-fg-subtle">
                      {count} member{count === 1 ? '' : 's'}
                      {channel.topic !== '' && ` · ${channel.topic}`}
                    </div>
                  </div>
                  {isMember ? (
                    <Button
                      size="sm"
                      onClick={() => {
                        onOpenChange(false)
                        navigate({ view: 'channel', channelId: channel.id })
                      }}
                    >
                      Open
                    </Button>
                  ) : (
                    <Button size="sm" variant="primary" aria-label={`Join #${channel.name}`} onClick={() => join(channel.id)}>
                      Join
                    </Button>
                  )}
                </li>
              )
            })}
          </ul>
        )}
      </div>
    </AppDialog>
  )
}
