import { launchBrowser, openApp, screenshotThemes, startDevice, startFakeModel } from '../lib/app.ts'
import { hasText, hidden, visible } from '../lib/expect.ts'
import { scenario } from '../lib/harness.ts'
import { seedWorkspace } from '../lib/seed.ts'
import { composer, message, openChannel, restPointer } from '../lib/ui.ts'

scenario('workflow with review: Run now, the coworker’s report waits in review, approved from the queue', async (context) => {
  const fake = await startFakeModel(context)
  const dataDir = context.tmp('device-ada')
  await seedWorkspace(dataDir, {
    workspace: 'Acme',
    person: 'Ada Lovelace',
    channels: [{ name: 'general', topic: 'Company-wide updates and the launch' }],
    coworkers: [{ name: 'Scout', purpose: 'Research and short reports for the team', toolset: ['read_channel', 'create_document'], channels: ['general'] }],
    messages: [{ channel: 'general', text: 'The launch moved to Friday.', minutesAgo: 20 }],
    workflows: [{ name: 'Weekly launch report', coworker: 'Scout', channel: 'general', cron: '0 9 * * 1', prompt: 'Write the weekly launch report from #general.' }]
  })
  const device = await startDevice(context, { label: 'ada', dataDir })
  const page = await openApp(context, await launchBrowser(context), device.url, { label: 'ada' })
  await visible(composer(page, 'general'))

  fake.script(
    { type: 'message', content: [{ type: 'tool_use', name: 'create_document', input: { title: 'Weekly launch report', markdown: '# Weekly launch report\n\n- Launch on **Friday**\n- Press list: Grace', kind: 'report' } }] },
    { type: 'message', content: [{ type: 'text', text: 'The weekly launch report is ready for review.' }] }
  )
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Workflows', exact: true }).click()
  const workflows = page.getByRole('main', { name: 'Workflows' })
  await workflows.getByRole('button', { name: 'Run Weekly launch report now' }).click()

  // The report lands in review, waiting for Ada (who owns the workflow).
  const waiting = workflows.getByRole('list', { name: 'Waiting for your review' })
  const item = waiting.getByRole('listitem', { name: 'Weekly launch report, in review' })
  await visible(item, 30_000)
  await restPointer(page)
  await screenshotThemes(page, 'review-queue')
  await item.getByRole('button', { name: 'Approve Weekly launch report' }).click()
  await hidden(item)

  // Approved: the report says so, and the channel has the coworker's reply.
  await openChannel(page, 'general')
  await visible(message(page, 'general', 'The weekly launch report is ready for review.'))
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Deliverables', exact: true }).click()
  await page.getByRole('table', { name: 'Deliverables' }).getByText('Weekly launch report').click()
  const report = page.getByRole('main', { name: 'Weekly launch report' })
  await visible(report.getByRole('button', { name: /^Status: Approved/ }))
  await hasText(report, 'Press list: Grace')
}, { timeoutMs: 90_000 })
