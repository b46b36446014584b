#!/usr/bin/env node
// Starts the agent process from a checkout, with no build step: tsx loads the TypeScript. The Host forks
// this file (electron/host/agent/forkTransport.ts); the desktop app runs the bundle dist/electron/agent.cjs.
import { register } from 'tsx/esm/api'

register()
await import('./agentProcess.ts')
