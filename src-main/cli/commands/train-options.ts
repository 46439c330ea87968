/**
 * `ser train`'s run settings as command-line options, read from the one train-spec schema
 * (src-shared/contract/train-spec.ts): each option's default and help are the schema's, and
 * the values given are checked by the schema (the same bounds as the Train view's request).
 */
import { Option, type Command } from 'commander'
import { z } from 'zod'
import { trainDefaults, TrainSettingsSchema, type TrainSettings } from '../../../src-shared/contract/train-spec'

/** The flag of each setting (a new setting fails to compile until it has one). */
export const TRAIN_FLAGS: Record<keyof TrainSettings, string> = {
  source: '--source <dataset>',
  target: '--target <dataset>',
  name: '--name <name>',
  arch: '--arch <arch>',
  loss: '--loss <loss>',
  margin: '--margin <m>',
  temperature: '--temperature <t>',
  epochs: '--epochs <n>',
  finetuneEpochs: '--finetune-epochs <n>',
  stepsPerEpoch: '--steps <n>',
  shots: '--shots <k>',
  frozenLayers: '--frozen <n>',
  recipe: '--recipe <recipe>',
  seed: '--seed <n>',
}

const KEYS = Object.keys(TRAIN_FLAGS) as (keyof TrainSettings)[]

/** The schema of one setting without its default, optional and nullable wrappers. */
function core(key: keyof TrainSettings): z.ZodType {
  let t: z.ZodType = TrainSettingsSchema.shape[key]
  while (t instanceof z.ZodDefault || t instanceof z.ZodOptional || t instanceof z.ZodNullable) t = t.unwrap() as z.ZodType
  return t
}

/** The commander attribute a setting's option is read from (`--steps` -> steps). */
export const attributeOf = (key: keyof TrainSettings): string => new Option(TRAIN_FLAGS[key]).attributeName()

/** Adds one option per setting: help from the schema's description, default and choices from the schema. */
export function addTrainOptions(cmd: Command): Command {
  const d = trainDefaults()
  for (const key of KEYS) {
    const t = core(key)
    const o = new Option(TRAIN_FLAGS[key], TrainSettingsSchema.shape[key].description ?? key)
    if (t instanceof z.ZodEnum) o.choices(t.options.map(String))
    if (t instanceof z.ZodNumber) o.argParser((v: string) => (v.trim() === '' ? Number.NaN : Number(v)))
    if (key !== 'source' && d[key] !== null && d[key] !== undefined) o.default(d[key])
    cmd.addOption(o)
  }
  return cmd
}

/** What a setting takes, in words (for the refusal of a value out of range). */
function takes(key: keyof TrainSettings): string {
  const t = core(key)
  if (!(t instanceof z.ZodNumber)) return 'a valid value'
  // the schema's real-valued settings (margin, temperature) are positive: their lower bound is exclusive
  return t.isInt ? `a whole number from ${t.minValue} to ${t.maxValue}` : `a number above ${t.minValue} up to ${t.maxValue}`
}

/** The settings the options give, checked by the schema: a refusal names the flag, what it takes and what it got. */
export function settingsFromOptions(o: Record<string, unknown>): TrainSettings {
  const input = Object.fromEntries(KEYS.flatMap((k) => (o[attributeOf(k)] === undefined ? [] : [[k, o[attributeOf(k)]]])))
  const r = TrainSettingsSchema.safeParse(input)
  if (r.success) return r.data
  const issue = r.error.issues[0]
  const key = issue.path[0] as keyof TrainSettings
  const flag = TRAIN_FLAGS[key].split(' ')[0]
  if (core(key) instanceof z.ZodNumber) throw new Error(`${flag} takes ${takes(key)}, got '${String(input[key])}'`)
  throw new Error(`${flag}: ${issue.message}, got '${String(input[key])}'`)
}
