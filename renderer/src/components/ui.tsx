import * as DialogPrimitive from '@radix-ui/react-dialog'
import * as TooltipPrimitive from '@radix-ui/react-tooltip'
import { Bot, CircleAlert, LoaderCircle, X } from 'lucide-react'
import { forwardRef, useId, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode } from 'react'
import type { Member, MemberKind } from '../../../shared/model/types.ts'
import type { Problem } from '../data/problems.ts'

/** The app's small building blocks, all on the design tokens (styles.css) and Radix primitives. */

export function cx(...parts: (string | false | null | undefined)[]): string {
  return parts.filter(Boolean).join(' ')
}

// ---------------------------------------------------------------------------------------------------
// Buttons

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger' | 'coworker'
type Size = 'sm' | 'md' | 'lg'

const variants: Record<Variant, string> = {
  primary: 'bg-accent text-accent-fg hover:bg-accent-hover shadow-sm disabled:opacity-50',
  secondary: 'bg-bg border border-border-strong text-fg hover:bg-bg-muted shadow-sm disabled:opacity-50',
  ghost: 'text-fg-muted hover:bg-bg-muted hover:text-fg disabled:opacity-40',
  danger: 'bg-danger text-bg hover:opacity-90 shadow-sm disabled:opacity-50',
  coworker: 'bg-coworker-subtle text-coworker-text hover:bg-bg-emphasis border border-coworker/25 disabled:opacity-50'
}
const sizes: Record<Size, string> = {
  sm: 'h-7 px-2 text-xs gap-1.5 rounded-md',
  md: 'h-8 px-3 text-sm gap-2 rounded-md',
  lg: 'h-10 px-4 text-base gap-2 rounded-lg'
}

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant
  size?: Size
  busy?: boolean
}

export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button({ variant = 'secondary', size = 'md', busy = false, className, children, disabled, type, ...rest }, ref) {
  return (
    <button
      ref={ref}
      type={type ?? 'button'}
      disabled={disabled === true || busy}
      aria-busy={busy || undefined}
      className={cx('inline-flex shrink-0 items-center justify-center font-medium whitespace-nowrap transition-colors select-none', variants[variant], sizes[size], className)}
      {...rest}
    >
      {busy && <LoaderCircle aria-hidden className="size-3.5 animate-spin" />}
      {children}
    </button>
  )
})

export interface IconButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  label: string
  /** Shown in the tooltip after the label, e.g. `Esc` or `⌘K`. */
  shortcut?: string
  size?: 'sm' | 'md'
  active?: boolean
  tooltipSide?: 'top' | 'bottom' | 'left' | 'right'
}

export const IconButton = forwardRef<HTMLButtonElement, IconButtonProps>(function IconButton({ label, shortcut, size = 'md', active = false, tooltipSide, className, children, type, ...rest }, ref) {
  return (
    <Tooltip content={label} shortcut={shortcut} side={tooltipSide}>
      <button
        ref={ref}
        type={type ?? 'button'}
        aria-label={label}
        className={cx(
          'inline-flex shrink-0 items-center justify-center rounded-md text-fg-muted transition-colors hover:bg-bg-muted hover:text-fg disabled:opacity-40',
          size === 'sm' ? 'size-6' : 'size-8',
          active && 'bg-bg-muted text-fg',
          className
        )}
        {...rest}
      >
        {children}
      </button>
    </Tooltip>
  )
})

// ---------------------------------------------------------------------------------------------------
// Tooltip

export function Tooltip({ content, shortcut, side = 'top', children }: { content: ReactNode; shortcut?: string | undefined; side?: 'top' | 'bottom' | 'left' | 'right' | undefined; children: ReactNode }) {
  return (
    <TooltipPrimitive.Root>
      <TooltipPrimitive.Trigger asChild>{children}</TooltipPrimitive.Trigger>
      <TooltipPrimitive.Portal>
        <TooltipPrimitive.Content
          side={side}
          sideOffset={6}
          className="z-50 flex items-center gap-2 rounded-md bg-fg px-2 py-1 text-xs font-medium text-bg shadow-md"
        >
          {content}
          {shortcut !== undefined && <span className="text-bg/70">{shortcut}</span>}
        </TooltipPrimitive.Content>
      </TooltipPrimitive.Portal>
    </TooltipPrimitive.Root>
  )
}

