// Every application a flow can run, and how to start it. A new application adds its module and its
// line here (and its fields in shared/scenario/).

import type { AppKind } from '../scenario.ts';
import { BulkFlow } from './bulk.ts';
import { CbrFlow } from './cbr.ts';
import { DnsResolverFlow } from './dns/resolver.ts';
import type { FlowContext, FlowRuntime } from './flow.ts';
import { HttpFlow } from './http/flow.ts';
import { HttpsFlow } from './tls/https.ts';
import { secureBulkFlow } from './tls/secure-bulk.ts';
import { VideoFlow } from './video.ts';

export const APPS: Record<AppKind, (ctx: FlowContext) => FlowRuntime> = {
  // With a `tls` object the bulk byte stream runs over TLS (app/tls/secure-bulk.ts).
  bulk: (ctx) => (ctx.spec.tls !== null ? secureBulkFlow(ctx) : new BulkFlow(ctx)),
  cbr: (ctx) => new CbrFlow(ctx),
  dns: (ctx) => new DnsResolverFlow(ctx),
  video: (ctx) => new VideoFlow(ctx),
  http: (ctx) => new HttpFlow(ctx),
  https: (ctx) => new HttpsFlow(ctx),
};
