// The Fastify instance type routes are registered on: Zod schemas give typed bodies and the OpenAPI document.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TypedApp = FastifyInstance<any, any, any, any, ZodTypeProvider>;
