import type { BuildResult } from 'esbuild';

export function buildMain(entry: string, outdir: string): Promise<BuildResult>;
export function buildTokenWorker(outdir: string): Promise<BuildResult>;
