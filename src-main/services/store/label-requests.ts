/**
 * The one owner of the `label_requests` table (migrations 502, 504): the request id of each
 * label write, bound to its annotator, kind and payload fingerprint, with the first answer.
 */
import type { Db } from './workspace'

export interface RequestRow {
  annotator: string
  kind: string
  fingerprint: string | null
  action_id: number | null
  result_json: string | null
}

export function requestRow(db: Db, requestId: string): RequestRow | undefined {
  return db.prepare('SELECT annotator, kind, fingerprint, action_id, result_json FROM label_requests WHERE request_id = ?').get(requestId) as
    RequestRow | undefined
}

export function insertRequest(db: Db, r: RequestRow & { request_id: string }): void {
  db.prepare('INSERT INTO label_requests (request_id, annotator, kind, fingerprint, action_id, result_json) VALUES (?, ?, ?, ?, ?, ?)')
    .run(r.request_id, r.annotator, r.kind, r.fingerprint, r.action_id, r.result_json)
}
