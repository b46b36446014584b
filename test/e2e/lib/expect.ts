/**
 * Waiting assertions over Playwright locators (playwright-core has no `expect`). Every wait is bounded;
 * none measures time.
 */
import type { Locator } from 'playwright-core'

const defaultTimeout = 15_000

export async function visible(locator: Locator, timeout = defaultTimeout): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout })
  return locator
}

export async function hidden(locator: Locator, timeout = defaultTimeout): Promise<void> {
  await locator.waitFor({ state: 'hidden', timeout })
}

/** Waits until `check` returns true (or a truthy value, which it returns). */
export async function eventually<T>(check: () => T | Promise<T>, message: string | (() => string), timeout = defaultTimeout): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout
  let last: unknown = null
  for (;;) {
    try {
      const value = await check()
      if (value) return value as NonNullable<T>
      last = null
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) {
      const text = typeof message === 'string' ? message : message()
      throw new Error(`${text} (waited ${timeout / 1000} s)${last instanceof Error ? `: ${last.message}` : ''}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Waits until the locator's text matches. */
export async function hasText(locator: Locator, expected: string | RegExp, timeout = defaultTimeout): Promise<void> {
  let seen = ''
  await eventually(
    async () => {
      seen = (await locator.first().textContent({ timeout: 1_000 })) ?? ''
      return typeof expected === 'string' ? seen.includes(expected) : expected.test(seen)
    },
    () => `expected ${String(locator)} to show ${String(expected)}, it shows ${JSON.stringify(seen.slice(0, 300))}`,
    timeout
  )
}

export async function count(locator: Locator, expected: number, timeout = defaultTimeout): Promise<void> {
  let seen = -1
  await eventually(
    async () => (seen = await locator.count()) === expected,
    () => `expected ${expected} of ${String(locator)}, found ${seen}`,
    timeout
  )
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message)
}
