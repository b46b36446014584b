import { Bell, CircleAlert, CircleCheck, X } from 'lucide-react'
import { Button, cx } from '../components/ui.tsx'
import type { Toast } from './context.tsx'

/** Notifications and errors that are not tied to a form: bottom right, announced politely. */
export function Toaster({ toasts, onDismiss }: { toasts: readonly Toast[]; onDismiss: (id: number) => void }) {
  return (
    <div aria-live="polite" aria-label="Notifications" role="region" className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-80 flex-col gap-2">
      {toasts.map((toast) => (
        <div key={toast.id} role={toast.tone === 'error' ? 'alert' : 'status'} className={cx('pointer-events-auto flex items-start gap-2.5 rounded-lg border bg-bg-overlay px-3 py-2.5 shadow-lg', toast.tone === 'error' ? 'border-danger/40' : 'border-border')}>
          <span aria-hidden className="mt-0.5">
            {toast.tone === 'error' ? <CircleAlert className="size-4 text-danger" /> : toast.tone === 'success' ? <CircleCheck className="size-4 text-success" /> : <Bell className="size-4 text-accent" />}
          </span>
          <div className="min-w-0 flex-1">
            <p className="text-sm font-medium text-fg">{toast.title}</p>
            {toast.body != null && toast.body !== '' && <p className="mt-0.5 line-clamp-3 text-xs text-fg-muted">{toast.body}</p>}
            {toast.action !== undefined && (
              <Button
                size="sm"
                variant="secondary"
                className="mt-2"
                onClick={() => {
                  toast.action?.run()
                  onDismiss(toast.id)
                }}
              >
                {toast.action.label}
              </Button>
            )}
          </div>
          <button type="button" aria-label="Dismiss notification" onClick={() => onDismiss(toast.id)} className="rounded-sm p-0.5 text-fg-subtle hover:text-fg">
            <X className="size-3.5" />
          </button>
        </div>
      ))}
    </div>
  )
}
