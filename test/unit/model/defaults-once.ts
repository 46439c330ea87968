/**
 * Where each surface's training defaults come from, compared with the one train-spec schema
 * (src-shared/contract/train-spec.ts): `ser train`'s options (defaults and help), the Train
 * form's initial values and the request it sends, the server's request schema, the engine's
 * run spec and phase configurations, and the grid's training lengths. Returns the mismatches.
 */
import { Command } from 'commander'
import type { z } from 'zod'
import { register } from '../../../src-main/cli/commands/train'
import { settingsFromOptions, TRAIN_FLAGS } from '../../../src-main/cli/commands/train-options'
import { modelsRouter } from '../../../src-main/api/routers/models'
import { defaultArchitecture } from '../../../src-main/services/model/networks'
import { finetuneOverrides, pretrainConfig, specLoss, TrainSpecSchema } from '../../../src-main/services/model/run'
import { finetuneConfig } from '../../../src-main/services/model/train'
import { initialTrainForm, trainRequestOf } from '../../../src-renderer/src/components/train/train-form'
import { ExperimentConfigSchema } from '../../../src-shared/contract/experiments'
import {
  finetuneEpochsOf,
  PHASE_DEFAULTS,
  trainDefaults,
  TrainRequestSchema,
  TrainSettingsSchema,
  type TrainSettings,
} from '../../../src-shared/contract/train-spec'

type Key = keyof TrainSettings

/** JSON with sorted keys (absent and undefined alike). */
const canon = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x,
  )

export function defaultMismatches(): string[] {
  const d = trainDefaults()
  const out: string[] = []
  const same = (what: string, got: unknown, want: unknown) => {
    if (canon(got) !== canon(want)) out.push(`${what}: ${canon(got)}, the schema says ${canon(want)}`)
  }

  // ser train: each option's default and help are the schema's, and its defaults parse to the schema's settings
  const program = new Command()
  register(program)
  const train = program.commands.find((c) => c.name() === 'train')!
  const given: Record<string, unknown> = {}
  for (const key of Object.keys(TRAIN_FLAGS) as Key[]) {
    const o = train.options.find((x) => x.long === TRAIN_FLAGS[key].split(' ')[0])
    if (!o) {
      out.push(`ser train has no option for ${key}`)
      continue
    }
    same(`ser train ${o.long} default`, o.defaultValue, key === 'source' || d[key] === null ? undefined : d[key])
    same(`ser train ${o.long} help`, o.description, TrainSettingsSchema.shape[key].description)
    given[o.attributeName()] = o.defaultValue
  }
  same('ser train settings', settingsFromOptions({ ...given, source: d.source }), d)

  // the Train form: its initial values and what Start sends
  const form = initialTrainForm()
  const fromForm: Record<string, unknown> = { ...form, target: form.target || null }
  for (const key of Object.keys(form) as (keyof typeof form)[]) {
    if (key === 'source') continue
    same(`Train form ${key}`, fromForm[key], key === 'finetuneEpochs' ? finetuneEpochsOf(d) : d[key])
  }
  same('Train form request', TrainRequestSchema.parse(trainRequestOf({ ...form, source: d.source })), { ...d, finetuneEpochs: finetuneEpochsOf(d) })

  // the server's request is the schema's
  const inputs = (modelsRouter._def as unknown as { procedures: Record<string, { _def: { inputs: z.ZodType[] } }> }).procedures.train._def.inputs
  same('models.train input is TrainRequestSchema', inputs.length === 1 && inputs[0] === TrainRequestSchema, true)

  // the engine: the run spec's defaults, and each phase's configuration for them
  const { workspace, out: dir, createdAt, ...spec } = TrainSpecSchema.parse({ source: d.source, workspace: '/w', out: '/o' })
  same('engine run spec', { workspace, dir, createdAt, ...spec }, { workspace: '/w', dir: '/o', createdAt: undefined, ...d })
  const arch = defaultArchitecture(d.arch, d.arch === 'mlp' ? [88] : [100, 40])
  const pre = pretrainConfig(spec, arch)
  const P = PHASE_DEFAULTS.pretrain
  const loss = specLoss(spec)
  same('engine pre-training', pre, { ...pre, ...P, epochs: d.epochs, stepsPerEpoch: d.stepsPerEpoch, seed: d.seed, loss })
  const ft = finetuneConfig(arch, { loss, seed: spec.seed, frozenLayers: spec.frozenLayers, overrides: finetuneOverrides(spec) })
  same('engine fine-tuning', ft, { ...ft, ...PHASE_DEFAULTS.finetune, epochs: finetuneEpochsOf(d), seed: d.seed, frozenLayers: d.frozenLayers, loss })

  // the grid's training lengths default to the engine's phases
  const g = ExperimentConfigSchema.parse({ sources: [{ name: 's', ref: 's' }], target: { name: 't', ref: 't' } })
  const F = PHASE_DEFAULTS.finetune
  same('grid lengths', [g.pretrainEpochs, g.stepsPerEpoch, g.finetuneEpochs, g.finetuneSteps], [P.epochs, P.stepsPerEpoch, F.epochs, F.stepsPerEpoch])
  return out
}
