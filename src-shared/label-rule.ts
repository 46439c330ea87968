/**
 * Which label counts as a clip's label, for the dataset counts and for training,
 * fine-tuning, enrollment and experiments. Every reader goes through one resolver
 * (src-main/services/store/label-rule.ts); each dataset stores its own rule.
 *
 * - corpus: the label the corpus came with (source 'corpus'); clips without one are unlabelled.
 * - annotator: that annotator's current whole-clip label; clips they have not labelled are unlabelled.
 * - majority: one vote per human annotator (their current whole-clip label; the corpus
 *   label is not a vote). The emotion with the most votes wins. A tie is broken by the
 *   corpus label when it is one of the tied emotions, otherwise the clip is left out
 *   (unlabelled). A clip no annotator has labelled takes its corpus label.
 */
import { z } from 'zod'
import { AnnotatorSchema } from './contract/labels'

export const LABEL_RULE_KINDS = ['corpus', 'annotator', 'majority'] as const

export const LabelRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('corpus') }),
  z.object({ kind: z.literal('annotator'), annotator: AnnotatorSchema }),
  z.object({ kind: z.literal('majority') }),
])
export type LabelRule = z.infer<typeof LabelRuleSchema>

/** Datasets that never chose a rule: majority, which is the corpus label until annotators disagree with it. */
export const DEFAULT_LABEL_RULE: LabelRule = { kind: 'majority' }

/** The rule in plain words, as the Datasets view and the model card state it. */
export function describeLabelRule(rule: LabelRule): string {
  switch (rule.kind) {
    case 'corpus':
      return 'the corpus label (clips without one are left out)'
    case 'annotator':
      return `the label given by annotator ${rule.annotator} (clips they have not labelled are left out)`
    case 'majority':
      return (
        "the majority of annotators' labels (a tie goes to the corpus label if it is one of the tied emotions, otherwise the clip is left out; " +
        'a clip no annotator labelled keeps its corpus label)'
      )
  }
}

/** A short name for a select option or a table cell. */
export function labelRuleName(rule: LabelRule): string {
  return rule.kind === 'annotator' ? `annotator ${rule.annotator}` : rule.kind === 'corpus' ? 'corpus label' : 'majority'
}

/** What a model card records: the rule each training dataset's labels were read under, and a plain-words line. */
export const CardLabelRuleSchema = z.object({
  /** the pre-training corpus's rule (null: an enrolled model whose base card did not record it) */
  source: LabelRuleSchema.nullable(),
  /** the fine-tuning or enrollment data's rule (null: none, or examples from datasets with different rules; the text names each) */
  target: LabelRuleSchema.nullable(),
  text: z.string().max(4000),
})
export type CardLabelRule = z.infer<typeof CardLabelRuleSchema>

export interface NamedRule {
  name: string
  rule: LabelRule
}

/** The card's record: `source` is the pre-training data (null: unknown), `targets` the fine-tuning or enrollment datasets. */
export function cardLabelRule(source: NamedRule | null, targets: NamedRule[]): CardLabelRule {
  const line = (d: NamedRule) => `${d.name}: ${describeLabelRule(d.rule)}`
  const parts = [...(source ? [line(source)] : ['pre-training data: not recorded by the base model']), ...targets.map(line)]
  const same = targets.length > 0 && targets.every((t) => JSON.stringify(t.rule) === JSON.stringify(targets[0].rule))
  return { source: source?.rule ?? null, target: same ? targets[0].rule : null, text: `Each clip's label was ${parts.join('; ')}.` }
}

/** A rule as one word: 'corpus', 'majority' or 'annotator:NAME' (the select's values and `ser label-rule`). */
export function labelRuleKey(rule: LabelRule): string {
  return rule.kind === 'annotator' ? `annotator:${rule.annotator}` : rule.kind
}

/** The inverse of labelRuleKey; an unknown word is a clear error. */
export function parseLabelRule(key: string): LabelRule {
  const k = key.trim()
  const parsed = LabelRuleSchema.safeParse(k.startsWith('annotator:') ? { kind: 'annotator', annotator: k.slice('annotator:'.length) } : { kind: k })
  if (!parsed.success) throw new Error(`not a label rule: '${key}' (use corpus, majority or annotator:NAME; ${parsed.error.issues[0]?.message ?? 'invalid'})`)
  return parsed.data
}
