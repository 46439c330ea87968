/**
 * Request ids of label writes (table label_requests, migration 504). A retried
 * request is answered from here BEFORE any other check: the label it changed may
 * be gone by now (the retry of a removal), the clip may be labelled differently,
 * and none of that matters, it was already done. An id is bound to its annotator,
 * its kind and its payload, so a reused id with a different request is refused.
 */
import crypto from 'node:crypto'
import type { Workspace } from '../store/workspace'
import { insertRequest, requestRow } from '../store/label-requests'
import { LabelError } from './errors'

export type RequestKind = 'set' | 'update' | 'remove' | 'undo' | 'redo' | 'import'

export interface BoundRequest {
  requestId?: string
  annotator: string
  kind: RequestKind
  /** what the request asks for, without its id and annotator */
  payload: Record<string, unknown>
}

export interface PriorRequest {
  actionId: number | null
  result: unknown
}

/** A stable hash of the payload: keys sorted, undefined left out. */
export function fingerprint(kind: RequestKind, payload: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(payload)
      .sort()
      .filter((k) => payload[k] !== undefined)
      .map((k) => [k, payload[k]]),
  )
  return crypto.createHash('sha256').update(`${kind}\n${canonical}`).digest('hex')
}

/** The first answer's ingredients when this request was made before; undefined when it is new. */
export function priorRequest(ws: Workspace, b: BoundRequest): PriorRequest | undefined {
  if (!b.requestId) return undefined
  const r = requestRow(ws.db, b.requestId)
  if (!r) return undefined
  const reuse = `request id ${b.requestId} was already used`
  if (r.kind !== b.kind) throw new LabelError(`${reuse} for ${r.kind}, not ${b.kind}: a new change needs a new request id`)
  if (r.annotator !== b.annotator) throw new LabelError(`${reuse} by another annotator: a new change needs a new request id`)
  if (r.fingerprint !== null && r.fingerprint !== fingerprint(b.kind, b.payload)) {
    throw new LabelError(`${reuse} for a different ${b.kind}: a new change needs a new request id`)
  }
  return { actionId: r.action_id, result: r.result_json === null ? undefined : JSON.parse(r.result_json) }
}

export function rememberRequest(ws: Workspace, b: BoundRequest, actionId: number | null, result?: unknown): void {
  if (!b.requestId) return
  const json = result === undefined ? null : JSON.stringify(result)
  insertRequest(ws.db, {
    request_id: b.requestId,
    annotator: b.annotator,
    kind: b.kind,
    fingerprint: fingerprint(b.kind, b.payload),
    action_id: actionId,
    result_json: json,
  })
}

/**
 * Runs a write once per request id, in one immediate transaction: the replay
 * (or the refusal of a reused id) comes first, then `apply` with its own checks.
 */
export function once<T>(
  ws: Workspace,
  b: BoundRequest,
  replay: (p: PriorRequest) => T,
  apply: () => { value: T; actionId: number | null; result?: unknown },
): T {
  return ws.db
    .transaction((): T => {
      const prior = priorRequest(ws, b)
      if (prior) return replay(prior)
      const out = apply()
      rememberRequest(ws, b, out.actionId, out.result)
      return out.value
    })
    .immediate()
}
