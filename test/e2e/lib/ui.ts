/** Steps people take in the UI, by role and accessible name, shared by the scenarios. */
import type { Page } from 'playwright-core'
import { eventually, visible } from './expect.ts'

/** First run: create a workspace (with a sync server when given), then pass the model step. */
export async function createWorkspaceFirstRun(page: Page, options: { workspace: string; person: string; serverUrl?: string }): Promise<void> {
  await visible(page.getByRole('heading', { name: 'Create a workspace' }))
  await page.getByLabel('Workspace name').fill(options.workspace)
  await page.getByLabel('Your name').fill(options.person)
  if (options.serverUrl !== undefined) await page.getByLabel('Sync server URL').fill(options.serverUrl)
  await page.getByRole('button', { name: 'Create workspace' }).click()
  await finishModelStep(page)
}

/** First run on a second device: join with an invite. */
export async function joinWorkspaceFirstRun(page: Page, options: { invite: string; person: string }): Promise<void> {
  await visible(page.getByRole('heading', { name: 'Create a workspace' }))
  await page.getByRole('tab', { name: 'Join' }).click()
  await page.getByLabel('Invite').fill(options.invite)
  await page.getByLabel('Your name').fill(options.person)
  await page.getByRole('button', { name: 'Join workspace' }).click()
  await finishModelStep(page)
}

/** The model step: "Continue" when this device has a model (the fake's key), else "Skip for now". */
export async function finishModelStep(page: Page): Promise<void> {
  await visible(page.getByRole('heading', { name: 'Set up a model' }))
  await page.getByRole('button', { name: /^(Skip for now|Continue)$/ }).click()
  await visible(page.getByRole('navigation', { name: 'Workspace' }))
}

export async function createChannel(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Create channel' }).first().click()
  const dialog = page.getByRole('dialog', { name: 'Create a channel' })
  await dialog.getByLabel('Name').fill(name)
  await dialog.getByRole('button', { name: 'Create channel' }).click()
  await visible(composer(page, name))
}

export function composer(page: Page, channel: string) {
  return page.getByRole('combobox', { name: `Message #${channel}` })
}

export function messages(page: Page, channel: string) {
  return page.getByRole('list', { name: `Messages in #${channel}` })
}

/** The message row (article) that contains `text`. */
export function message(page: Page, channel: string, text: string | RegExp) {
  return messages(page, channel).getByRole('article').filter({ hasText: text })
}

/** Sends `text` from the channel's composer and waits for it in the list (as rendered: Markdown marks dropped). */
export async function post(page: Page, channel: string, text: string, shown = text.replace(/[*_`]/g, '')): Promise<void> {
  const box = composer(page, channel)
  await box.fill(text)
  await box.press('Enter')
  await visible(message(page, channel, shown).last())
  await eventually(async () => (await box.inputValue()) === '', 'the composer to empty after sending', 5_000)
}

export async function openChannel(page: Page, channel: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: new RegExp(`^${channel}(,|$)`) }).click()
  await visible(composer(page, channel))
}

export function syncStatus(page: Page) {
  return page.getByRole('status', { name: /^Sync status:/ })
}

/** Types `@` and the start of a handle, picks `name` from the suggestions, types the rest and sends it. */
export async function mention(page: Page, channel: string, start: string, name: string, rest: string): Promise<void> {
  const box = composer(page, channel)
  await box.click()
  await box.pressSequentially(`@${start}`)
  const suggestions = page.getByRole('listbox', { name: 'People and coworkers' })
  await visible(suggestions.getByRole('option', { name: new RegExp(name) }))
  await box.press('Enter')
  // The composer puts the caret after the mention on the next frame; type only once it is there.
  await eventually(
    () => box.evaluate((element: HTMLTextAreaElement) => element.value.startsWith('@') && document.activeElement === element && element.selectionStart === element.value.length),
    'the mention to be inserted with the caret after it'
  )
  await box.pressSequentially(rest)
  await box.press('Enter')
}

/** For screenshots: the pointer where it hovers nothing, and focus on nothing (no hover toolbars, no focus rings). */
export async function restPointer(page: Page): Promise<void> {
  await page.mouse.move(760, 24)
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
}
