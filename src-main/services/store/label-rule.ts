/**
 * The one resolver of a clip's effective label under a label rule (src-shared/label-rule.ts).
 * Every count and every training, fine-tuning, enrollment and experiment reader uses
 * `labelSql`, a scalar SQL expression over the clip row, so the rule is applied inside
 * the query (filters, GROUP BY and paging keep working). It lives in store/ (level 0)
 * because corpus, recordings, model, enroll and experiment all read labels, and a
 * service may import only lower levels. Only whole-clip labels that are not deleted count.
 */
import type { Database } from 'better-sqlite3'
import type { Workspace } from './workspace'
import { LabelRuleSchema, type LabelRule } from '../../../src-shared/label-rule'
import { serviceErrorClass } from '../../../src-shared/errors'

const LIVE_WHOLE = (l: string) => `${l}.deleted_at IS NULL AND ${l}.start_sec IS NULL`

function corpusSql(c: string): string {
  return `(SELECT lr.emotion FROM labels lr WHERE lr.clip_id = ${c}.id AND lr.source = 'corpus' AND ${LIVE_WHOLE('lr')} ORDER BY lr.id DESC LIMIT 1)`
}

/** `who` is an SQL expression (a quoted literal or a column). */
function annotatorSql(c: string, who: string): string {
  return `(SELECT la.emotion FROM labels la WHERE la.clip_id = ${c}.id AND la.annotator = ${who} AND la.source != 'corpus' AND ${LIVE_WHOLE('la')}
    ORDER BY la.id DESC LIMIT 1)`
}

/** One vote per annotator (their latest live whole-clip label); ties and unlabelled clips as the rule states. */
function majoritySql(c: string): string {
  const corpus = corpusSql(c)
  return `(SELECT CASE
      WHEN COUNT(*) = 0 THEN ${corpus}
      WHEN SUM(v.top) = 1 THEN MAX(CASE WHEN v.top THEN v.emotion END)
      WHEN SUM(v.top AND v.emotion = ${corpus}) = 1 THEN ${corpus}
    END
    FROM (SELECT t.emotion, t.n = MAX(t.n) OVER () AS top FROM (
      SELECT lm.emotion, COUNT(*) AS n FROM labels lm
      WHERE lm.clip_id = ${c}.id AND lm.source != 'corpus' AND ${LIVE_WHOLE('lm')}
        AND NOT EXISTS (SELECT 1 FROM labels ln WHERE ln.clip_id = lm.clip_id AND ln.annotator = lm.annotator
          AND ln.source != 'corpus' AND ${LIVE_WHOLE('ln')} AND ln.id > lm.id)
      GROUP BY lm.emotion) t) v)`
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`

/**
 * The effective label of clip alias `c` as an SQL expression: under a given rule, or
 * under the rule stored on the clip's dataset ('dataset').
 */
export function labelSql(rule: LabelRule | 'dataset', c = 'c'): string {
  if (rule === 'dataset') {
    return `(SELECT CASE dr.label_rule WHEN 'corpus' THEN ${corpusSql(c)}
      WHEN 'annotator' THEN ${annotatorSql(c, 'dr.label_rule_annotator')} ELSE ${majoritySql(c)} END
      FROM datasets dr WHERE dr.id = ${c}.dataset_id)`
  }
  const r = LabelRuleSchema.parse(rule)
  return r.kind === 'corpus' ? corpusSql(c) : r.kind === 'annotator' ? annotatorSql(c, quote(r.annotator)) : majoritySql(c)
}

export class LabelRuleError extends serviceErrorClass('LabelRuleError') {}

function requireDataset(db: Database, datasetId: number): { label_rule: string; label_rule_annotator: string | null } {
  const row = db.prepare('SELECT label_rule, label_rule_annotator FROM datasets WHERE id = ?').get(datasetId) as
    { label_rule: string; label_rule_annotator: string | null } | undefined
  if (!row) throw new LabelRuleError(`no dataset with id ${datasetId}`)
  return row
}

/** The rule stored on a dataset. */
export function getLabelRule(ws: Workspace, datasetId: number): LabelRule {
  const row = requireDataset(ws.db, datasetId)
  return LabelRuleSchema.parse(row.label_rule === 'annotator' ? { kind: 'annotator', annotator: row.label_rule_annotator } : { kind: row.label_rule })
}

/** Human annotators with at least one live whole-clip label in the dataset (the names a rule may choose). */
export function datasetAnnotators(ws: Workspace, datasetId: number): string[] {
  return ws.db
    .prepare(
      `SELECT DISTINCT l.annotator FROM labels l JOIN clips c ON c.id = l.clip_id
       WHERE c.dataset_id = ? AND l.source != 'corpus' AND ${LIVE_WHOLE('l')} ORDER BY l.annotator`,
    )
    .pluck()
    .all(datasetId) as string[]
}

/** Stores a dataset's rule; an annotator rule must name someone who has labelled clips of it. */
export function setLabelRule(ws: Workspace, datasetId: number, input: unknown): LabelRule {
  const parsed = LabelRuleSchema.safeParse(input)
  if (!parsed.success)
    throw new LabelRuleError(`invalid label rule: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'rule'}: ${i.message}`).join('; ')}`)
  const rule = parsed.data
  requireDataset(ws.db, datasetId)
  if (rule.kind === 'annotator' && !datasetAnnotators(ws, datasetId).includes(rule.annotator)) {
    throw new LabelRuleError(
      `annotator '${rule.annotator}' has labelled no clip of dataset ${datasetId}; choose one who has, or the corpus label or the majority`,
    )
  }
  ws.db
    .prepare('UPDATE datasets SET label_rule = ?, label_rule_annotator = ? WHERE id = ?')
    .run(rule.kind, rule.kind === 'annotator' ? rule.annotator : null, datasetId)
  return rule
}

/** Every clip of a dataset with its effective label (null: unlabelled under the rule). */
export function effectiveLabels(ws: Workspace, datasetId: number, rule: LabelRule | 'dataset' = 'dataset'): Map<number, string | null> {
  requireDataset(ws.db, datasetId)
  const rows = ws.db.prepare(`SELECT c.id, ${labelSql(rule)} AS e FROM clips c WHERE c.dataset_id = ? ORDER BY c.id`).all(datasetId) as {
    id: number
    e: string | null
  }[]
  return new Map(rows.map((r) => [r.id, r.e]))
}
