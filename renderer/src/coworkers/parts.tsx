import * as CheckboxPrimitive from '@radix-ui/react-checkbox'
import * as Popover from '@radix-ui/react-popover'
import * as Select from '@radix-ui/react-select'
import { Check, ChevronDown, ChevronRight, Minus, Search } from 'lucide-react'
import { forwardRef, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode, type TextareaHTMLAttributes } from 'react'
import { AppDialog, Button, cx } from '../components/ui.tsx'

/**
 * Building blocks the Memory, Coworkers and Workflows views share, on the same tokens and Radix
 * primitives as components/ui.tsx: the page header, labelled selects, text areas, switches, checkboxes,
 * a segmented filter and a confirmation dialog.
 */

// ---------------------------------------------------------------------------------------------------
// Page frame

export function PageHeader({ title, crumbs, actions, children }: { title: string; crumbs?: Array<{ label: string; href: string }>; actions?: ReactNode; children?: ReactNode }) {
  return (
    <header className="flex h-12 shrink-0 items-center gap-3 border-b border-border px-6">
      <div className="flex min-w-0 flex-1 items-center gap-1.5">
        {crumbs?.map((crumb) => (
          <span key={crumb.href} className="flex shrink-0 items-center gap-1.5 text-base">
            <a href={crumb.href} className="rounded-sm text-fg-muted hover:text-fg">
              {crumb.label}
            </a>
            <ChevronRight aria-hidden className="size-3.5 text-fg-subtle" />
          </span>
        ))}
        <h1 className="truncate text-base font-semibold">{title}</h1>
        {children}
      </div>
      {actions !== undefined && <div className="flex shrink-0 items-center gap-2">{actions}</div>}
    </header>
  )
}

export function SectionTitle({ children, count, action, id }: { children: ReactNode; count?: number; action?: ReactNode; id?: string }) {
  return (
    <div className="mb-2 flex h-7 items-center gap-2">
      <h2 id={id} className="text-sm font-semibold text-fg">
        {children}
      </h2>
      {count !== undefined && <span className="rounded-full bg-bg-muted px-1.5 text-[11px] leading-[18px] font-medium text-fg-muted tabular-nums">{count}</span>}
      {action !== undefined && <div className="ml-auto flex items-center gap-1">{action}</div>}
    </div>
  )
}

// ---------------------------------------------------------------------------------------------------
// Fields

const fieldClass =
  'w-full rounded-md border border-border-strong bg-bg px-2.5 text-base text-fg placeholder:text-fg-subtle shadow-sm transition-colors focus:border-accent focus:outline-none focus-visible:outline-2 focus-visible:outline-accent/40 focus-visible:outline-offset-0 disabled:opacity-60 aria-invalid:border-danger'

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
  const hasError = error != null && error !== ''
  return (
    <div className={cx('flex flex-col gap-1.5', className)}>
      <label htmlFor={inputId} className={cx('text-sm font-medium text-fg', hideLabel && 'sr-only')}>
        {label}
        {optional && <span className="ml-1 font-normal text-fg-subtle">(optional)</span>}
      </label>
      <textarea
        ref={ref}
        id={inputId}
        rows={rows}
        aria-invalid={hasError || undefined}
        aria-describedby={[hint !== undefined ? `${inputId}-hint` : '', hasError ? `${inputId}-error` : ''].filter(Boolean).join(' ') || undefined}
        className={cx(fieldClass, 'resize-y py-2 leading-5')}
        {...rest}
      />
      {hint !== undefined && (
        <p id={`${inputId}-hint`} className="text-xs text-fg-subtle">
          {hint}
        </p>
      )}
      {hasError && (
        <p id={`${inputId}-error`} className="text-xs text-danger">
          {error}
        </p>
      )}
    </div>
  )
})

export interface SelectOption {
  value: string
  label: string
  description?: string
  disabled?: boolean
  icon?: ReactNode
}

// Radix Select items cannot have an empty value; '' (a "none" or "default" choice) travels as this.
const emptyValue = '__empty__'

