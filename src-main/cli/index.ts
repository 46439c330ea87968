/**
 * `ser`: the researcher's door to the same services the app uses, no UI.
 * Each command lives in commands/<name>.ts and registers itself here.
 */
import { Command, CommanderError } from 'commander'
import * as doctor from './commands/doctor'
import * as importCmd from './commands/import'
import * as synth from './commands/synth'
import * as split from './commands/split'
import * as labelRule from './commands/label-rule'
import * as speech from './commands/speech'
import * as features from './commands/features'
import * as train from './commands/train'
import * as evaluate from './commands/evaluate'
import * as predict from './commands/predict'
import * as experiment from './commands/experiment'

const COMMANDS: { register(program: Command): void }[] = [
  doctor,
  importCmd,
  synth,
  split,
  labelRule,
  speech,
  features,
  train,
  evaluate,
  predict,
  experiment,
]

export function buildProgram(): Command {
  const program = new Command()
  program
    .name('ser')
    .description('Speech emotion recognition with little labelled data (Siamese transfer learning)')
    .option('-w, --workspace <dir>', 'workspace folder (default: $SER_WORKSPACE or ~/.local/share/siamese-ser/workspace)')
    .option('--json', 'print machine-readable JSON on stdout')
    .showHelpAfterError()
  for (const c of COMMANDS) c.register(program)
  return program
}

export async function main(argv = process.argv): Promise<void> {
  const program = buildProgram().exitOverride()
  try {
    await program.parseAsync(argv)
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode
      return
    }
    process.stderr.write(`ser: ${(err as Error).message}\n`)
    process.exitCode = 1
  }
}

const invokedDirectly = process.argv[1] && /cli[\\/]index\.(ts|js|mjs)$/.test(process.argv[1])
if (invokedDirectly) void main()
