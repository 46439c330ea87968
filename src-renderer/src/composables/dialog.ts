/**
 * In-app dialogs instead of window.prompt/confirm/alert (Electron does not support
 * prompt, and the browser's own boxes cannot be styled, labelled or tested). One
 * AppDialog (mounted in App.vue) shows the open request; further requests wait in turn.
 */
import { shallowRef } from 'vue'

export interface PromptOptions {
  title: string
  /** the input's visible label */
  label: string
  value?: string
  /** a sentence under the title */
  message?: string
  okText?: string
  placeholder?: string
}

export interface ConfirmOptions {
  title: string
  message: string
  okText?: string
  cancelText?: string
}

export type DialogRequest =
  | ({ kind: 'prompt'; resolve(v: string | null): void } & PromptOptions)
  | ({ kind: 'confirm'; resolve(v: boolean): void } & ConfirmOptions)
  | { kind: 'alert'; title: string; message: string; okText?: string; resolve(v: true): void }

/** The dialog on screen (null: none). */
export const currentDialog = shallowRef<DialogRequest | null>(null)
const waiting: DialogRequest[] = []

function open(req: DialogRequest): void {
  if (currentDialog.value) waiting.push(req)
  else currentDialog.value = req
}

/** Closes the open dialog with its answer and shows the next one waiting. */
export function closeDialog(answer: string | boolean | null): void {
  const req = currentDialog.value
  if (!req) return
  currentDialog.value = waiting.shift() ?? null
  if (req.kind === 'prompt') req.resolve(typeof answer === 'string' ? answer : null)
  else if (req.kind === 'confirm') req.resolve(answer === true)
  else req.resolve(true)
}

/** Asks for a line of text; resolves to it (as typed), or null when cancelled (Escape, Cancel). */
export function promptDialog(opts: PromptOptions): Promise<string | null> {
  return new Promise((resolve) => open({ kind: 'prompt', ...opts, resolve }))
}

/** Asks yes or no; resolves to true only for the OK button (or Enter). */
export function confirmDialog(opts: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => open({ kind: 'confirm', ...opts, resolve }))
}

/** Tells something that needs acknowledging; resolves when closed. */
export function alertDialog(title: string, message: string): Promise<true> {
  return new Promise((resolve) => open({ kind: 'alert', title, message, resolve }))
}
