/**
 * A corpus never reaches outside its folder: manifest paths must be relative, stay
 * inside and name regular files; the folder walk lists links only when they resolve
 * inside, and refuses devices, FIFOs and links out with a reason; reasons never quote
 * a file's bytes.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir, tempWorkspace } from '../../helpers/workspace'
import { tearDown } from '../../helpers/lifecycle'
import { closeImportPool, importCorpus, listTree, relinkDataset } from '../../../src-main/services/corpus/index'
import { encodeWav16 } from '../../../src-main/services/audio/index'

let ws: ReturnType<typeof tempWorkspace>
let root: string
let outside: string
const wav = encodeWav16(Float32Array.from({ length: 1600 }, (_, i) => 0.3 * Math.sin(i / 3)), 16000)
const wav2 = encodeWav16(Float32Array.from({ length: 1600 }, (_, i) => 0.3 * Math.sin(i / 7)), 16000)

function write(p: string, b: Uint8Array | string) {
  fs.mkdirSync(path.dirname(p), { recursive: true })
  fs.writeFileSync(p, b)
}

beforeAll(() => {
  ws = tempWorkspace()
  root = tempDir('ser-paths-')
  outside = tempDir('ser-paths-out-')
  write(path.join(outside, 'secret.wav'), wav2)
  write(path.join(root, 'audio', 'a.wav'), wav)
  fs.symlinkSync(path.join(root, 'audio', 'a.wav'), path.join(root, 'audio', 'link-in.wav'))
  fs.symlinkSync(path.join(outside, 'secret.wav'), path.join(root, 'audio', 'link-out.wav'))
  fs.symlinkSync(outside, path.join(root, 'audio', 'dir-out'))
  fs.symlinkSync('/dev/zero', path.join(root, 'audio', 'zero.wav'))
  execFileSync('mkfifo', [path.join(root, 'audio', 'fifo.wav')])
  write(path.join(root, 'audio', 'junk.wav'), 'SECRETBYTES-in-a-junk-file')
  fs.mkdirSync(path.join(root, 'audio', 'folder.wav'))
})

afterAll(() => tearDown({ pools: [closeImportPool], ws, dirs: [root, outside] }))

describe('manifest paths', () => {
  it('are relative, inside the corpus folder and regular files; anything else is rejected with the reason', async () => {
    const rows = [
      'path,label,speaker',
      'audio/a.wav,happy,s1',
      'audio/link-in.wav,sad,s1', // same bytes as a.wav: a duplicate, but allowed as a path
      `${path.join(outside, 'secret.wav')},angry,s2`,
      '../' + path.basename(outside) + '/secret.wav,angry,s2',
      'audio/../../x.wav,angry,s2',
      'C:\\corpus\\x.wav,angry,s2',
      '/dev/zero,angry,s2',
      'audio/zero.wav,angry,s2',
      'audio/fifo.wav,angry,s2',
      'audio/link-out.wav,angry,s2',
      'audio/dir-out/secret.wav,angry,s2',
      'audio/folder.wav,angry,s2',
      'audio/junk.wav,angry,s2',
    ]
    write(path.join(root, 'labels.csv'), rows.join('\n') + '\n')
    // a FIFO is never opened: opening it would block this import until the test's own timeout fails it
    const r = await importCorpus(ws, root, { name: 'paths', layout: 'manifest' })
    const reason = (p: string) => r.rejected.find((x) => x.path === p)?.reason ?? `(not rejected: ${p})`
    expect(r.added).toBe(1)
    expect(reason(path.join(outside, 'secret.wav'))).toMatch(/line 4: path .* is absolute; manifest paths must be relative to the corpus folder/)
    expect(reason(`../${path.basename(outside)}/secret.wav`)).toMatch(/line 5: path .* leads out of the corpus folder/)
    expect(reason('audio/../../x.wav')).toMatch(/leads out of the corpus folder/)
    expect(reason('C:/corpus/x.wav')).toMatch(/is absolute/)
    expect(reason('/dev/zero')).toMatch(/is absolute/)
    expect(reason('audio/zero.wav')).toMatch(/symbolic link leading out of the corpus folder/)
    expect(reason('audio/fifo.wav')).toMatch(/line 10: path audio\/fifo.wav is not a regular file \(a FIFO\)/)
    expect(reason('audio/link-out.wav')).toMatch(/symbolic link leading out of the corpus folder/)
    expect(reason('audio/dir-out/secret.wav')).toMatch(/symbolic link leading out of the corpus folder/)
    expect(reason('audio/folder.wav')).toMatch(/not a regular file \(a folder\)/)
    // a link inside the folder is read; its bytes equal a.wav's, so one of the two is the duplicate
    expect(r.rejected.filter((x) => /^audio\/(a|link-in)\.wav$/.test(x.path) && /duplicate: same content/.test(x.reason))).toHaveLength(1)
    const junk = reason('audio/junk.wav')
    expect(junk).toMatch(/content is not a known audio format/)
    for (const x of r.rejected) expect(x.reason).not.toMatch(/SECRET|in-a-junk/)
    // nothing from outside entered the database
    const paths = ws.db.prepare('SELECT path FROM clips').pluck().all() as string[]
    expect(paths.every((p) => !p.startsWith(outside))).toBe(true)
  })
})

describe('folder walk', () => {
  it('lists links that resolve inside, refuses devices, FIFOs and links out, never follows folder links', () => {
    const t = listTree(root)
    expect(t.files).toContain('audio/a.wav')
    expect(t.files).toContain('audio/link-in.wav')
    expect(t.files).not.toContain('audio/link-out.wav')
    expect(t.files.some((f) => f.startsWith('audio/dir-out'))).toBe(false)
    const why = Object.fromEntries(t.refused.map((x) => [x.rel, x.reason]))
    expect(why['audio/link-out.wav']).toMatch(/symbolic link leading out of the corpus folder \(not followed\)/)
    expect(why['audio/dir-out']).toMatch(/symbolic link leading out of the corpus folder/)
    expect(why['audio/zero.wav']).toMatch(/symbolic link leading out/)
    expect(why['audio/fifo.wav']).toMatch(/not a regular file \(a FIFO\)/)
  })

  it('an import of the folder layout reports the refused entries as rejected', async () => {
    const dir = tempDir('ser-paths-folder-')
    write(path.join(dir, 'happy', 'ok.wav'), wav)
    fs.symlinkSync(path.join(outside, 'secret.wav'), path.join(dir, 'happy', 'out.wav'))
    execFileSync('mkfifo', [path.join(dir, 'sad', 'pipe.wav')].map((p) => (fs.mkdirSync(path.dirname(p), { recursive: true }), p)))
    const r = await importCorpus(ws, dir, { name: 'paths-folder', layout: 'folder' })
    expect(r.added).toBe(1)
    expect(r.rejected.map((x) => x.path).sort()).toEqual(['happy/out.wav', 'sad/pipe.wav'])
    // relinking to a folder where the clip is now a FIFO: reported missing, never opened (it would block)
    const moved = tempDir('ser-paths-moved-')
    fs.mkdirSync(path.join(moved, 'happy'))
    execFileSync('mkfifo', [path.join(moved, 'happy', 'ok.wav')])
    const rl = await relinkDataset(ws, r.datasetId, moved)
    expect(rl).toMatchObject({ relinked: 0, missing: ['happy/ok.wav'] })
    for (const d of [dir, moved]) fs.rmSync(d, { recursive: true, force: true })
  })
})
