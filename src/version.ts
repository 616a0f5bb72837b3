/** The package version, read once from package.json (one level above both src/ and dist/). */
// eslint-disable-next-line @typescript-eslint/no-var-requires
export const TOOL_VERSION: string = (require('../package.json') as { version: string }).version;
