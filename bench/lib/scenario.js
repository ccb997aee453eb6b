/** The shipped default scenario as an object to change (the bench's worlds start from it). */
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { shippedScenarioPath } from '../../dist/index.js'

export const defaultScenario = () => parse(readFileSync(shippedScenarioPath('default'), 'utf8'))