// ---------------------------------------------------------------------------------------------------
// Avatars and badges

const hues = [1, 2, 3, 4, 5, 6] as const
const hueClass: Record<(typeof hues)[number], string> = {
  1: 'bg-avatar-1 text-avatar-1-fg',
  2: 'bg-avatar-2 text-avatar-2-fg',
  3: 'bg-avatar-3 text-avatar-3-fg',
  4: 'bg-avatar-4 text-avatar-4-fg',
  5: 'bg-avatar-5 text-avatar-5-fg',
  6: 'bg-avatar-6 text-avatar-6-fg'
}

function hueOf(id: string): (typeof hues)[number] {
  let hash = 0
  for (let index = 0; index < id.length; index++) hash = (hash * 31 + id.charCodeAt(index)) | 0
  return hues[Math.abs(hash) % hues.length]!
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  if (words.length === 0) return '?'
  if (words.length === 1) return words[0]!.slice(0, 2).toUpperCase()
  return (words[0]![0]! + words[words.length - 1]![0]!).toUpperCase()
}

export type AvatarSize = 'xs' | 'sm' | 'md' | 'lg'
const avatarSizes: Record<AvatarSize, string> = {
  xs: 'size-5 text-[9px]',
  sm: 'size-6 text-[10px]',
  md: 'size-9 text-xs',
  lg: 'size-12 text-base'
}
const botSizes: Record<AvatarSize, string> = { xs: 'size-3', sm: 'size-3.5', md: 'size-5', lg: 'size-6' }

/**
 * People are round with their initials; coworkers are rounded squares in the coworker hue with a bot
 * mark, so they are told apart at a glance wherever they appear.
 */
export function Avatar({ member, size = 'md', className }: { member: Pick<Member, 'id' | 'name' | 'kind'> | null; size?: AvatarSize; className?: string }) {
  if (member === null) {
    return <span aria-hidden className={cx('inline-flex shrink-0 items-center justify-center rounded-full bg-bg-emphasis text-fg-subtle', avatarSizes[size], className)}>?</span>
  }
  if (member.kind === 'coworker') {
    return (
      <span
        aria-hidden
        data-avatar="coworker"
        className={cx('inline-flex shrink-0 items-center justify-center rounded-[30%] border border-coworker/30 bg-coworker-subtle text-coworker', avatarSizes[size], className)}
      >
        <Bot className={botSizes[size]} strokeWidth={2} />
      </span>
    )
  }
  return (
    <span aria-hidden data-avatar="person" className={cx('inline-flex shrink-0 items-center justify-center rounded-full font-semibold', hueClass[hueOf(member.id)], avatarSizes[size], className)}>
      {initials(member.name)}
    </span>
  )
}

export function CoworkerBadge({ className }: { className?: string }) {
  return (
    <span
      className={cx('inline-flex h-4 shrink-0 items-center rounded-sm bg-coworker-subtle px-1 text-[10px] leading-none font-semibold tracking-wide text-coworker-text uppercase', className)}
      title="AI coworker"
    >
      Coworker
    </span>
  )
}

export function MemberName({ member, className }: { member: Pick<Member, 'name' | 'kind'> | null; className?: string }) {
  return (
    <span className={cx('inline-flex min-w-0 items-center gap-1.5', className)}>
      <span className="truncate font-semibold text-fg">{member?.name ?? 'Unknown member'}</span>
      {member?.kind === 'coworker' && <CoworkerBadge />}
    </span>
  )
}

export function kindLabel(kind: MemberKind): string {
  return kind === 'coworker' ? 'AI coworker' : 'Person'
}

export function Kbd({ children, className }: { children: ReactNode; className?: string }) {
  return <kbd className={cx('inline-flex h-[18px] min-w-[18px] items-center justify-center rounded-sm border border-border-strong bg-bg px-1 font-sans text-[10px] font-medium text-fg-subtle', className)}>{children}</kbd>
}

