/**
 * Where the package's own files are (the OpenAPI document, the scenarios and their schema, the
 * signing key, the dashboard's assets): resolved from this module, which sits directly in dist/,
 * so the paths hold whether the modules are loaded one by one or bundled into one file there.
 */
export const packageRoot = new URL('../', import.meta.url)

/** A file of the package, by its path from the package's root (`openapi/ringcentral-mock.yaml`). */
export const packageFile = (path: string): URL => new URL(path, packageRoot)
