/**
 * `import()` kept out of TypeScript's reach: compiled to CommonJS, it would become a
 * `require()`, which cannot load ES modules (a user's .mjs workload, vega).
 */
export const importEsm = new Function('specifier', 'return import(specifier)') as <T = Record<string, unknown>>(specifier: string) => Promise<T>;