export function Spinner({ className, label }: { className?: string; label?: string }) {
  return <LoaderCircle role={label === undefined ? undefined : 'status'} aria-label={label} aria-hidden={label === undefined || undefined} className={cx('size-4 animate-spin text-fg-subtle', className)} />
}

// ---------------------------------------------------------------------------------------------------
// Empty states and problems

export function EmptyState({ icon, title, children, action, className }: { icon?: ReactNode; title: string; children?: ReactNode; action?: ReactNode; className?: string }) {
  return (
    <div className={cx('mx-auto flex max-w-md flex-col items-center px-6 py-12 text-center', className)}>
      {icon !== undefined && <div className="mb-4 flex size-12 items-center justify-center rounded-xl border border-border bg-bg-subtle text-fg-muted">{icon}</div>}
      <h2 className="text-lg font-semibold text-fg">{title}</h2>
      {children !== undefined && <div className="mt-1.5 text-sm leading-5 text-fg-muted">{children}</div>}
      {action !== undefined && <div className="mt-5 flex flex-wrap items-center justify-center gap-2">{action}</div>}
    </div>
  )
}

/** An EmptyState in the middle of the space a view has left (the flex-1 part of a page or pane). */
export function CenteredEmptyState(props: Parameters<typeof EmptyState>[0]) {
  return (
    <div className="flex flex-1 items-center justify-center">
      <EmptyState {...props} />
    </div>
  )
}

/** What happened and what to try, for an error that stopped something the person asked for. */
export function ProblemNotice({ problem, onRetry, onDismiss, className, compact = false }: { problem: Problem; onRetry?: () => void; onDismiss?: () => void; className?: string; compact?: boolean }) {
  return (
    <div role="alert" className={cx('flex items-start gap-2.5 rounded-lg border border-danger/30 bg-danger-subtle text-fg', compact ? 'px-2.5 py-2 text-xs' : 'px-3 py-2.5 text-sm', className)}>
      <CircleAlert aria-hidden className={cx('mt-0.5 shrink-0 text-danger', compact ? 'size-3.5' : 'size-4')} />
      <div className="min-w-0 flex-1">
        <p className="font-medium">{problem.message}</p>
        {problem.hint !== null && <p className="mt-0.5 text-fg-muted">{problem.hint}</p>}
      </div>
      {onRetry !== undefined && (
        <Button size="sm" variant="secondary" onClick={onRetry}>
          Try again
        </Button>
      )}
      {onDismiss !== undefined && (
        <button type="button" aria-label="Dismiss" onClick={onDismiss} className="rounded-sm p-0.5 text-fg-subtle hover:text-fg">
          <X className="size-3.5" />
        </button>
      )}
    </div>
  )
}

// ---------------------------------------------------------------------------------------------------
// Form fields

/** The box every text input, text area and select of a form shares (border, padding, focus, invalid). */
export const fieldClass =
  'w-full rounded-md border border-border-strong bg-bg px-2.5 text-base text-fg placeholder:text-fg-subtle shadow-sm transition-colors focus:border-accent focus:outline-none focus-visible:outline-2 focus-visible:outline-accent/40 focus-visible:outline-offset-0 disabled:opacity-60 aria-invalid:border-danger'

/** Whether a field shows an error, and the aria-describedby that names its hint and error (see FieldNotes). */
export function fieldDescription(id: string, hint: ReactNode | undefined, error: string | null | undefined): { hasError: boolean; describedBy: string | undefined } {
  const hasError = error != null && error !== ''
  return { hasError, describedBy: [hint !== undefined ? `${id}-hint` : '', hasError ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined }
}

/** A field's label, with "(optional)" after it when asked; `hidden` keeps it for screen readers only. */
export function FieldLabel({ htmlFor, id, optional = false, hidden = false, children }: { htmlFor: string; id?: string; optional?: boolean; hidden?: boolean; children: ReactNode }) {
  return (
    <label id={id} htmlFor={htmlFor} className={cx('text-sm font-medium text-fg', hidden && 'sr-only')}>
      {children}
      {optional && <span className="ml-1 font-normal text-fg-subtle">(optional)</span>}
    </label>
  )
}

/** The hint and the error under a field, with the ids fieldDescription points at. */
export function FieldNotes({ id, hint, error }: { id: string; hint: ReactNode | undefined; error: string | null | undefined }) {
  return (
    <>
      {hint !== undefined && (
        <p id={`${id}-hint`} className="text-xs text-fg-subtle">
          {hint}
        </p>
      )}
      {error != null && error !== '' && (
        <p id={`${id}-error`} className="text-xs text-danger">
          {error}
        </p>
      )}
    </>
  )
}

export interface TextFieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string
  hint?: ReactNode
  error?: string | null
  optional?: boolean
}

