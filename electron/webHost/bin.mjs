#!/usr/bin/env node
// `npm run web` (and `npm run dev`, with --dev): runs the TypeScript web host through tsx, no build step.
import { register } from 'tsx/esm/api'

register()
await import('./entry.ts')
