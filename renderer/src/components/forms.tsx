import * as CheckboxPrimitive from '@radix-ui/react-checkbox'
import * as DialogPrimitive from '@radix-ui/react-dialog'
import { Check, Minus } from 'lucide-react'
import { forwardRef, useId, type FormEvent, type ReactNode, type TextareaHTMLAttributes } from 'react'
import type { Problem } from '../data/problems.ts'
import { Button, cx, DialogCloseButton, FieldLabel, FieldNotes, fieldClass, fieldDescription, ProblemNotice } from './ui.tsx'

/**
 * Form controls beyond the text field (components/ui.tsx): text areas, switches, checkboxes, a segmented
 * filter, the Cancel/submit row of a form, and the large dialog the coworker and workflow editors use.
 */

// ---------------------------------------------------------------------------------------------------
// Text area

export interface TextAreaFieldProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  label: string
  hint?: ReactNode
  error?: string | null | undefined
  optional?: boolean
  hideLabel?: boolean
}

export const TextAreaField = forwardRef<HTMLTextAreaElement, TextAreaFieldProps>(function TextAreaField({ label, hint, error, optional = false, hideLabel = false, className, id, rows = 3, ...rest }, ref) {
  const generated = useId()
  const inputId = id ?? generated
  const { hasError, describedBy } = fieldDescription(inputId, hint, error)
  return (
    <div className={cx('flex flex-col gap-1.5', className)}>
      <FieldLabel htmlFor={inputId} optional={optional} hidden={hideLabel}>
        {label}
      </FieldLabel>
      <textarea ref={ref} id={inputId} rows={rows} aria-invalid={hasError || undefined} aria-describedby={describedBy} className={cx(fieldClass, 'resize-y py-2 leading-5')} {...rest} />
      <FieldNotes id={inputId} hint={hint} error={error} />
    </div>
  )
})

// ---------------------------------------------------------------------------------------------------
// Switch and checkbox

/** An on/off switch (the WAI-ARIA switch pattern on a native button). */
export function Switch({ checked, onChange, label, disabled = false, size = 'md', labelledBy }: { checked: boolean; onChange: (checked: boolean) => void; label?: string; labelledBy?: string; disabled?: boolean; size?: 'sm' | 'md' }) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-label={labelledBy === undefined ? label : undefined}
      aria-labelledby={labelledBy}
      disabled={disabled}
      onClick={() => onChange(!checked)}
      className={cx(
        'relative inline-flex shrink-0 items-center rounded-full border transition-colors disabled:opacity-50',
        size === 'sm' ? 'h-4 w-7' : 'h-5 w-9',
        checked ? 'border-accent bg-accent' : 'border-border-strong bg-bg-emphasis'
      )}
    >
      <span
        aria-hidden
        className={cx(
          'block rounded-full bg-bg shadow-sm transition-transform',
          size === 'sm' ? 'size-3' : 'size-4',
          checked ? (size === 'sm' ? 'translate-x-[13px]' : 'translate-x-[17px]') : 'translate-x-[1px]'
        )}
      />
    </button>
  )
}

export function Checkbox({ checked, onChange, id, disabled = false, label, className }: { checked: boolean | 'indeterminate'; onChange: (checked: boolean) => void; id?: string; disabled?: boolean; label?: string; className?: string }) {
  return (
    <CheckboxPrimitive.Root
      id={id}
      checked={checked}
      disabled={disabled}
      aria-label={label}
      onCheckedChange={(next) => onChange(next === true)}
      className={cx(
        'inline-flex size-4 shrink-0 items-center justify-center rounded-sm border border-border-strong bg-bg shadow-sm transition-colors disabled:opacity-50 data-[state=checked]:border-accent data-[state=checked]:bg-accent data-[state=indeterminate]:border-accent data-[state=indeterminate]:bg-accent',
        className
      )}
    >
      <CheckboxPrimitive.Indicator className="text-accent-fg">{checked === 'indeterminate' ? <Minus className="size-3" strokeWidth={3} /> : <Check className="size-3" strokeWidth={3} />}</CheckboxPrimitive.Indicator>
    </CheckboxPrimitive.Root>
  )
}

// ---------------------------------------------------------------------------------------------------
// Segmented filter

