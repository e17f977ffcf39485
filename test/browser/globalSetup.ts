import type { TestProject } from 'vitest/node';
// @ts-expect-error plain ESM helper without types
import { startServer } from './server.mjs';

/** One server for all browser test files; each file opens its own Chromium. */
export default async function setup(project: TestProject) {
  const server = await startServer();
  project.provide('baseUrl', `http://127.0.0.1:${server.address().port}/`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
