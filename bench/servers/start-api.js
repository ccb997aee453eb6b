/**
 * startMockServer() in a fresh process, for the start-up measure: the import of the package entry
 * point, the default scenario, listening. Prints `listening on URL`; stops on SIGTERM.
 */
import { startMockServer } from '../../dist/index.js'

const server = await startMockServer({ ...(process.env.SCENARIO ? { scenario: process.env.SCENARIO } : {}) })
process.stdout.write(`listening on ${server.url}\n`)
process.once('SIGTERM', () => { server.close().then(() => process.exit(0)) })
