/**
 * End-to-end helpers: run the built program (`node dist/cli.js …`) as a child process, the way a
 * user does. Readiness is detected from the program's own stdout, never by sleeping; every child
 * is killed in the test's teardown.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The repository root (with a trailing slash). */
export const REPO = fileURLToPath(new URL('../../', import.meta.url))
/** The built command; the e2e tests need `npm run build` first (`npm test` does it). */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url))
export const DEFAULT_SCENARIO = fileURLToPath(new URL('../../scenarios/default.yaml', import.meta.url))

/** The first line the program prints once it is listening. */
export const LISTENING = /^ringcentral-mock listening on (http:\/\/\S+)$/m

interface Teardown { teardown (fn: () => unknown): void }

export interface Exit { code: number | null, signal: NodeJS.Signals | null }

export interface SpawnOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** The executable and its leading arguments; default `node dist/cli.js`. */
  command?: string[]
}

/** A running child process whose output is collected as it arrives. */
export class Child {
  readonly process: ChildProcess
  stdout = ''
  stderr = ''
  exit: Exit | undefined
  readonly exited: Promise<Exit>
  #listeners = new Set<() => void>()

  constructor (argv: string[], options: SpawnOptions = {}) {
    const [file, ...args] = argv
    if (file === undefined) throw new Error('no command')
    this.process = spawn(file, args, { cwd: options.cwd ?? REPO, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    this.process.stdout?.setEncoding('utf8').on('data', (chunk: string) => { this.stdout += chunk; this.#notify() })
    this.process.stderr?.setEncoding('utf8').on('data', (chunk: string) => { this.stderr += chunk; this.#notify() })
    this.exited = new Promise<Exit>((resolve, reject) => {
      this.process.once('error', reject)
      // 'close' (not 'exit'): stdout and stderr have been read to the end.
      this.process.once('close', (code, signal) => {
        this.exit = { code, signal }
        this.#notify()
        resolve(this.exit)
      })
    })
    this.exited.catch(() => {})
  }

  #notify (): void {
    for (const listener of [...this.#listeners]) listener()
  }

  get running (): boolean {
    return this.process.exitCode === null && this.process.signalCode === null
  }

  /**
   * Resolves with the first truthy value `check` returns, re-checked each time the child writes;
   * rejects if the child ends first, or after `deadlineMs` (a guard that names what was awaited and
   * shows the output so far, instead of a bare test-runner timeout; never a timing assumption).
   */
  async waitFor<T> (check: (child: Child) => T | undefined | null | false | '', what: string, deadlineMs = 90_000): Promise<T> {
    return await new Promise<T>((resolve, reject) => {
      const output = () => `\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`
      const done = () => {
        clearTimeout(timer)
        this.#listeners.delete(listener)
      }
      const listener = () => {
        const value = check(this)
        if (value) {
          done()
          resolve(value)
        } else if (this.exit) {
          done()
          reject(new Error(`${what}: the program ended first (${JSON.stringify(this.exit)})${output()}`))
        }
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`${what}: nothing after ${deadlineMs} ms${output()}`))
      }, deadlineMs)
      timer.unref()
      this.#listeners.add(listener)
      listener()
    })
  }

  /** Sends a signal and waits for the process to end. */
  async stop (signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    if (this.running) this.process.kill(signal)
    return await this.exited
  }
}

function requireBuild (): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` before the e2e tests (\`npm test\` does)`)
}

/** Starts a child and registers a teardown that kills it (SIGKILL) if it is still running. */
export function spawnChild (t: Teardown, argv: string[], options: SpawnOptions = {}): Child {
  const child = new Child(argv, options)
  t.teardown(async () => {
    if (child.running) child.process.kill('SIGKILL')
    await child.exited.catch(() => {})
  })
  return child
}

/** `node dist/cli.js ARGS…` as a child process. */
export function spawnCli (t: Teardown, args: string[], options: SpawnOptions = {}): Child {
  requireBuild()
  return spawnChild(t, [...(options.command ?? [process.execPath, CLI]), ...args], options)
}

/** Runs the CLI to completion. */
export async function runCli (t: Teardown, args: string[], options: SpawnOptions = {}): Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }> {
  const child = spawnCli(t, args, options)
  const exit = await child.exited
  return { ...exit, stdout: child.stdout, stderr: child.stderr }
}

export interface RunningMock {
  /** `http://127.0.0.1:PORT`, from the first stdout line. */
  url: string
  child: Child
}

/** Waits for the `ringcentral-mock listening on URL` line of a child and returns the URL. */
export async function listening (child: Child): Promise<string> {
  return await child.waitFor(c => LISTENING.exec(c.stdout)?.[1], 'waiting for "ringcentral-mock listening on"')
}

/**
 * Serves a scenario with the real program on a free port: `node dist/cli.js --port 0 --scenario FILE`.
 * Resolves once the program has printed its listening line.
 */
export async function startMock (t: Teardown, options: { scenario?: string, args?: string[] } & SpawnOptions = {}): Promise<RunningMock> {
  const child = spawnCli(t, ['--port', '0', '--scenario', options.scenario ?? DEFAULT_SCENARIO, ...(options.args ?? [])], options)
  const url = await listening(child)
  return { url, child }
}

/** The JWT credential string the CLI prints for a credential id (`ringcentral-mock jwt ID`). */
export async function cliJwt (t: Teardown, credentialId: string, scenario = DEFAULT_SCENARIO): Promise<string> {
  const { code, stdout, stderr } = await runCli(t, ['jwt', credentialId, '--scenario', scenario])
  if (code !== 0) throw new Error(`ringcentral-mock jwt ${credentialId} exited ${code}: ${stderr}`)
  return stdout.trim()
}