export function Segmented<T extends string>({ label, value, onChange, options }: { label: string; value: T; onChange: (value: T) => void; options: ReadonlyArray<{ value: T; label: string; count?: number }> }) {
  const move = (from: number, delta: number) => {
    const next = options[(from + delta + options.length) % options.length]!
    onChange(next.value)
    requestAnimationFrame(() => document.getElementById(`segment-${label}-${next.value}`)?.focus())
  }
  return (
    <div role="radiogroup" aria-label={label} className="inline-flex shrink-0 gap-0.5 rounded-lg bg-bg-muted p-0.5">
      {options.map((option, index) => (
        <button
          key={option.value}
          id={`segment-${label}-${option.value}`}
          type="button"
          role="radio"
          aria-checked={option.value === value}
          tabIndex={option.value === value ? 0 : -1}
          onClick={() => onChange(option.value)}
          onKeyDown={(event) => {
            if (event.key === 'ArrowRight' || event.key === 'ArrowDown') {
              event.preventDefault()
              move(index, 1)
            } else if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') {
              event.preventDefault()
              move(index, -1)
            }
          }}
          className="flex h-7 items-center gap-1.5 rounded-md px-2.5 text-sm font-medium text-fg-muted hover:text-fg aria-checked:bg-bg aria-checked:text-fg aria-checked:shadow-sm"
        >
          {option.label}
          {option.count !== undefined && <span className="text-xs font-normal text-fg-subtle tabular-nums">{option.count}</span>}
        </button>
      ))}
    </div>
  )
}

// ---------------------------------------------------------------------------------------------------
// The end of a form

/**
 * The end of a form in a dialog or a card: why the last submit failed (if it did), then Cancel and the
 * primary submit button, on the right. `children` is the submit button's content.
 */
export function FormActions({ problem, onCancel, busy = false, disabled = false, children }: { problem: Problem | null; onCancel: () => void; busy?: boolean; disabled?: boolean; children: ReactNode }) {
  return (
    <>
      {problem !== null && <ProblemNotice problem={problem} compact />}
      <div className="flex justify-end gap-2">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" busy={busy} disabled={disabled}>
          {children}
        </Button>
      </div>
    </>
  )
}

// ---------------------------------------------------------------------------------------------------
// Form dialog

/**
 * A tall dialog for an editor form (a DialogForm): it mounts its content only while open, so every opening
 * starts from a fresh form. `className` sets its width.
 */
export function FormDialog({ open, onOpenChange, className, children }: { open: boolean; onOpenChange: (open: boolean) => void; className: string; children: ReactNode }) {
  return (
    <DialogPrimitive.Root open={open} onOpenChange={onOpenChange}>
      <DialogPrimitive.Portal>
        <DialogPrimitive.Overlay className="fixed inset-0 z-40 bg-fg/20 backdrop-blur-[1px]" />
        <DialogPrimitive.Content
          aria-describedby={undefined}
          className={cx('fixed top-[6vh] left-1/2 z-50 flex max-h-[88vh] -translate-x-1/2 flex-col rounded-xl border border-border bg-bg-overlay shadow-lg focus:outline-none', className)}
        >
          {open && children}
        </DialogPrimitive.Content>
      </DialogPrimitive.Portal>
    </DialogPrimitive.Root>
  )
}

/**
 * The form inside a FormDialog, named by its title: a header with the title, a line about it and the close
 * button; the fields, scrolling; a footer with why saving failed (or `note`), Cancel and the submit button.
 */
export function DialogForm({
  title,
  description,
  onSubmit,
  onCancel,
  submitLabel,
  problem,
  note,
  children
}: {
  title: string
  description: string
  onSubmit: (event: FormEvent) => void
  onCancel: () => void
  submitLabel: string
  problem: Problem | null
  note?: ReactNode
  children: ReactNode
}) {
  return (
    <form onSubmit={onSubmit} noValidate aria-label={title} className="flex min-h-0 flex-1 flex-col">
      <div className="flex items-start justify-between gap-4 border-b border-border px-5 pt-4 pb-3">
        <div>
          <DialogPrimitive.Title className="text-lg font-semibold text-fg">{title}</DialogPrimitive.Title>
          <p className="mt-0.5 text-sm text-fg-muted">{description}</p>
        </div>
        <DialogCloseButton />
      </div>

      <div className="min-h-0 flex-1 overflow-y-auto px-5 py-4">{children}</div>

      <div className="flex items-center justify-end gap-2 border-t border-border px-5 py-3">
        {problem !== null && <ProblemNotice problem={problem} compact className="mr-auto min-w-0 flex-1" />}
        {note}
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary">
          {submitLabel}
        </Button>
      </div>
    </form>
  )
}
