import type { Command } from 'commander'
import { resolveDataset } from '../../services/model/data'
import { datasetSpeech, setDatasetSpeech } from '../../services/store/dataset-speech'
import { SPEECH_WORDS, SpeechOriginSchema } from '../../../src-shared/corpus-mark'
import { output, withWorkspace, type GlobalOptions } from '../context'

const HOW = { mark: "from the folder's ser-corpus.json mark", unmarked: 'no mark in the folder: taken as recorded', user: 'set by a person' } as const

/** `ser speech <dataset> [generated|recorded|unknown]`: shows or sets whether a dataset's audio is generated or recorded (docs/corpora.md). */
export function register(program: Command): void {
  program
    .command('speech <dataset> [origin]')
    .description("show or set whether a dataset's audio is generated or recorded speech: generated, recorded or unknown")
    .action(async (dataset: string, origin: string | undefined, _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>()
      await withWorkspace(opts, async (ws) => {
        const ds = resolveDataset(ws, dataset)
        if (origin !== undefined) {
          const r = SpeechOriginSchema.safeParse(origin)
          if (!r.success) throw new Error(`speech: '${origin}' is not one of generated, recorded, unknown`)
          setDatasetSpeech(ws, ds.id, r.data, 'user')
        }
        const s = datasetSpeech(ws, ds.id)
        output(opts, { dataset: s.name, speech: s.speech, speechSource: s.speechSource, speakers: s.speakers }, () =>
          `${s.name}: ${SPEECH_WORDS[s.speech]} (${s.speechSource ? HOW[s.speechSource] : 'not stated'}), ${s.speakers} speakers`,
        )
      })
    })
}
