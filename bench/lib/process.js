/** Child processes for the bench: start a server, wait for its `listening on URL` line, stop it. */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const LISTENING = /listening on (http:\/\/\S+)/

/**
 * Spawns `node ...args` in the repository root and resolves once it prints its URL.
 * `startedAt` is performance.now() just before spawn().
 */
export function startServer (args, { env = {}, timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now()
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${args.join(' ')}: no URL after ${timeoutMs} ms\n${err}`)) }, timeoutMs)
    child.stderr.setEncoding('utf8').on('data', chunk => { err += chunk })
    child.stdout.setEncoding('utf8').on('data', function onData (chunk) {
      out += chunk
      const match = LISTENING.exec(out)
      if (!match) return
      clearTimeout(timer)
      child.stdout.off('data', onData)
      child.stdout.resume()
      resolve({ child, url: match[1], startedAt, stderr: () => err })
    })
    child.once('exit', code => { clearTimeout(timer); reject(new Error(`${args.join(' ')} exited (${code}) before listening\n${err}`)) })
  })
}

export function stopServer (child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise(resolve => {
    child.removeAllListeners('exit')
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), 5000).unref()
  })
}

/** CPU time (user + system, ms) a running process has used, from /proc (Linux); undefined elsewhere. */
export function processCpuMs (pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // utime and stime are fields 14 and 15 of /proc/PID/stat (12 and 13 after the command name).
    return (Number(fields[11]) + Number(fields[12])) * 1000 / CLOCK_TICKS
  } catch {
    return undefined
  }
}
const CLOCK_TICKS = 100

/** RSS (bytes) of a running process, from /proc (Linux). */
export function processRss (pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1]
    return kb === undefined ? undefined : Number(kb) * 1024
  } catch {
    return undefined
  }
}
