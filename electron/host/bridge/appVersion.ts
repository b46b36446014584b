import packageJson from '../../../package.json' with { type: 'json' }

/** The Commons version, as `app.info` reports it (Electron's app.getVersion() is Electron's own under `npm start`). */
export const appVersion: string = packageJson.version
