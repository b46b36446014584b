import { createRoot } from 'react-dom/client'
import { App } from './app/App.tsx'
import { applyTheme } from './app/theme.ts'
import './styles.css'

applyTheme()

createRoot(document.getElementById('root')!).render(
  <App />
)
