/**
 * Training checkpoints: one file, written to a temporary name, fsynced and renamed,
 * so a kill at any moment leaves either the previous checkpoint or the new one.
 * Layout: 'SERCKPT1' | u32 header length | JSON header | float32 tensor data.
 */
import fs from 'node:fs'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { writeAtomic } from './storage'

const MAGIC = 'SERCKPT1'
export const CHECKPOINT_FILE = 'checkpoint.bin'

export interface CheckpointState {
  /** Identifies the run's configuration; a checkpoint of another configuration is not resumed. */
  configKey: string
  /** Epochs completed. */
  epoch: number
  rngState: object
  history: unknown[]
  best: { epoch: number; valAccuracy: number; valLoss: number } | null
  sinceBest: number
}

export interface CheckpointTensors {
  weights: tf.Tensor[]
  bestWeights: tf.Tensor[] | null
  optimizer: { name: string; tensor: tf.Tensor }[]
  /** The trainable weights when the phase began (diagnostics' weight_change); absent in older checkpoints. */
  phaseStart?: tf.Tensor[]
}

export async function saveCheckpoint(dir: string, state: CheckpointState, t: CheckpointTensors): Promise<void> {
  fs.mkdirSync(dir, { recursive: true })
  const groups: Record<string, { name: string; shape: number[] }[]> = { weights: [], bestWeights: [], optimizer: [], phaseStart: [] }
  const arrays: Float32Array[] = []
  const add = (group: string, name: string, x: tf.Tensor) => {
    groups[group].push({ name, shape: x.shape })
    arrays.push(x.dataSync() as Float32Array)
  }
  t.weights.forEach((w, i) => add('weights', String(i), w))
  t.bestWeights?.forEach((w, i) => add('bestWeights', String(i), w))
  t.optimizer.forEach((w) => add('optimizer', w.name, w.tensor))
  t.phaseStart?.forEach((w, i) => add('phaseStart', String(i), w))
  const header = Buffer.from(JSON.stringify({ state, groups, hasBest: t.bestWeights !== null }))
  const total = arrays.reduce((s, a) => s + a.length, 0)
  const data = new Float32Array(total)
  let off = 0
  for (const a of arrays) {
    data.set(a, off)
    off += a.length
  }
  const len = Buffer.alloc(4)
  len.writeUInt32LE(header.length)
  writeAtomic(path.join(dir, CHECKPOINT_FILE), Buffer.concat([Buffer.from(MAGIC), len, header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]))
}

export function loadCheckpoint(dir: string): { state: CheckpointState; tensors: CheckpointTensors } | null {
  const file = path.join(dir, CHECKPOINT_FILE)
  if (!fs.existsSync(file)) return null
  const buf = fs.readFileSync(file)
  if (buf.subarray(0, 8).toString() !== MAGIC) throw new Error(`not a training checkpoint: ${file}`)
  const hlen = buf.readUInt32LE(8)
  const header = JSON.parse(buf.subarray(12, 12 + hlen).toString()) as {
    state: CheckpointState
    groups: Record<string, { name: string; shape: number[] }[]>
    hasBest: boolean
  }
  const dataStart = 12 + hlen
  const bytes = buf.subarray(dataStart)
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
  let off = 0
  const take = (shape: number[]) => {
    const n = shape.reduce((p, q) => p * q, 1)
    if (off + n > data.length) throw new Error(`training checkpoint is truncated: ${file}`)
    const t = tf.tensor(data.subarray(off, off + n), shape)
    off += n
    return t
  }
  const weights = header.groups.weights.map((g) => take(g.shape))
  const best = header.groups.bestWeights.map((g) => take(g.shape))
  const optimizer = header.groups.optimizer.map((g) => ({ name: g.name, tensor: take(g.shape) }))
  const phaseStart = (header.groups.phaseStart ?? []).map((g) => take(g.shape))
  return { state: header.state, tensors: { weights, bestWeights: header.hasBest ? best : null, optimizer, ...(phaseStart.length ? { phaseStart } : {}) } }
}

export function removeCheckpoint(dir: string): void {
  fs.rmSync(path.join(dir, CHECKPOINT_FILE), { force: true })
}