export const TextField = forwardRef<HTMLInputElement, TextFieldProps>(function TextField({ label, hint, error, optional = false, className, id, ...rest }, ref) {
  const generated = useId()
  const inputId = id ?? generated
  const { hasError, describedBy } = fieldDescription(inputId, hint, error)
  return (
    <div className={cx('flex flex-col gap-1.5', className)}>
      <FieldLabel htmlFor={inputId} optional={optional}>
        {label}
      </FieldLabel>
      <input ref={ref} id={inputId} aria-invalid={hasError || undefined} aria-describedby={describedBy} className={cx(fieldClass, 'h-9')} {...rest} />
      <FieldNotes id={inputId} hint={hint} error={error} />
    </div>
  )
})

// ---------------------------------------------------------------------------------------------------
// Dialog

export function AppDialog({
  open,
  onOpenChange,
  title,
  description,
  children,
  className
}: {
  open: boolean
  onOpenChange: (open: boolean) => void
  title: string
  description?: ReactNode
  children: ReactNode
  className?: string
}) {
  return (
    <DialogPrimitive.Root open={open} onOpenChange={onOpenChange}>
      <DialogPrimitive.Portal>
        <DialogPrimitive.Overlay className="fixed inset-0 z-40 bg-fg/20 backdrop-blur-[1px]" />
        <DialogPrimitive.Content
          {...(description === undefined ? { 'aria-describedby': undefined } : {})}
          className={cx('fixed top-[14vh] left-1/2 z-50 w-[min(480px,calc(100vw-32px))] -translate-x-1/2 rounded-xl border border-border bg-bg-overlay shadow-lg focus:outline-none', className)}
        >
          <div className="flex items-start justify-between gap-4 px-5 pt-4">
            <div>
              <DialogPrimitive.Title className="text-lg font-semibold text-fg">{title}</DialogPrimitive.Title>
              {description !== undefined && <DialogPrimitive.Description className="mt-1 text-sm text-fg-muted">{description}</DialogPrimitive.Description>}
            </div>
            <DialogCloseButton />
          </div>
          {children}
        </DialogPrimitive.Content>
      </DialogPrimitive.Portal>
    </DialogPrimitive.Root>
  )
}

/** The × in a dialog's top right corner. */
export function DialogCloseButton() {
  return (
    <DialogPrimitive.Close asChild>
      <button type="button" aria-label="Close" className="-mr-1 rounded-md p-1 text-fg-subtle hover:bg-bg-muted hover:text-fg">
        <X className="size-4" />
      </button>
    </DialogPrimitive.Close>
  )
}

/** Asks before something is removed or deleted: Cancel, or the danger button (focused first); `problem` shows why the last try failed. */
export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  description,
  confirmLabel,
  onConfirm,
  busy = false,
  problem = null
}: {
  open: boolean
  onOpenChange: (open: boolean) => void
  title: string
  description: ReactNode
  confirmLabel: string
  onConfirm: () => void
  busy?: boolean
  problem?: Problem | null
}) {
  return (
    <AppDialog open={open} onOpenChange={onOpenChange} title={title} description={description}>
      <div className="flex flex-col gap-3 px-5 pt-4 pb-5">
        {problem !== null && <ProblemNotice problem={problem} compact />}
        <div className="flex justify-end gap-2">
          <Button onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button variant="danger" onClick={onConfirm} busy={busy} autoFocus>
            {confirmLabel}
          </Button>
        </div>
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
