/**
 * The system tools this project uses, what each is for, and how to install it on each
 * kind of machine. One table read by the preflight (scripts/preflight.mjs) and by
 * `npm run setup` (scripts/setup.mjs), so the message and the installer never disagree.
 * Plain JS with no dependencies: it runs before `npm ci`.
 */
import fs from 'node:fs'

/** Package names per package manager; `null` means no package: `page` says where to get it. */
export const TOOLS = {
  chromium: {
    purpose: 'the browser the end-to-end tests drive (Playwright never downloads one)',
    apt: ['chromium'],
    dnf: ['chromium'],
    brew: ['--cask', 'chromium'],
    winget: ['Hibbiki.Chromium'],
    choco: ['chromium'],
    after: 'outside Linux the browser is not on PATH: set SER_CHROMIUM to its executable',
  },
  'espeak-ng': {
    purpose: 'speech for the generated test corpora (`ser synth`)',
    apt: ['espeak-ng'],
    dnf: ['espeak-ng'],
    brew: ['espeak-ng'],
    winget: null,
    choco: null,
    page: 'https://github.com/espeak-ng/espeak-ng/releases',
  },
  sox: {
    purpose: 'effects and FLAC/MP3/Ogg copies of the generated test audio',
    apt: ['sox', 'libsox-fmt-all'],
    dnf: ['sox'],
    brew: ['sox'],
    winget: ['ChrisBagwell.SoX'],
    choco: ['sox.portable'],
  },
  ffmpeg: {
    purpose: 'AVI muxing for eNTERFACE-layout test clips, and decoding compressed AVI audio',
    apt: ['ffmpeg'],
    dnf: ['ffmpeg-free'],
    brew: ['ffmpeg'],
    winget: ['Gyan.FFmpeg'],
    choco: ['ffmpeg'],
  },
  praat: {
    purpose: 'the reference measurements of pitch, jitter, shimmer, HNR and formants',
    apt: ['praat'],
    dnf: ['praat'],
    brew: ['--cask', 'praat'],
    winget: null,
    choco: null,
    page: 'https://www.fon.hum.uva.nl/praat/',
  },
  slurm: {
    purpose: 'the Slurm cluster test (a one-node cluster started by the test)',
    binaries: ['slurmctld', 'slurmd', 'sbatch', 'sinfo', 'munged', 'mungekey'],
    apt: ['slurmctld', 'slurmd', 'slurm-client', 'munge'],
    dnf: ['slurm', 'slurm-slurmctld', 'slurm-slurmd', 'munge'],
    brew: null,
    winget: null,
    choco: null,
    page: 'https://slurm.schedmd.com/download.html (Linux only; on Windows use WSL with Debian)',
  },
  'python3-torch': {
    purpose:
      'PyTorch, the training-speed reference of `npm run bench` (run by /usr/bin/python3), with an optimised BLAS (OpenBLAS): ' +
      'the bench refuses a reference BLAS',
    apt: ['python3-torch', 'libopenblas0-pthread'],
    dnf: ['python3-torch', 'openblas-threads'],
    brew: null,
    winget: null,
    choco: null,
    page: 'https://pytorch.org/get-started/locally/ (install it for the python3 that `npm run bench` runs)',
  },
  'stress-ng': {
    purpose: 'two CPU-bound processes beside the end-to-end specs that once failed on a busy machine (`npm test` runs them twice under that load)',
    apt: ['stress-ng'],
    dnf: ['stress-ng'],
    brew: ['stress-ng'],
    winget: null,
    choco: null,
    page: 'https://github.com/ColinIanKing/stress-ng (Linux; on Windows use WSL with Debian)',
  },
  'asterisk-sounds': {
    purpose: "real human speech for the unfamiliar-input tests and bench: one speaker's telephone prompts, 8 kHz WAV and 16 kHz G.722 (decoded with ffmpeg)",
    files: ['/usr/share/asterisk/sounds/en_US_f_Allison/activated.wav', '/usr/share/asterisk/sounds/en_US_f_Allison/activated.g722'],
    apt: ['asterisk-core-sounds-en-wav', 'asterisk-core-sounds-en-g722'],
    dnf: null,
    brew: null,
    winget: null,
    choco: null,
    page:
      'https://downloads.asterisk.org/pub/telephony/sounds/ (asterisk-core-sounds-en-wav-current and -g722-current; ' +
      'unpack both into one folder and set SER_ASTERISK_SOUNDS to it)',
  },
  'wasm-toolchain': {
    purpose:
      'clang and wasm-ld, which compile the WebAssembly kernels (the eGeMAPS kernels in src-main/services/features/wasm/*.c, ' +
      'the MLP training step in src-main/services/engine/wasm/*.c): `npm run build:wasm`, and the unit tests that fail when a committed module is stale',
    binaries: ['clang', 'wasm-ld'],
    apt: ['clang', 'lld'],
    dnf: ['clang', 'lld'],
    brew: ['llvm', 'lld'],
    winget: ['LLVM.LLVM'],
    choco: ['llvm'],
  },
  // Headed Electron runs where an Electron binary exists; not checked by the preflight.
  xvfb: {
    purpose: 'a display for headed Electron test runs',
    apt: ['xvfb', 'xauth'],
    dnf: ['xorg-x11-server-Xvfb'],
    brew: null,
    winget: null,
    choco: null,
    page: 'not needed outside Linux',
  },
}

