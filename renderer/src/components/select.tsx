import * as Popover from '@radix-ui/react-popover'
import * as Select from '@radix-ui/react-select'
import { Check, ChevronDown, Search } from 'lucide-react'
import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react'
import { moveActiveOption } from '../lib/listKeys.ts'
import { cx, FieldLabel, FieldNotes, fieldDescription } from './ui.tsx'

/**
 * Selects, all on Radix Select (and one on Popover): labelled form fields (SelectField, SearchSelectField),
 * and the smaller ones toolbars, filters and settings rows use (CompactSelect, PlainSelect). The popover
 * list, its items and their check mark are the same pieces everywhere.
 */

export interface SelectOption {
  value: string
  label: string
  /** A second line (SelectField) or a note beside the label (the other selects). */
  description?: string
  disabled?: boolean
  icon?: ReactNode
}

// ---------------------------------------------------------------------------------------------------
// The pieces

/** The chevron at the end of a select's trigger. */
export function SelectChevron() {
  return (
    <Select.Icon>
      <ChevronDown aria-hidden className="size-3.5 shrink-0 text-fg-subtle" />
    </Select.Icon>
  )
}

/** The check mark on the chosen option. */
function SelectItemCheck({ className }: { className: string }) {
  return (
    <Select.ItemIndicator className={className}>
      <Check aria-hidden className="size-3.5 text-accent" />
    </Select.ItemIndicator>
  )
}

/** The popover list under a select's trigger; `className` sizes and frames it. */
export function SelectMenu({ className, viewportClassName, children }: { className: string; viewportClassName?: string; children: ReactNode }) {
  return (
    <Select.Portal>
      <Select.Content position="popper" sideOffset={4} className={className}>
        <Select.Viewport className={viewportClassName}>{children}</Select.Viewport>
      </Select.Content>
    </Select.Portal>
  )
}

/** One option of a SelectMenu on one line: its icon, its label, a note, and the check mark at the end. */
export function SelectMenuItem({ option, className }: { option: SelectOption; className?: string }) {
  return (
    <Select.Item value={option.value} disabled={option.disabled} className={cx('flex h-8 items-center gap-2 rounded-md px-2 text-sm outline-none data-[highlighted]:bg-bg-muted', className)}>
      {option.icon !== undefined && (
        <span aria-hidden className="text-fg-subtle">
          {option.icon}
        </span>
      )}
      <Select.ItemText>{option.label}</Select.ItemText>
      {option.description !== undefined && option.description !== '' && <span className="text-xs text-fg-subtle">{option.description}</span>}
      <SelectItemCheck className="ml-auto pl-2" />
    </Select.Item>
  )
}

// ---------------------------------------------------------------------------------------------------
// Form fields

// Radix Select items cannot have an empty value; '' (a "none" or "default" choice) travels as this.
const emptyValue = '__empty__'

/** What a labelled choice field (SelectField, SearchSelectField) is given. */
interface ChoiceFieldProps {
  label: string
  value: string
  onChange: (value: string) => void
  options: readonly SelectOption[]
  hint?: ReactNode
  error?: string | null | undefined
  className?: string
}

/** A labelled select on Radix Select: a combobox named by its label, with the options in a popover. */
export function SelectField({ label, value, onChange, options, hint, error, className, placeholder, hideLabel = false, triggerClassName, disabled = false }: ChoiceFieldProps & { placeholder?: string; hideLabel?: boolean; triggerClassName?: string; disabled?: boolean }) {
  const id = useId()
  const { hasError, describedBy } = fieldDescription(id, hint, error)
  const selected = options.find((option) => option.value === value)
  return (
    <div className={cx('flex flex-col gap-1.5', className)}>
      <FieldLabel id={`${id}-label`} htmlFor={`${id}-trigger`} hidden={hideLabel}>
        {label}
      </FieldLabel>
      <Select.Root value={selected === undefined ? undefined : value === '' ? emptyValue : value} onValueChange={(next) => onChange(next === emptyValue ? '' : next)} disabled={disabled}>
        <Select.Trigger
          id={`${id}-trigger`}
          aria-labelledby={`${id}-label`}
          aria-invalid={hasError || undefined}
          aria-describedby={describedBy}
          className={cx(
            'inline-flex h-9 w-full min-w-0 items-center justify-between gap-2 rounded-md border border-border-strong bg-bg px-2.5 text-left text-base text-fg shadow-sm focus:border-accent focus:outline-none disabled:opacity-60 aria-invalid:border-danger data-[placeholder]:text-fg-subtle',
            triggerClassName
          )}
        >
          <span className="flex min-w-0 items-center gap-2 truncate">
            <Select.Value placeholder={placeholder ?? 'Choose…'} />
          </span>
          <SelectChevron />
        </Select.Trigger>
        <SelectMenu
          className="z-50 max-h-[min(360px,var(--radix-select-content-available-height))] min-w-[var(--radix-select-trigger-width)] overflow-hidden rounded-lg border border-border bg-bg-overlay shadow-md"
          viewportClassName="p-1"
        >
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
              <SelectItemCheck className="absolute right-2" />
            </Select.Item>
          ))}
        </SelectMenu>
      </Select.Root>
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  )
}

