import type { PerformiaApi } from '../shared/contract';

declare global {
  interface Window {
    /** present in Electron (preload); absent in the browser build served by the headless server */
    performia?: PerformiaApi;
  }
}
export {};
