import * as Popover from '@radix-ui/react-popover'
import { Collaboration } from '@tiptap/extension-collaboration'
import StarterKit from '@tiptap/starter-kit'
import { EditorContent, useEditor, useEditorState, type Editor } from '@tiptap/react'
import { Bold, Code, Heading1, Heading2, Heading3, Italic, Link2, List, ListOrdered, Pilcrow, Quote, Redo2, SquareCode, Strikethrough, Undo2 } from 'lucide-react'
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'
import { documentBody } from '../../../shared/model/deliverableDoc.ts'
import { Button, cx, IconButton } from '../components/ui.tsx'
import { modKey } from '../workspace/Sidebar.tsx'
import { CollaborationCursors, EmptyDocumentHint } from './collaborationCursors.ts'

/**
 * The rich-text body of a document or report: TipTap bound to the deliverable doc's XmlFragment
 * `default` (y-prosemirror through the Collaboration extension, so history is Yjs's own undo manager),
 * with other windows' carets and selections from the doc's awareness.
 */

const proseClass = cx(
  'min-h-[40vh] pb-40 text-md leading-7 text-fg outline-none caret-fg',
  '[&>*+*]:mt-3 [&_li>*+*]:mt-1',
  '[&_h1]:mt-8 [&_h1]:text-2xl [&_h1]:font-semibold [&_h1]:tracking-tight [&_h2]:mt-7 [&_h2]:text-xl [&_h2]:font-semibold [&_h3]:mt-5 [&_h3]:text-lg [&_h3]:font-semibold',
  '[&>h1:first-child]:mt-0 [&>h2:first-child]:mt-0 [&>h3:first-child]:mt-0',
  '[&_ul]:list-disc [&_ul]:pl-6 [&_ol]:list-decimal [&_ol]:pl-6 [&_li]:my-1 [&_li]:pl-1 [&_li::marker]:text-fg-subtle',
  '[&_blockquote]:border-l-[3px] [&_blockquote]:border-border-strong [&_blockquote]:pl-4 [&_blockquote]:text-fg-muted',
  '[&_pre]:overflow-x-auto [&_pre]:rounded-lg [&_pre]:border [&_pre]:border-border [&_pre]:bg-code [&_pre]:px-4 [&_pre]:py-3 [&_pre]:font-mono [&_pre]:text-[13px] [&_pre]:leading-5',
  '[&_:not(pre)>code]:rounded-sm [&_:not(pre)>code]:border [&_:not(pre)>code]:border-border [&_:not(pre)>code]:bg-code [&_:not(pre)>code]:px-1 [&_:not(pre)>code]:font-mono [&_:not(pre)>code]:text-[0.88em]',
  '[&_a]:text-accent-text [&_a]:underline [&_a]:decoration-accent-text/40 [&_a]:underline-offset-2 [&_a:hover]:decoration-accent-text',
  '[&_strong]:font-semibold [&_hr]:my-6 [&_hr]:border-border',
  '[&_.is-empty-doc]:before:pointer-events-none [&_.is-empty-doc]:before:float-left [&_.is-empty-doc]:before:h-0 [&_.is-empty-doc]:before:text-fg-subtle [&_.is-empty-doc]:before:content-[attr(data-placeholder)]'
)

export function DocumentEditor({ doc, awareness, editable = true, label, heading }: { doc: Y.Doc; awareness: Awareness; editable?: boolean; label: string; heading?: ReactNode }) {
  const editor = useEditor(
    {
      extensions: [
        StarterKit.configure({
          // History is the Yjs undo manager's (Collaboration), so undo never takes back someone else's typing.
          undoRedo: false,
          // The shared document model (shared/content) has no underline, and a trailing paragraph added on
          // open would be written by every window at once.
          underline: false,
          trailingNode: false,
          link: { openOnClick: false, autolink: true, defaultProtocol: 'https', HTMLAttributes: { rel: 'noopener noreferrer nofollow', target: '_blank' } }
        }),
        Collaboration.configure({ fragment: documentBody(doc) }),
        CollaborationCursors.configure({ awareness }),
        EmptyDocumentHint.configure({ text: 'Start writing, or type # for a heading, - for a list, ``` for code…' })
      ],
      editable,
      shouldRerenderOnTransaction: false,
      editorProps: {
        attributes: {
          'aria-label': label,
          'aria-multiline': 'true',
          role: 'textbox',
          spellcheck: 'true',
          class: proseClass
        }
      }
    },
    [doc, awareness]
  )

  useEffect(() => {
    editor.setEditable(editable)
  }, [editor, editable])

  return (
    <div className="flex flex-col">
      <EditorToolbar editor={editor} disabled={!editable} />
      <div className="mx-auto w-full max-w-[760px] px-12 pt-10">
        {heading}
        <EditorContent editor={editor} />
      </div>
    </div>
  )
}

