import { launchBrowser, openApp, screenshotThemes, startDevice } from '../lib/app.ts'
import { count, hasText, hidden, visible } from '../lib/expect.ts'
import { scenario } from '../lib/harness.ts'
import { composer, createChannel, createWorkspaceFirstRun, message, messages, post } from '../lib/ui.ts'

scenario('first run: create a workspace and a channel, post, reply in a thread, edit and delete', async (context) => {
  const device = await startDevice(context, { label: 'ada' })
  const browser = await launchBrowser(context)
  const page = await openApp(context, browser, device.url, { label: 'ada' })

  await visible(page.getByRole('heading', { name: 'Create a workspace' }))
  await screenshotThemes(page, 'onboarding')
  await createWorkspaceFirstRun(page, { workspace: 'Acme', person: 'Ada Lovelace' })
  await visible(page.getByRole('heading', { name: 'Welcome to Acme' }))
  await screenshotThemes(page, 'welcome')
  await createChannel(page, 'general')

  // Post.
  await post(page, 'general', 'Morning all: the launch checklist is in the drive.')
  await post(page, 'general', 'Second thought: let us **review** it at 10.')
  await count(messages(page, 'general').getByRole('article'), 2)
  await visible(message(page, 'general', 'let us review it at 10').locator('strong', { hasText: 'review' }))

  // Reply in a thread.
  const first = message(page, 'general', 'launch checklist')
  await first.hover()
  await first.getByRole('button', { name: 'Reply in thread' }).click()
  const thread = page.getByRole('complementary', { name: 'Thread' })
  await visible(thread)
  const reply = thread.getByRole('combobox', { name: 'Reply to thread' })
  await reply.fill('I added the press list to it.')
  await reply.press('Enter')
  await visible(thread.getByRole('list', { name: 'Replies' }).getByRole('article').filter({ hasText: 'I added the press list' }))
  await visible(first.getByRole('button', { name: 'View thread, 1 reply' }))

  // Edit the second message.
  const second = message(page, 'general', 'let us review it at 10')
  await second.hover()
  await second.getByRole('button', { name: 'Edit message' }).click()
  const editor = page.getByRole('textbox', { name: 'Edit message' })
  await editor.fill('Second thought: let us review it at 11.')
  await editor.press('Enter')
  const edited = message(page, 'general', 'let us review it at 11')
  await visible(edited)
  await hasText(edited, '(edited)')

  // Delete it.
  await edited.hover()
  await edited.getByRole('button', { name: 'More actions' }).click()
  await page.getByRole('menuitem', { name: 'Delete message' }).click()
  const confirm = page.getByRole('dialog', { name: 'Delete message?' })
  await confirm.getByRole('button', { name: 'Delete' }).click()
  await hidden(confirm)
  await visible(messages(page, 'general').getByText('This message was deleted.'))
  await count(message(page, 'general', 'review it at'), 0)
  // Focus is back in the composer.
  await visible(composer(page, 'general'))
})
