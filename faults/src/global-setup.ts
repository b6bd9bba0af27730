import { cpus, totalmem } from 'node:os';
import { resetResults } from './results.js';

/** Vitest global setup for `npm run test:faults`: a fresh results file per run. */
export default function setup(): void {
  resetResults(`${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
}
