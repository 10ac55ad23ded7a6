// Types of edge-files.mjs for the TypeScript tests that call it.
export declare const EDGE_ENTRIES: readonly string[];
export declare function edgeReachableFiles(root: string, entries?: readonly string[]): string[];
