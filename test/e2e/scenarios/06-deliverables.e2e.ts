import type { Page } from 'playwright-core'
import { launchBrowser, openApp, screenshotThemes, startDevice } from '../lib/app.ts'
import { eventually, hasText, hidden, visible } from '../lib/expect.ts'
import { scenario } from '../lib/harness.ts'
import { seedWorkspace } from '../lib/seed.ts'
import { composer, restPointer } from '../lib/ui.ts'

async function openDeliverables(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Deliverables', exact: true }).click()
  await visible(page.getByRole('main', { name: 'Deliverables' }))
}

scenario('deliverables: create and edit a document and a tracker, send the document for review and approve it', async (context) => {
  const dataDir = context.tmp('device-ada')
  await seedWorkspace(dataDir, { workspace: 'Acme', person: 'Ada Lovelace', channels: [{ name: 'general' }] })
  const device = await startDevice(context, { label: 'ada', dataDir })
  const page = await openApp(context, await launchBrowser(context), device.url, { label: 'ada' })
  await visible(composer(page, 'general'))

  // A document: created, written in, renamed.
  await openDeliverables(page)
  await page.getByRole('main', { name: 'Deliverables' }).getByRole('button', { name: 'New document' }).click()
  const create = page.getByRole('dialog', { name: 'New document' })
  await create.getByLabel('Title').fill('Launch plan')
  await create.getByRole('button', { name: 'Create document' }).click()
  await hidden(create)
  const documentView = page.getByRole('main', { name: 'Launch plan' })
  await visible(documentView)
  const body = documentView.getByRole('textbox', { name: 'Launch plan, document body' })
  await body.click()
  await page.keyboard.type('## Goals')
  await page.keyboard.press('Enter')
  await page.keyboard.type('Ship the new checkout on Friday, with the press list ready by Thursday.')
  await visible(body.locator('h2', { hasText: 'Goals' }))
  await hasText(body, 'press list ready by Thursday')
  const title = documentView.getByRole('textbox', { name: 'Title' })
  await title.fill('Launch plan for Friday')
  await title.press('Enter')
  const renamed = page.getByRole('main', { name: 'Launch plan for Friday' })
  await visible(renamed)
  await restPointer(page)
  await screenshotThemes(page, 'document')

  // Review: sent for review, then approved.
  await renamed.getByRole('button', { name: 'Request review' }).click()
  await visible(renamed.getByRole('button', { name: /^Status: In review/ }))
  await renamed.getByRole('button', { name: 'Approve', exact: true }).click()
  await visible(renamed.getByRole('button', { name: /^Status: Approved/ }))
  await hidden(renamed.getByRole('button', { name: 'Approve', exact: true }))

  // A tracker with the starting columns: a row written in, its status picked.
  await openDeliverables(page)
  await page.getByRole('main', { name: 'Deliverables' }).getByRole('button', { name: 'New tracker' }).click()
  const createTracker = page.getByRole('dialog', { name: 'New tracker' })
  await createTracker.getByLabel('Title').fill('Launch checklist')
  await createTracker.getByRole('button', { name: 'Create tracker' }).click()
  await hidden(createTracker)
  const trackerView = page.getByRole('main', { name: 'Launch checklist' })
  const grid = trackerView.getByRole('grid', { name: 'Launch checklist' })
  await visible(grid)
  await trackerView.getByRole('button', { name: 'Add row' }).click()
  const item = grid.getByRole('textbox', { name: 'Item, row 1' })
  await item.fill('Press list')
  await item.press('Tab')
  await page.keyboard.press('Enter')
  const owner = grid.getByRole('textbox', { name: 'Owner, row 1' })
  await owner.fill('Grace')
  await owner.press('Enter')
  await grid.getByRole('combobox', { name: 'Status, row 1' }).click()
  await page.getByRole('option', { name: 'In progress' }).click()
  const row = grid.getByRole('row', { name: 'Row 1' })
  await hasText(row, 'Press list')
  await hasText(row, 'Grace')
  await hasText(grid.getByRole('combobox', { name: 'Status, row 1' }), 'In progress')
  await restPointer(page)
  await screenshotThemes(page, 'tracker')

  // Both are kept: after a reload, the list and their contents are as left.
  await page.reload()
  await visible(trackerView.getByRole('grid', { name: 'Launch checklist' }).getByRole('row', { name: 'Row 1' }).filter({ hasText: 'Press list' }))
  await openDeliverables(page)
  const list = page.getByRole('table', { name: 'Deliverables' })
  await hasText(list, 'Launch plan for Friday')
  await hasText(list, 'Launch checklist')
  await screenshotThemes(page, 'deliverables-list')
  await list.getByText('Launch plan for Friday').click()
  await eventually(async () => ((await page.getByRole('textbox', { name: 'Launch plan for Friday, document body' }).textContent()) ?? '').includes('press list ready by Thursday'), 'the document to keep its text')
}, { timeoutMs: 90_000 })
