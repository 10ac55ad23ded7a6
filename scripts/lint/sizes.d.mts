// Types of sizes.mjs for the TypeScript tests that call it.
export declare const MAX_FILE_LINES: number;
export declare const MAX_FUNCTION_LINES: number;
export declare const PENDING: readonly string[];
export interface Oversized {
  file: string;
  line: number;
  kind: 'file' | 'function';
  name: string;
  lines: number;
}
export declare function sourceFiles(root: string): string[];
export declare function oversized(file: string, text: string): Oversized[];
export declare function checkSizes(root: string, files?: readonly string[]): Oversized[];
