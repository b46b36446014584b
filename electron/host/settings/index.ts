/** This device's model settings: which providers it uses, with the API key sealed at rest. */
export { ModelSettingsStore, SettingsFileError, settingsFileName, localSettingsInput, type ModelSettingsSummary, type OpenModelSettingsOptions } from './modelSettingsStore.ts'
export { noSecretProtection } from './secretProtection.ts'
export { testConnection, type ConnectionTestResult } from './testConnection.ts'
export type { ModelSettings, SecretProtector } from './modelSettingsTypes.ts'
export type { AssistantProvider, SettingsFile } from './settingsFile.ts'
