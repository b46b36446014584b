#!/usr/bin/env node
// Launches the TypeScript command line through tsx, so `commons` runs from a checkout with no build step.
import { register } from 'tsx/esm/api'

register()
await import('./entry.ts')
