/** A model folder as training leaves it (the shipped card under another name, and a profile naming it), for the registry tests. */
import fs from 'node:fs'
import path from 'node:path'
import { defaultModelDir } from '../../../src-main/services/model/default-model'
import type { ModelCardData } from '../../../src-main/services/model/types'

export const card = (name: string) => ({ ...(JSON.parse(fs.readFileSync(path.join(defaultModelDir(), 'card.json'), 'utf8')) as ModelCardData), name })

export function modelDir(root: string, sub: string, name: string): string {
  const dir = path.join(root, sub)
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'card.json'), JSON.stringify(card(name)))
  fs.writeFileSync(path.join(dir, 'profile.json'), JSON.stringify({ format: 'ser-profile/1', model: name }))
  return dir
}
