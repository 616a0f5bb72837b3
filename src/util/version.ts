/** The package version, read once from package.json (two levels above src/util/ and dist/src/util/). */
// eslint-disable-next-line @typescript-eslint/no-var-requires
export const TOOL_VERSION: string = (require('../../package.json') as { version: string }).version;
