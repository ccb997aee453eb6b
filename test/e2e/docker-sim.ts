/**
 * Just enough of `docker build` to check a Dockerfile without a Docker engine: parse the
 * instructions, then replay each stage into a temp directory standing for the container's root.
 *
 * - COPY from the context honours .dockerignore; COPY --from=STAGE copies from that stage's root.
 * - RUN lines that contain `npm ci` are replaced by a symlink to the repository's node_modules
 *   (no network); other RUN lines run with `sh -c` in the stage's WORKDIR.
 * - ENV, WORKDIR, USER, EXPOSE, HEALTHCHECK and CMD are recorded for the caller to run and check.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs'
import { basename, dirname, join, posix, relative, sep } from 'node:path'

export interface Instruction {
  keyword: string
  args: string
  line: number
}

export interface Stage {
  name: string
  image: string
  instructions: Instruction[]
}

/** Parses a Dockerfile: comments dropped, `\` continuations joined, split into stages. */
export function parseDockerfile (text: string): { globals: Instruction[], stages: Stage[] } {
  const instructions: Instruction[] = []
  let buffer = ''
  let start = 0
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd()
    if (/^\s*#/.test(line)) return
    if (buffer === '' && line.trim() === '') return
    if (buffer === '') start = i + 1
    if (line.endsWith('\\')) {
      buffer += line.slice(0, -1) + ' '
      return
    }
    buffer += line
    const match = /^\s*(\w+)\s*(.*)$/s.exec(buffer)
    if (match) instructions.push({ keyword: match[1]?.toUpperCase() ?? '', args: (match[2] ?? '').trim(), line: start })
    buffer = ''
  })
  const globals: Instruction[] = []
  const stages: Stage[] = []
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/).filter(w => !w.startsWith('--'))
      stages.push({ name: as?.toUpperCase() === 'AS' && name ? name : String(stages.length), image, instructions: [] })
    } else {
      const stage = stages.at(-1)
      if (stage) stage.instructions.push(instruction)
      else globals.push(instruction)
    }
  }
  return { globals, stages }
}

/** The exec (JSON) form of CMD, ENTRYPOINT or HEALTHCHECK CMD; throws on the shell form. */
export function execForm (args: string, what: string): string[] {
  if (!args.startsWith('[')) throw new Error(`${what} must use the exec (JSON array) form, got: ${args}`)
  const parsed: unknown = JSON.parse(args)
  if (!Array.isArray(parsed) || !parsed.every(a => typeof a === 'string')) throw new Error(`${what}: not an array of strings`)
  return parsed
}

/** `KEY=value KEY2="value 2"` (or the legacy `KEY value`). */
export function parseEnv (args: string): Record<string, string> {
  const env: Record<string, string> = {}
  if (!/^\w+=/.test(args)) {
    const [key = '', ...rest] = args.split(/\s+/)
    env[key] = rest.join(' ')
    return env
  }
  for (const m of args.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) {
    const value = m[2] ?? ''
    env[m[1] ?? ''] = /^["']/.test(value) ? value.slice(1, -1) : value
  }
  return env
}

/** `--from=build --chown=x src… dest` → flags, sources, destination. */
export function parseCopy (args: string): { flags: Record<string, string>, sources: string[], dest: string } {
  const words = args.startsWith('[') ? execForm(args, 'COPY') : args.split(/\s+/)
  const flags: Record<string, string> = {}
  while (words[0]?.startsWith('--')) {
    const [name = '', value = 'true'] = (words.shift() ?? '').slice(2).split('=')
    flags[name] = value
  }
  const dest = words.pop()
  if (dest === undefined || words.length === 0) throw new Error(`COPY needs a source and a destination: ${args}`)
  return { flags, sources: words, dest }
}

const globToRegex = (glob: string): string =>
  glob.split('').map((c, i, all) => {
    if (c === '*') return all[i + 1] === '*' ? '' : all[i - 1] === '*' ? '.*' : '[^/]*'
    if (c === '?') return '[^/]'
    return /[\\^$.|+()[\]{}]/.test(c) ? `\\${c}` : c
  }).join('')

/** A .dockerignore matcher: patterns relative to the context root; a match excludes a directory's contents too. */
export function dockerignore (text: string): (path: string) => boolean {
  const rules = text.split('\n').map(l => l.trim()).filter(l => l !== '' && !l.startsWith('#')).map(l => {
    const negate = l.startsWith('!')
    const pattern = posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, '')).replace(/\/+$/, '')
    return { negate, re: new RegExp(`^${globToRegex(pattern)}$`) }
  })
  return (path: string) => {
    const parts = path.split(sep).join('/').split('/').filter(Boolean)
    let ignored = false
    for (const rule of rules) {
      for (let n = 1; n <= parts.length; n++) {
        if (rule.re.test(parts.slice(0, n).join('/'))) { ignored = !rule.negate; break }
      }
    }
    return ignored
  }
}

