import { Bot, Brain, FileText, Workflow } from 'lucide-react'
import type { ReactNode } from 'react'
import { EmptyState } from '../components/ui.tsx'

/**
 * The workspace's other views (deliverables, memory, coworkers, workflows) are routes already; until a
 * view fills one in, it says what will be there and how things get there. No made-up content.
 */
const sections: Record<'deliverables' | 'memory' | 'coworkers' | 'workflows', { title: string; icon: ReactNode; empty: string; body: ReactNode }> = {
  deliverables: {
    title: 'Deliverables',
    icon: <FileText className="size-5" />,
    empty: 'Documents, trackers and reports live here',
    body: (
      <>
        When a coworker writes a document or builds a tracker, it is saved here for the whole team, with its review status. Ask for one in a channel, for example{' '}
        <code className="rounded-sm bg-bg-muted px-1 font-mono text-xs">@scout draft the weekly report</code>, and open it from the card on the reply.
      </>
    )
  },
  memory: {
    title: 'Memory',
    icon: <Brain className="size-5" />,
    empty: 'What the workspace remembers',
    body: 'Facts, decisions and preferences saved from channels and deliverables appear here, each with where it came from. Pinned items are given to every coworker task as context.'
  },
  coworkers: {
    title: 'Coworkers',
    icon: <Bot className="size-5" />,
    empty: 'AI coworkers of this workspace',
    body: 'Each coworker has a purpose, a toolset and budgets, and works only in the channels it was added to. Add one to a channel from the channel’s member list, then @mention it to hand it a task.'
  },
  workflows: {
    title: 'Workflows',
    icon: <Workflow className="size-5" />,
    empty: 'Recurring work on a schedule',
    body: 'A workflow has a coworker run the same request on a schedule (every Monday at 9, say) and post the result in a channel, with a review step before it is published.'
  }
}

export function SectionPlaceholder({ section }: { section: keyof typeof sections }) {
  const { title, icon, empty, body } = sections[section]
  return (
    <main aria-label={title} className="flex min-w-0 flex-1 flex-col">
      <header className="flex h-12 shrink-0 items-center border-b border-border px-6">
        <h1 className="text-base font-semibold">{title}</h1>
      </header>
      <div className="flex flex-1 items-center justify-center">
        <EmptyState icon={icon} title={empty}>
          {body}
        </EmptyState>
      </div>
    </main>
  )
}
