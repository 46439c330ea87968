/** results.json / results.csv: schema, round trip, order, aggregation to mean, sd, n and a 95% interval, the Markdown table. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, describe, expect, it } from 'vitest'
import {
  aggregate,
  CSV_COLUMNS,
  markdownTable,
  readResults,
  recordsToCsv,
  RESULTS_FORMAT,
  validateRecord,
  writeResults,
} from '../../../src-main/services/experiment/index'
import { recordsFor, smallGrid } from './records'

const grid = smallGrid({ seeds: 2, pretrainSeeds: 3, shots: [1, 'all'], frozen: [0, 1] })
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ser-exp-results-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe('experiment results', () => {
  it('rejects a record that breaks the schema, naming the field', () => {
    const [r] = recordsFor(grid, () => 6)
    expect(validateRecord(JSON.parse(JSON.stringify(r)))).toEqual(r)
    expect(() => validateRecord({ ...r, uar: 1.5 })).toThrow(/invalid result record: uar/)
    expect(() => validateRecord({ ...r, method: 'svm' })).toThrow(/method/)
    const { n_test: _, ...missing } = r
    expect(() => validateRecord(missing)).toThrow(/n_test/)
  })

  it('writes results.json and results.csv with the same records, sorted by configuration, fold and seed', () => {
    const records = recordsFor(grid, (t) => (t.method === 'finetune' ? 9 + t.fold : 6)).reverse()
    writeResults(tmp, records, { config: { note: 'x' } })
    const json = JSON.parse(fs.readFileSync(path.join(tmp, 'results.json'), 'utf8'))
    expect(json.format).toBe(RESULTS_FORMAT)
    expect(json.config).toEqual({ note: 'x' })
    const back = readResults(tmp)
    expect(back).toHaveLength(records.length)
    expect(back[0].method).toBe('softmax')
    expect(back.at(-1)!.method).toBe('recommended')
    const rows = parse(fs.readFileSync(path.join(tmp, 'results.csv'), 'utf8'), { columns: true }) as Record<string, string>[]
    expect(Object.keys(rows[0])).toEqual([...CSV_COLUMNS])
    expect(rows).toHaveLength(back.length)
    rows.forEach((row, i) => {
      const r = back[i]
      expect(row.method).toBe(r.method)
      expect(row.source).toBe(r.source ?? '')
      expect(row.frozen).toBe(r.frozen === null ? '' : String(r.frozen))
      expect(row.shots).toBe(String(r.shots))
      expect(Number(row.uar)).toBe(r.uar)
      expect(row.classes.split(';')).toEqual(r.classes)
      expect(row.test_speakers.split(';')).toEqual(r.speakers.test)
      expect(row.pretrain_speakers).toBe(r.speakers.pretrain.join(';'))
      expect(row.pretrain_seed).toBe(r.pretrain_seed === null ? '' : String(r.pretrain_seed))
      expect(JSON.parse(row.confusion)).toEqual(r.confusion)
    })
  })

  it('aggregates mean, sample sd and n; over 2 folds no interval but the value of each fold', () => {
    const records = recordsFor(grid, (t) => (t.method === 'finetune' ? 6 + 3 * t.fold : 6))
    const rows = aggregate(records)
    const ft = rows.find(
      (r) => r.method === 'finetune' && r.frozen === 1 && r.shots === 'all' && r.pretrain_loss === 'distance' && r.finetune_loss === 'distance',
    )!
    // folds 0 and 1 give UAR 0.5 and 0.75, each with 3 pre-training seeds x 2 draws
    expect(ft.uar.mean).toBeCloseTo(0.625, 12)
    expect(ft.uar.n).toBe(12)
    expect(ft.uar.ci).toBeNull()
    expect(ft.uar.note).toMatch(/too few folds for an interval: 2 fold/)
    expect(ft.uar.perUnit).toEqual([{ unit: 'fold 0', value: 0.5 }, { unit: 'fold 1', value: 0.75 }])
    const md = markdownTable(rows).split('\n')
    expect(md[0]).toBe('| method | source | pre-train loss | fine-tune loss | frozen | shots | accuracy % | UAR % [95% CI] | macro-F1 % | n |')
    expect(md).toHaveLength(rows.length + 2)
    expect(
      md.find((l) =>
        l.startsWith(
          '| finetune | cremad | distance | distance | 1 | all | 62.5 | ' +
            '62.5 (too few folds for an interval: 2 fold(s), at least 5 needed; fold 0: 50.0, fold 1: 75.0) |',
        ),
      ),
    ).toBeTruthy()
  })

  it('aggregates a 95% interval from 5 folds and 5 bases on', () => {
    const records = recordsFor({ ...grid, folds: 5, pretrainSeeds: 5, losses: ['distance'] }, (t) => (t.method === 'finetune' ? 6 + t.fold : 6))
    const ft = aggregate(records).find((r) => r.method === 'finetune' && r.frozen === 1 && r.shots === 'all')!
    expect(ft.uar.note).toBeNull()
    expect(ft.uar.ci![0]).toBeGreaterThanOrEqual(0.5)
    expect(ft.uar.ci![1]).toBeLessThanOrEqual(10 / 12 + 1e-9)
    expect(ft.uar.ci![1] - ft.uar.ci![0]).toBeGreaterThan(0)
  })

  it('a CSV cell with a comma or quote survives the round trip', () => {
    const [r] = recordsFor(grid, () => 6)
    const csv = recordsToCsv([{ ...r, speakers: { ...r.speakers, test: ['a,"b"', 'c'] } }])
    const [row] = parse(csv, { columns: true }) as Record<string, string>[]
    expect(row.test_speakers).toBe('a,"b";c')
  })
})
