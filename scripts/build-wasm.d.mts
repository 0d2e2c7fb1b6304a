export interface WasmModule {
  /** the .wat source, from the repository root */
  wat: string;
  /** the generated TypeScript module */
  ts: string;
  /** the exported constant holding the base64 bytes */
  name: string;
}
export const MODULES: WasmModule[];
/** The binary of a .wat file (SIMD enabled). */
export function assemble(watPath: string): Promise<Uint8Array>;
/** The TypeScript module for a binary. */
export function render(module: WasmModule, bytes: Uint8Array): string;
