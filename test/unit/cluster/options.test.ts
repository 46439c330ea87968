import { describe, expect, it } from 'vitest'
import { arraySpec, parseArraySpec, parseSlurmOptions } from '../../../src-main/services/cluster/options'
import { renderStageScript, sbatchDirectives, shellQuote } from '../../../src-main/services/cluster/scripts'
import { classify, parseStateLines, type ElementInfo } from '../../../src-main/services/cluster/queue'
import { elementTasks, latestCover, type Submission } from '../../../src-main/services/cluster/record'

describe('Slurm array specs', () => {
  it('collapses runs and appends the limit', () => {
    expect(arraySpec([0, 1, 2, 3])).toBe('0-3')
    expect(arraySpec([9, 3, 7, 10, 11, 3])).toBe('3,7,9-11')
    expect(arraySpec([5], 4)).toBe('5%4')
    expect(arraySpec([0, 1, 2, 4], 2)).toBe('0-2,4%2')
    expect(() => arraySpec([])).toThrow(/at least one index/)
  })
  it('reads back what Slurm prints', () => {
    expect(parseArraySpec('[0-3%2]')).toEqual([0, 1, 2, 3])
    expect(parseArraySpec('3,7,9-11')).toEqual([3, 7, 9, 10, 11])
    expect(parseArraySpec('0-6:3')).toEqual([0, 3, 6])
    for (const list of [[0], [1, 2, 5, 6, 7, 20], [4, 8, 9]]) expect(parseArraySpec(arraySpec(list, 3))).toEqual(list)
    expect(() => parseArraySpec('a-b')).toThrow(/not a Slurm array index list/)
  })
})

describe('parseSlurmOptions', () => {
  it('accepts the usual forms and normalises memory', () => {
    expect(parseSlurmOptions({ partition: 'gpu', time: '1-02:00:00', cpus: '4', mem: '8g', gpus: 'a100:1', arrayLimit: '20' })).toEqual({
      partition: 'gpu', time: '1-02:00:00', cpus: 4, mem: '8G', gpus: 'a100:1', arrayLimit: 20, tasksPerJob: 1,
    })
    expect(parseSlurmOptions({})).toEqual({ cpus: 1, tasksPerJob: 1 })
  })
  it('names the bad option', () => {
    expect(() => parseSlurmOptions({ cpus: '0' })).toThrow(/--cpus: expected a positive whole number, got '0'/)
    expect(() => parseSlurmOptions({ time: '2 hours' })).toThrow(/--time/)
    expect(() => parseSlurmOptions({ mem: '8GB' })).toThrow(/--mem/)
    expect(() => parseSlurmOptions({ gpus: '0' })).toThrow(/--gpus/)
    expect(() => parseSlurmOptions({ partition: 'a b' })).toThrow(/--partition/)
    expect(() => parseSlurmOptions({ arrayLimit: '1.5' })).toThrow(/--array-limit/)
    expect(() => parseSlurmOptions({ jobsPerStage: '-1' })).toThrow(/--jobs-per-stage/)
    expect(() => parseSlurmOptions({ extra: ['account=x'] })).toThrow(/--sbatch/)
  })
})

describe('stage scripts', () => {
  const o = parseSlurmOptions({ partition: 'short', time: '30', cpus: 2, mem: '4G', gpus: 1, arrayLimit: 8, tasksPerJob: 3, extra: ['--account=lab'] })
  const rt = { node: '/opt/node 20/bin/node', repo: '/home/me/ser' }
  it('asks for what was given, logs under DIR/slurm/logs, and runs the tasks of its element', () => {
    const stage = { stage: 'evaluate', taskCount: 10, elements: [0, 2, 3], elementCount: 4 }
    const text = renderStageScript('/scratch/plan', stage, o, rt)
    const directives = text.split('\n').filter((l) => l.startsWith('#SBATCH ')).map((l) => l.slice(8))
    expect(directives).toEqual(sbatchDirectives('/scratch/plan', stage, o))
    expect(directives).toEqual(expect.arrayContaining([
      '--array=0,2-3%8', '--cpus-per-task=2', '--partition=short', '--time=30', '--mem=4G', '--gpus=1', '--account=lab',
      '--output=/scratch/plan/slurm/logs/evaluate-%A_%a.out', '--kill-on-invalid-dep=yes',
    ]))
    expect(text).toContain(`NODE='/opt/node 20/bin/node'`)
    expect(text).toContain('REPO=/home/me/ser')
    expect(text).toContain('export SER_TRAIN_THREADS=${SLURM_CPUS_PER_TASK:-2}')
    expect(text).toMatch(/experiment task "\$PLAN" --stage "\$STAGE" --shard "\$\(\( SLURM_ARRAY_TASK_ID \+ 1 \)\)\/\$ELEMENTS"/)
    const single = renderStageScript('/scratch/plan', { ...stage, elementCount: 10 }, o, rt)
    expect(single).toMatch(/experiment task "\$PLAN" --stage "\$STAGE" --index "\$SLURM_ARRAY_TASK_ID"$/m)
  })
  it('quotes for bash', () => {
    expect(shellQuote('/a/b-c_d.e')).toBe('/a/b-c_d.e')
    expect(shellQuote(`it's here`)).toBe(`'it'\\''s here'`)
  })
})

describe('Slurm states', () => {
  it('classifies and expands squeue/sacct lines', () => {
    expect(classify('CANCELLED by 0')).toBe('failed')
    expect(classify('PENDING')).toBe('queued')
    expect(classify('COMPLETING')).toBe('running')
    expect(classify('COMPLETED')).toBe('completed')
    expect(classify('OUT_OF_MEMORY')).toBe('failed')
    const m = new Map<string, ElementInfo>()
    parseStateLines('12_3|RUNNING|None\n12_[4-6%2]|PENDING|JobArrayTaskLimit\n12|PENDING|x\n12_3.batch|COMPLETED|0:0\n', m, true)
    expect([...m.keys()].sort()).toEqual(['12_3', '12_4', '12_5', '12_6'])
    expect(m.get('12_5')).toEqual({ state: 'queued', slurmState: 'PENDING', reason: 'JobArrayTaskLimit' })
    parseStateLines('12_3|COMPLETED|0:0\n12_7|TIMEOUT|0:0', m, false)
    expect(m.get('12_3')!.state).toBe('running') // squeue's live answer wins over sacct's
    expect(m.get('12_7')!.slurmState).toBe('TIMEOUT')
  })
  it('maps array elements back to stage tasks, the latest submission winning', () => {
    const sub = (jobId: string, elements: number[], elementCount: number): Submission => ({
      jobId,
      stage: 'evaluate',
      submittedAt: '',
      elements,
      elementCount,
      tasksPerJob: Math.ceil(7 / elementCount),
      taskCount: 7,
      dependsOn: [],
      script: '',
      argv: [],
    })
    expect(elementTasks({ elementCount: 3, taskCount: 7 }, 0)).toEqual([0, 3, 6])
    expect(elementTasks({ elementCount: 3, taskCount: 7 }, 2)).toEqual([2, 5])
    const cover = latestCover([sub('10', [0, 1, 2], 3), sub('11', [1], 7)], 'evaluate')
    expect([...cover.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(cover.get(1)).toMatchObject({ element: 1, sub: { jobId: '11' } })
    expect(cover.get(4)).toMatchObject({ element: 1, sub: { jobId: '10' } })
  })
})