// ---------------------------------------------------------------------------------------------------
// Toolbar

function EditorToolbar({ editor, disabled }: { editor: Editor; disabled: boolean }) {
  const state = useEditorState({
    editor,
    selector: ({ editor: current }) => ({
      paragraph: current.isActive('paragraph'),
      h1: current.isActive('heading', { level: 1 }),
      h2: current.isActive('heading', { level: 2 }),
      h3: current.isActive('heading', { level: 3 }),
      bold: current.isActive('bold'),
      italic: current.isActive('italic'),
      strike: current.isActive('strike'),
      code: current.isActive('code'),
      bulletList: current.isActive('bulletList'),
      orderedList: current.isActive('orderedList'),
      blockquote: current.isActive('blockquote'),
      codeBlock: current.isActive('codeBlock'),
      link: current.isActive('link'),
      canUndo: current.can().undo(),
      canRedo: current.can().redo()
    })
  })
  const chain = () => editor.chain().focus()
  const alt = modKey === '⌘' ? '⌥' : 'Alt+'
  const shift = modKey === '⌘' ? '⇧' : 'Shift+'

  return (
    <div
      role="toolbar"
      aria-label="Formatting"
      aria-disabled={disabled || undefined}
      // Keep the editor's selection while a button is pressed.
      onMouseDown={(event) => {
        if ((event.target as HTMLElement).closest('button') !== null) event.preventDefault()
      }}
      // Left and Right move between the tools, as in a toolbar.
      onKeyDown={(event) => {
        if (!['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return
        const tools = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('button:not(:disabled)')]
        const index = tools.indexOf(document.activeElement as HTMLButtonElement)
        if (index === -1) return
        event.preventDefault()
        const next = event.key === 'Home' ? 0 : event.key === 'End' ? tools.length - 1 : (index + (event.key === 'ArrowRight' ? 1 : -1) + tools.length) % tools.length
        tools[next]?.focus()
      }}
      className="sticky top-0 z-20 flex h-10 shrink-0 items-center gap-0.5 border-b border-border bg-bg/95 px-4 backdrop-blur-sm"
    >
      <div className="mx-auto flex w-full max-w-[760px] items-center gap-0.5 px-8">
        <Tool label="Text" shortcut={`${modKey}${alt}0`} active={state.paragraph && !state.bulletList && !state.orderedList && !state.blockquote} disabled={disabled} onClick={() => chain().setParagraph().run()}>
          <Pilcrow className="size-4" />
        </Tool>
        <Tool label="Heading 1" shortcut={`${modKey}${alt}1`} active={state.h1} disabled={disabled} onClick={() => chain().toggleHeading({ level: 1 }).run()}>
          <Heading1 className="size-4" />
        </Tool>
        <Tool label="Heading 2" shortcut={`${modKey}${alt}2`} active={state.h2} disabled={disabled} onClick={() => chain().toggleHeading({ level: 2 }).run()}>
          <Heading2 className="size-4" />
        </Tool>
        <Tool label="Heading 3" shortcut={`${modKey}${alt}3`} active={state.h3} disabled={disabled} onClick={() => chain().toggleHeading({ level: 3 }).run()}>
          <Heading3 className="size-4" />
        </Tool>
        <Divider />
        <Tool label="Bold" shortcut={`${modKey}B`} active={state.bold} disabled={disabled} onClick={() => chain().toggleBold().run()}>
          <Bold className="size-4" />
        </Tool>
        <Tool label="Italic" shortcut={`${modKey}I`} active={state.italic} disabled={disabled} onClick={() => chain().toggleItalic().run()}>
          <Italic className="size-4" />
        </Tool>
        <Tool label="Strikethrough" shortcut={`${modKey}${shift}S`} active={state.strike} disabled={disabled} onClick={() => chain().toggleStrike().run()}>
          <Strikethrough className="size-4" />
        </Tool>
        <Tool label="Inline code" shortcut={`${modKey}E`} active={state.code} disabled={disabled} onClick={() => chain().toggleCode().run()}>
          <Code className="size-4" />
        </Tool>
        <LinkTool editor={editor} active={state.link} disabled={disabled} />
        <Divider />
        <Tool label="Bulleted list" shortcut={`${modKey}${shift}8`} active={state.bulletList} disabled={disabled} onClick={() => chain().toggleBulletList().run()}>
          <List className="size-4" />
        </Tool>
        <Tool label="Numbered list" shortcut={`${modKey}${shift}7`} active={state.orderedList} disabled={disabled} onClick={() => chain().toggleOrderedList().run()}>
          <ListOrdered className="size-4" />
        </Tool>
        <Tool label="Quote" shortcut={`${modKey}${shift}B`} active={state.blockquote} disabled={disabled} onClick={() => chain().toggleBlockquote().run()}>
          <Quote className="size-4" />
        </Tool>
        <Tool label="Code block" shortcut={`${modKey}${alt}C`} active={state.codeBlock} disabled={disabled} onClick={() => chain().toggleCodeBlock().run()}>
          <SquareCode className="size-4" />
        </Tool>
        <div className="ml-auto flex items-center gap-0.5">
          <Tool label="Undo" shortcut={`${modKey}Z`} disabled={disabled || !state.canUndo} onClick={() => chain().undo().run()}>
            <Undo2 className="size-4" />
          </Tool>
          <Tool label="Redo" shortcut={`${modKey}${shift}Z`} disabled={disabled || !state.canRedo} onClick={() => chain().redo().run()}>
            <Redo2 className="size-4" />
          </Tool>
        </div>
      </div>
    </div>
  )
}

function Tool({ label, shortcut, active, disabled, onClick, children }: { label: string; shortcut?: string; active?: boolean; disabled?: boolean; onClick: () => void; children: ReactNode }) {
  return (
    <IconButton
      label={label}
      shortcut={shortcut}
      tooltipSide="bottom"
      active={active === true}
      aria-pressed={active === undefined ? undefined : active}
      disabled={disabled}
      onClick={onClick}
      className={cx('size-7', active === true && 'text-accent-text')}
    >
      {children}
    </IconButton>
  )
}

function Divider() {
  return <span aria-hidden className="mx-1.5 h-4 w-px bg-border" />
}

/** Adds, changes or removes the link on the selection (or inserts the address as a link). */
function LinkTool({ editor, active, disabled }: { editor: Editor; active: boolean; disabled: boolean }) {
  const [open, setOpen] = useState(false)
  const [href, setHref] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const input = useRef<HTMLInputElement>(null)

  const onOpenChange = (next: boolean) => {
    if (next) {
      setHref((editor.getAttributes('link').href as string | undefined) ?? '')
      setProblem(null)
    }
    setOpen(next)
  }

  const apply = (event: FormEvent) => {
    event.preventDefault()
    const trimmed = href.trim()
    if (trimmed === '') {
      editor.chain().focus().extendMarkRange('link').unsetLink().run()
      setOpen(false)
      return
    }
    const address = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(trimmed) ? `mailto:${trimmed}` : `https://${trimmed}`
    if (!/^(https?|mailto):/i.test(address)) {
      setProblem('Links must start with http://, https:// or mailto:')
      return
    }
    const chain = editor.chain().focus()
    if (editor.state.selection.empty && !editor.isActive('link')) {
      chain.insertContent({ type: 'text', text: trimmed, marks: [{ type: 'link', attrs: { href: address } }] }).run()
    } else {
      chain.extendMarkRange('link').setLink({ href: address }).run()
    }
    setOpen(false)
  }

  return (
    <Popover.Root open={open} onOpenChange={onOpenChange}>
      <Popover.Trigger asChild>
        <IconButton label="Link" tooltipSide="bottom" active={active} aria-pressed={active} disabled={disabled} className={cx('size-7', active && 'text-accent-text')}>
          <Link2 className="size-4" />
        </IconButton>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          side="bottom"
          align="start"
          sideOffset={6}
          onOpenAutoFocus={(event) => {
            event.preventDefault()
            input.current?.focus()
            input.current?.select()
          }}
          className="z-50 w-80 rounded-lg border border-border bg-bg-overlay p-3 shadow-md"
        >
          <form onSubmit={apply} className="flex flex-col gap-2">
            <label htmlFor="link-address" className="text-xs font-medium text-fg-muted">
              Link address
            </label>
            <input
              id="link-address"
              ref={input}
              value={href}
              onChange={(event) => setHref(event.target.value)}
              placeholder="https://example.com"
              aria-invalid={problem !== null || undefined}
              className="h-8 rounded-md border border-border-strong bg-bg px-2.5 text-sm shadow-sm placeholder:text-fg-subtle focus:border-accent focus:outline-none aria-invalid:border-danger"
            />
            {problem !== null && <p className="text-xs text-danger">{problem}</p>}
            <div className="flex justify-end gap-2">
              {active && (
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => {
                    editor.chain().focus().extendMarkRange('link').unsetLink().run()
                    setOpen(false)
                  }}
                >
                  Remove link
                </Button>
              )}
              <Button size="sm" variant="primary" type="submit">
                Apply link
              </Button>
            </div>
          </form>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  )
}