export interface BuiltStage {
  name: string
  /** The temp directory standing for the container's `/`. */
  root: string
  /** The container path of the WORKDIR. */
  workdir: string
  env: Record<string, string>
  user: string | undefined
  expose: string[]
  healthcheck: { options: string, command: string[] } | undefined
  cmd: string[] | undefined
  /** Each COPY, as `[from, sources, dest]`, for assertions. */
  copies: Array<{ from: string | undefined, sources: string[], dest: string }>
}

export interface BuildOptions {
  context: string
  /** Where stage roots are created. */
  out: string
  /** Replaces `npm ci`: the node_modules to symlink. */
  nodeModules: string
}

/** Container path → host path inside a stage root. */
export const hostPath = (root: string, containerPath: string): string => join(root, ...containerPath.split('/').filter(Boolean))

function expandSources (context: string, source: string): string[] {
  if (!/[*?]/.test(source)) return [source]
  const dir = posix.dirname(source)
  const re = new RegExp(`^${globToRegex(posix.basename(source))}$`)
  return readdirSync(join(context, dir)).filter(name => re.test(name)).map(name => posix.join(dir, name))
}

/** Replays every stage of a parsed Dockerfile; returns the stages, the last one being the image. */
export function buildStages (stages: Stage[], options: BuildOptions, ignoreText: string): BuiltStage[] {
  const ignored = dockerignore(ignoreText)
  const built: BuiltStage[] = []
  for (const stage of stages) {
    const root = join(options.out, `stage-${built.length}-${stage.name}`)
    mkdirSync(root, { recursive: true })
    const s: BuiltStage = { name: stage.name, root, workdir: '/', env: {}, user: undefined, expose: [], healthcheck: undefined, cmd: undefined, copies: [] }
    const here = () => hostPath(root, s.workdir)
    for (const { keyword, args, line } of stage.instructions) {
      const where = `Dockerfile line ${line} (${keyword} ${args})`
      switch (keyword) {
        case 'WORKDIR':
          s.workdir = posix.resolve(s.workdir, args)
          mkdirSync(here(), { recursive: true })
          break
        case 'ENV':
          Object.assign(s.env, parseEnv(args))
          break
        case 'USER':
          s.user = args
          break
        case 'EXPOSE':
          s.expose.push(...args.split(/\s+/).map(p => p.replace(/\/tcp$/, '')))
          break
        case 'CMD':
          s.cmd = execForm(args, 'CMD')
          break
        case 'HEALTHCHECK': {
          const m = /^(.*?)\bCMD\s+(.*)$/s.exec(args)
          s.healthcheck = m ? { options: (m[1] ?? '').trim(), command: execForm(m[2] ?? '', 'HEALTHCHECK CMD') } : undefined
          break
        }
        case 'COPY': {
          const { flags, sources, dest } = parseCopy(args)
          s.copies.push({ from: flags.from, sources, dest })
          const from = flags.from === undefined ? undefined : built.find(b => b.name === flags.from)
          if (flags.from !== undefined && !from) throw new Error(`${where}: no stage ${flags.from}`)
          const destPath = hostPath(root, posix.resolve(s.workdir, dest))
          const expanded = from ? sources : sources.flatMap(src => expandSources(options.context, src))
          const intoDir = dest.endsWith('/') || expanded.length > 1
          for (const src of expanded) {
            const srcPath = from ? hostPath(from.root, posix.resolve(from.workdir, src)) : join(options.context, src)
            if (!from && src !== '.' && ignored(src)) throw new Error(`${where}: ${src} is excluded by .dockerignore`)
            if (!existsSync(srcPath)) throw new Error(`${where}: ${src} does not exist in ${from ? `stage ${from.name}` : 'the build context'}`)
            const isDir = statSync(srcPath).isDirectory()
            const target = !isDir && intoDir ? join(destPath, basename(srcPath)) : destPath
            mkdirSync(isDir ? target : dirname(target), { recursive: true })
            cpSync(srcPath, target, {
              recursive: true,
              filter: from ? undefined : (path: string) => { const rel = relative(options.context, path); return rel === '' || !ignored(rel) }
            })
          }
          break
        }
        case 'RUN': {
          if (/\bnpm\s+ci\b/.test(args)) {
            symlinkSync(options.nodeModules, join(here(), 'node_modules'), 'dir')
            break
          }
          const result = spawnSync('sh', ['-c', args], { cwd: here(), env: { ...process.env, ...s.env, NODE_ENV: s.env.NODE_ENV ?? '' }, encoding: 'utf8' })
          if (result.status !== 0) throw new Error(`${where} failed (${result.status}):\n${result.stdout}\n${result.stderr}`)
          break
        }
        case 'ARG':
        case 'LABEL':
        case 'SHELL':
        case 'STOPSIGNAL':
          break
        default:
          throw new Error(`${where}: not simulated`)
      }
    }
    built.push(s)
  }
  return built
}
