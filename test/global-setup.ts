// Starts the suite's redis-server through the product's own private-server code.
import type { TestProject } from 'vitest/node';
import { startPrivateServer, type PrivateServer } from '../src/redis/private-server.js';

let server: PrivateServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startPrivateServer();
  project.provide('redisUrl', server.url);
  project.provide('redisPort', server.port);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    redisPort: number;
  }
}