/** What each command needs. `start` needs no system tool: see preflight.mjs for what it checks. */
export const NEEDS = {
  test: ['chromium', 'espeak-ng', 'sox', 'ffmpeg', 'praat', 'slurm', 'asterisk-sounds', 'stress-ng', 'wasm-toolchain'],
  'test:unit': ['espeak-ng', 'sox', 'ffmpeg', 'praat', 'slurm', 'asterisk-sounds', 'wasm-toolchain'],
  bench: ['espeak-ng', 'sox', 'ffmpeg', 'praat', 'python3-torch', 'asterisk-sounds'],
  start: [],
}

/** Tools the app uses for some tasks only: named as a note by the start preflight, never a stop. */
export const OPTIONAL_AT_RUN_TIME = {
  ffmpeg: 'importing eNTERFACE\'05 (its AVI audio is compressed)',
  'espeak-ng': '`ser synth` (generated corpora)',
  sox: '`ser synth` (generated corpora)',
}

/** The machine's package manager: debian (apt), fedora (dnf), macos (brew), windows (winget/choco), or other. */
export function detectOs(platform = process.platform, osRelease = readOsRelease()) {
  if (platform === 'darwin') return 'macos'
  if (platform === 'win32') return 'windows'
  if (platform !== 'linux') return 'other'
  const ids = `${osRelease.ID ?? ''} ${osRelease.ID_LIKE ?? ''}`.toLowerCase().split(/\s+/)
  if (ids.some((id) => ['debian', 'ubuntu'].includes(id))) return 'debian'
  if (ids.some((id) => ['fedora', 'rhel', 'centos'].includes(id))) return 'fedora'
  return 'other'
}

function readOsRelease() {
  try {
    const text = fs.readFileSync('/etc/os-release', 'utf8')
    return Object.fromEntries(text.split('\n').filter((l) => l.includes('=')).map((l) => {
      const i = l.indexOf('=')
      return [l.slice(0, i), l.slice(i + 1).replace(/^"|"$/g, '')]
    }))
  } catch {
    return {}
  }
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0

/** The exact command(s) that install `names` on `os`, and download pages for what has no package there. */
export function installCommands(names, os) {
  const sudo = isRoot() ? '' : 'sudo '
  const pick = (key) => names.filter((n) => TOOLS[n][key]).flatMap((n) => TOOLS[n][key])
  const without = (key) => names.filter((n) => !TOOLS[n][key])
  const lines = []
  const pages = (key) => without(key).map((n) => `${n}: ${TOOLS[n].page ?? 'no package for this system'}`)
  if (os === 'debian') {
    if (pick('apt').length) lines.push(`${sudo}apt-get install -y --no-install-recommends ${pick('apt').join(' ')}`)
    lines.push(...pages('apt'))
  } else if (os === 'fedora') {
    if (pick('dnf').length) lines.push(`${sudo}dnf install -y ${pick('dnf').join(' ')}`)
    lines.push(...pages('dnf'))
  } else if (os === 'macos') {
    const casks = names.filter((n) => TOOLS[n].brew?.[0] === '--cask').map((n) => TOOLS[n].brew[1])
    const formulae = names.filter((n) => TOOLS[n].brew && TOOLS[n].brew[0] !== '--cask').flatMap((n) => TOOLS[n].brew)
    if (formulae.length) lines.push(`brew install ${formulae.join(' ')}`)
    if (casks.length) lines.push(`brew install --cask ${casks.join(' ')}`)
    lines.push(...pages('brew'))
  } else if (os === 'windows') {
    for (const n of names) {
      const t = TOOLS[n]
      if (t.winget) lines.push(`winget install ${t.winget.join(' ')}${t.choco ? `   (or: choco install ${t.choco.join(' ')})` : ''}`)
      else if (t.choco) lines.push(`choco install ${t.choco.join(' ')}`)
      else lines.push(`${n}: ${t.page ?? 'no package for Windows'}`)
    }
  } else {
    for (const n of names) {
      const t = TOOLS[n]
      lines.push(`${n}: apt ${t.apt?.join(' ') ?? '-'} | dnf ${t.dnf?.join(' ') ?? '-'} | brew ${t.brew?.join(' ') ?? '-'}${t.page ? ` | ${t.page}` : ''}`)
    }
  }
  return lines
}
