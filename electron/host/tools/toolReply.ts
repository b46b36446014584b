/**
 * What a tool's `run` may return when it knows better than the registry how to sum up the call for the
 * audit trail: the content for the model, and a one-line summary (`read 20 messages from #general`).
 * A tool that returns plain text or an object gets a summary naming the tool.
 */
export class ToolReply {
  constructor(
    readonly content: string | object,
    readonly summary: string
  ) {}
}

export const reply = (content: string | object, summary: string): ToolReply => new ToolReply(content, summary)
