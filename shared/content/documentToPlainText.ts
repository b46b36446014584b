/**
 * A document's text without formatting, for search indexing and model context: each text block's text
 * on its own line(s), hard breaks as newlines, empty blocks left out.
 */

import type * as Y from 'yjs'
import type { Block } from './documentModel.ts'
import { inlineItemsToText } from './inlineContent.ts'
import { yChildrenToBlocks } from './yDocument.ts'

export function fragmentToPlainText(fragment: Y.XmlFragment): string {
  return blocksToPlainText(yChildrenToBlocks(fragment.toArray()))
}

export function blocksToPlainText(blocks: readonly Block[]): string {
  const lines: string[] = []
  const visit = (block: Block) => {
    switch (block.type) {
      case 'paragraph':
      case 'heading':
        lines.push(inlineItemsToText(block.content))
        break
      case 'codeBlock':
        lines.push(block.text)
        break
      case 'blockquote':
        block.children.forEach(visit)
        break
      case 'bulletList':
      case 'orderedList':
        block.items.forEach((item) => item.forEach(visit))
        break
      case 'horizontalRule':
        break
    }
  }
  blocks.forEach(visit)
  return lines.filter((line) => line.trim() !== '').join('\n')
}
