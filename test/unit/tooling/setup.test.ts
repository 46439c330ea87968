/** `npm run setup`: installs with apt on Debian/Ubuntu, prints the commands elsewhere. */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const script = path.resolve(__dirname, '../../../scripts/setup.mjs')
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' })
  return { status: r.status, text: `${r.stdout}${r.stderr}` }
}

describe('npm run setup', () => {
  it('on Debian, installs exactly the packages dpkg does not have (dry run)', () => {
    const wanted = [
      'chromium',
      'espeak-ng',
      'sox',
      'libsox-fmt-all',
      'ffmpeg',
      'praat',
      'slurmctld',
      'slurmd',
      'slurm-client',
      'munge',
      'python3-torch',
      'libopenblas0-pthread',
      'asterisk-core-sounds-en-wav',
      'asterisk-core-sounds-en-g722',
      'xvfb',
      'xauth',
    ]
    const missing = wanted.filter((p) => !/install ok installed/.test(spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' }).stdout ?? ''))
    const r = run('--dry-run', '--os', 'debian')
    expect(r.status).toBe(0)
    if (missing.length) expect(r.text).toContain(`apt-get install -y -qq --no-install-recommends ${missing.join(' ')}`)
    else expect(r.text).toBe('setup: every system package is installed.\n')
  })

  it.each([
    ['macos', /brew install espeak-ng sox ffmpeg stress-ng llvm lld\n\s+brew install --cask chromium praat/],
    ['fedora', /dnf install -y chromium espeak-ng sox ffmpeg-free praat slurm slurm-slurmctld slurm-slurmd munge python3-torch/],
    ['windows', /winget install Gyan\.FFmpeg/],
  ])('on %s, prints the commands to run and installs nothing', (os, expected) => {
    const r = run('--os', os)
    expect(r.status).toBe(0)
    expect(r.text).toContain(`npm run setup installs packages only on Debian/Ubuntu. On this machine (${os}) run:`)
    expect(r.text).toMatch(expected)
  })
})