/**
 * A labelled choice among many (time zones): a button that opens a popover with a search box (a
 * combobox) over a listbox of the matching options; arrows move, Enter picks, Esc closes.
 */
export function SearchSelectField({ label, value, onChange, options, hint, error, className, searchLabel }: ChoiceFieldProps & { searchLabel: string }) {
  const id = useId()
  const [open, setOpen] = useState(false)
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const list = useRef<HTMLUListElement>(null)
  const { hasError, describedBy } = fieldDescription(id, hint, error)
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

  return (
    <div className={cx('flex flex-col gap-1.5', className)}>
      <FieldLabel id={`${id}-label`} htmlFor={`${id}-trigger`}>
        {label}
      </FieldLabel>
      <Popover.Root open={open} onOpenChange={setOpen}>
        <Popover.Trigger asChild>
          <button
            id={`${id}-trigger`}
            type="button"
            aria-haspopup="listbox"
            aria-labelledby={`${id}-label ${id}-trigger`}
            aria-invalid={hasError || undefined}
            aria-describedby={describedBy}
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
                onKeyDown={(event) => moveActiveOption(event, matches.length, setActive, () => pick(matches[active]))}
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
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  )
}

// ---------------------------------------------------------------------------------------------------
// Compact selects

/** A Radix select styled like the app's fields, for toolbars and filters; `label` is its accessible name. */
export function CompactSelect({
  label,
  value,
  options,
  onChange,
  className,
  size = 'md',
  placeholder
}: {
  label: string
  value: string
  options: readonly SelectOption[]
  onChange: (value: string) => void
  className?: string
  size?: 'sm' | 'md'
  placeholder?: string
}) {
  const current = options.find((option) => option.value === value)
  return (
    <Select.Root value={value} onValueChange={onChange}>
      <Select.Trigger
        aria-label={label}
        className={cx(
          'inline-flex min-w-0 items-center justify-between gap-1.5 rounded-md border border-border-strong bg-bg text-fg shadow-sm transition-colors hover:bg-bg-subtle focus-visible:border-accent data-[placeholder]:text-fg-subtle',
          size === 'sm' ? 'h-7 px-2 text-xs' : 'h-8 px-2.5 text-sm',
          className
        )}
      >
        <span className="flex min-w-0 items-center gap-1.5 truncate">
          {current?.icon !== undefined && <span className="shrink-0 text-fg-subtle">{current.icon}</span>}
          <Select.Value placeholder={placeholder}>{current?.label}</Select.Value>
        </span>
        <SelectChevron />
      </Select.Trigger>
      <SelectMenu className="z-50 max-h-[min(320px,var(--radix-select-content-available-height))] min-w-[var(--radix-select-trigger-width)] overflow-hidden rounded-lg border border-border bg-bg-overlay p-1 shadow-md">
        {options.map((option) => (
          <SelectMenuItem key={option.value} option={option} className="cursor-default text-fg select-none" />
        ))}
      </SelectMenu>
    </Select.Root>
  )
}

/** A CompactSelect with its name shown above it, in a form laid out in a grid (the create dialogs). */
export function StackedCompactSelect(props: Omit<Parameters<typeof CompactSelect>[0], 'className' | 'size'>) {
  return (
    <div className="flex flex-col gap-1.5">
      <span className="text-sm font-medium">{props.label}</span>
      <CompactSelect {...props} className="h-9" />
    </div>
  )
}

/** A plain select for a settings row, named by the element `labelId` points at; `width` is the trigger's. */
export function PlainSelect({
  labelId,
  value,
  onChange,
  options,
  disabled = false,
  width = 'w-56'
}: {
  labelId: string
  value: string
  onChange: (value: string) => void
  options: readonly SelectOption[]
  disabled?: boolean
  width?: string
}) {
  return (
    <Select.Root value={value} onValueChange={onChange} disabled={disabled}>
      <Select.Trigger aria-labelledby={labelId} className={cx('inline-flex h-8 items-center justify-between gap-2 rounded-md border border-border-strong bg-bg px-2.5 text-sm shadow-sm disabled:opacity-60', width)}>
        <Select.Value />
        <SelectChevron />
      </Select.Trigger>
      <SelectMenu className="z-50 min-w-(--radix-select-trigger-width) rounded-lg border border-border bg-bg-overlay p-1 shadow-md">
        {options.map((option) => (
          <SelectMenuItem key={option.value} option={option} />
        ))}
      </SelectMenu>
    </Select.Root>
  )
}