/** A labelled select on Radix Select: a combobox named by its label, with the options in a popover. */
export function SelectField({
  label,
  value,
  onChange,
  options,
  hint,
  error,
  placeholder,
  hideLabel = false,
  className,
  triggerClassName,
  disabled = false
}: {
  label: string
  value: string
  onChange: (value: string) => void
  options: readonly SelectOption[]
  hint?: ReactNode
  error?: string | null | undefined
  placeholder?: string
  hideLabel?: boolean
  className?: string
  triggerClassName?: string
  disabled?: boolean
}) {
  const id = useId()
  const hasError = error != null && error !== ''
  const selected = options.find((option) => option.value === value)
  return (
    <div className={cx('flex flex-col gap-1.5', className)}>
      <label id={`${id}-label`} htmlFor={`${id}-trigger`} className={cx('text-sm font-medium text-fg', hideLabel && 'sr-only')}>
        {label}
      </label>
      <Select.Root value={selected === undefined ? undefined : value === '' ? emptyValue : value} onValueChange={(next) => onChange(next === emptyValue ? '' : next)} disabled={disabled}>
        <Select.Trigger
          id={`${id}-trigger`}
          aria-labelledby={`${id}-label`}
          aria-invalid={hasError || undefined}
          aria-describedby={[hint !== undefined ? `${id}-hint` : '', hasError ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined}
          className={cx(
            'inline-flex h-9 w-full min-w-0 items-center justify-between gap-2 rounded-md border border-border-strong bg-bg px-2.5 text-left text-base text-fg shadow-sm focus:border-accent focus:outline-none disabled:opacity-60 aria-invalid:border-danger data-[placeholder]:text-fg-subtle',
            triggerClassName
          )}
        >
          <span className="flex min-w-0 items-center gap-2 truncate">
            <Select.Value placeholder={placeholder ?? 'Choose…'} />
          </span>
          <Select.Icon>
            <ChevronDown aria-hidden className="size-3.5 shrink-0 text-fg-subtle" />
          </Select.Icon>
        </Select.Trigger>
        <Select.Portal>
          <Select.Content position="popper" sideOffset={4} className="z-50 max-h-[min(360px,var(--radix-select-content-available-height))] min-w-[var(--radix-select-trigger-width)] overflow-hidden rounded-lg border border-border bg-bg-overlay shadow-md">
            <Select.Viewport className="p-1">
              {options.map((option) => (
                <Select.Item
                  key={option.value || emptyValue}
                  value={option.value === '' ? emptyValue : option.value}
                  disabled={option.disabled}
                  className="relative flex min-h-8 cursor-default items-center gap-2 rounded-md py-1.5 pr-8 pl-2 text-sm text-fg outline-none select-none data-[disabled]:opacity-50 data-[highlighted]:bg-bg-muted"
                >
                  {option.icon !== undefined && (
                    <span aria-hidden className="shrink-0 text-fg-subtle">
                      {option.icon}
                    </span>
                  )}
                  <span className="min-w-0">
                    <Select.ItemText>{option.label}</Select.ItemText>
                    {option.description !== undefined && <span className="block text-xs text-fg-subtle">{option.description}</span>}
                  </span>
                  <Select.ItemIndicator className="absolute right-2">
                    <Check aria-hidden className="size-3.5 text-accent" />
                  </Select.ItemIndicator>
                </Select.Item>
              ))}
            </Select.Viewport>
          </Select.Content>
        </Select.Portal>
      </Select.Root>
      {hint !== undefined && (
        <p id={`${id}-hint`} className="text-xs text-fg-subtle">
          {hint}
        </p>
      )}
      {hasError && (
        <p id={`${id}-error`} className="text-xs text-danger">
          {error}
        </p>
      )}
    </div>
  )
}

/**
 * A labelled choice among many (time zones): a button that opens a popover with a search box (a
 * combobox) over a listbox of the matching options; arrows move, Enter picks, Esc closes.
 */
export function SearchSelectField({
  label,
  value,
  onChange,
  options,
  hint,
  error,
  searchLabel,
  className
}: {
  label: string
  value: string
  onChange: (value: string) => void
  options: readonly SelectOption[]
  hint?: ReactNode
  error?: string | null | undefined
  searchLabel: string
  className?: string
}) {
  const id = useId()
  const [open, setOpen] = useState(false)
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const list = useRef<HTMLUListElement>(null)
  const hasError = error != null && error !== ''
  const selected = options.find((option) => option.value === value)
  const matches = useMemo(() => {
    const words = query.toLowerCase().replace(/[_/]/g, ' ').split(/\s+/).filter(Boolean)
    if (words.length === 0) return options
    return options.filter((option) => {
      const text = `${option.label} ${option.value} ${option.description ?? ''}`.toLowerCase().replace(/[_/]/g, ' ')
      return words.every((word) => text.includes(word))
    })
  }, [options, query])

  useEffect(() => {
    if (!open) return
    setQuery('')
    const index = options.findIndex((option) => option.value === value)
    setActive(Math.max(0, index))
  }, [open, options, value])
  useEffect(() => {
    list.current?.querySelector(`[data-index="${active}"]`)?.scrollIntoView({ block: 'nearest' })
  }, [active, open, matches])

  const pick = (option: SelectOption | undefined) => {
    if (option === undefined || option.disabled === true) return
    onChange(option.value)
    setOpen(false)
  }
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault()
      setActive((index) => Math.min(matches.length - 1, index + 1))
    } else if (event.key === 'ArrowUp') {
      event.preventDefault()
      setActive((index) => Math.max(0, index - 1))
    } else if (event.key === 'Enter') {
      event.preventDefault()
      pick(matches[active])
    }
  }

  return (
    <div className={cx('flex flex-col gap-1.5', className)}>
      <label id={`${id}-label`} htmlFor={`${id}-trigger`} className="text-sm font-medium text-fg">
        {label}
      </label>
      <Popover.Root open={open} onOpenChange={setOpen}>
        <Popover.Trigger asChild>
          <button
            id={`${id}-trigger`}
            type="button"
            aria-haspopup="listbox"
            aria-labelledby={`${id}-label ${id}-trigger`}
            aria-invalid={hasError || undefined}
            aria-describedby={[hint !== undefined ? `${id}-hint` : '', hasError ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined}
            className="inline-flex h-9 w-full min-w-0 items-center justify-between gap-2 rounded-md border border-border-strong bg-bg px-2.5 text-left text-base text-fg shadow-sm focus:border-accent focus:outline-none aria-invalid:border-danger data-[state=open]:border-accent"
          >
            <span className="truncate">{selected?.label ?? value}</span>
            <ChevronDown aria-hidden className="size-3.5 shrink-0 text-fg-subtle" />
          </button>
        </Popover.Trigger>
        <Popover.Portal>
          <Popover.Content align="start" sideOffset={4} className="z-50 flex w-[var(--radix-popover-trigger-width)] min-w-64 flex-col overflow-hidden rounded-lg border border-border bg-bg-overlay shadow-md focus:outline-none">
            <div className="flex items-center gap-2 border-b border-border px-2.5">
              <Search aria-hidden className="size-3.5 shrink-0 text-fg-subtle" />
              <input
                autoFocus
                role="combobox"
                aria-label={searchLabel}
                aria-expanded="true"
                aria-controls={`${id}-list`}
                aria-activedescendant={matches[active] === undefined ? undefined : `${id}-option-${active}`}
                value={query}
                onChange={(event) => {
                  setQuery(event.target.value)
                  setActive(0)
                }}
                onKeyDown={onKeyDown}
                placeholder="Search…"
                className="h-9 min-w-0 flex-1 bg-transparent text-sm text-fg placeholder:text-fg-subtle focus:outline-none"
              />
            </div>
            <ul ref={list} id={`${id}-list`} role="listbox" aria-label={label} className="max-h-64 overflow-y-auto p-1">
              {matches.length === 0 && <li className="px-2 py-3 text-center text-xs text-fg-subtle">Nothing matches “{query}”.</li>}
              {matches.map((option, index) => (
                <li
                  key={option.value}
                  id={`${id}-option-${index}`}
                  data-index={index}
                  role="option"
                  aria-selected={option.value === value}
                  aria-disabled={option.disabled === true || undefined}
                  onMouseMove={() => setActive(index)}
                  onClick={() => pick(option)}
                  className={cx('relative flex h-8 cursor-default items-center gap-2 rounded-md pr-8 pl-2 text-sm text-fg select-none', index === active && 'bg-bg-muted')}
                >
                  <span className="min-w-0 flex-1 truncate">{option.label}</span>
                  {option.description !== undefined && <span className="shrink-0 text-xs text-fg-subtle tabular-nums">{option.description}</span>}
                  {option.value === value && <Check aria-hidden className="absolute right-2 size-3.5 text-accent" />}
                </li>
              ))}
            </ul>
          </Popover.Content>
        </Popover.Portal>
      </Popover.Root>
      {hint !== undefined && (
        <p id={`${id}-hint`} className="text-xs text-fg-subtle">
          {hint}
        </p>
      )}
      {hasError && (
        <p id={`${id}-error`} className="text-xs text-danger">
          {error}
        </p>
      )}
    </div>
  )
}

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
// Confirmation

export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  description,
  confirmLabel,
  onConfirm,
  busy = false
}: {
  open: boolean
  onOpenChange: (open: boolean) => void
  title: string
  description: ReactNode
  confirmLabel: string
  onConfirm: () => void
  busy?: boolean
}) {
  return (
    <AppDialog open={open} onOpenChange={onOpenChange} title={title} description={description}>
      <div className="flex justify-end gap-2 px-5 pt-4 pb-5">
        <Button onClick={() => onOpenChange(false)}>Cancel</Button>
        <Button variant="danger" onClick={onConfirm} busy={busy} autoFocus>
          {confirmLabel}
        </Button>
      </div>
    </AppDialog>
  )
}

// ---------------------------------------------------------------------------------------------------
// Chips

export function ChannelChip({ name, href, className }: { name: string; href?: string; className?: string }) {
  const classes = cx('inline-flex h-5 max-w-40 items-center rounded-sm bg-bg-muted px-1.5 text-xs text-fg-muted', href !== undefined && 'hover:bg-bg-emphasis hover:text-fg', className)
  const content = <span className="truncate">#{name}</span>
  return href === undefined ? (
    <span className={classes}>{content}</span>
  ) : (
    <a href={href} className={classes}>
      {content}
    </a>
  )
}
