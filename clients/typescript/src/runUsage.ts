import type { TurnUsage } from './types.js';

/** The parts of the Agents SDK's `Usage` (and of a run context holding one) that a session's usage counts. */
export interface AgentsUsage {
  requests?: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens?: number;
  /** 0.20 keeps one record per request (`[{ cached_tokens }]`); older releases one record. */
  inputTokensDetails?: Array<Record<string, number>> | Record<string, number>;
  outputTokensDetails?: Array<Record<string, number>> | Record<string, number>;
}

/** An Agents SDK usage as the `usage` an append carries (`model` names the model that used it, when known). */
export function toTurnUsage(usage: AgentsUsage, model?: string): TurnUsage {
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    totalTokens: usage.totalTokens ?? usage.inputTokens + usage.outputTokens,
    cachedTokens: detail(usage.inputTokensDetails, 'cached_tokens'),
    reasoningTokens: detail(usage.outputTokensDetails, 'reasoning_tokens'),
    requests: usage.requests ?? 1,
    ...(model ? { model } : {}),
  };
}

/**
 * What a run has used since it was last recorded. The SDK hands a run-context-aware session the run's context, whose
 * `usage` adds up every model call of the run so far, each time it stores items; recording only the difference counts
 * each call once however many times the run stores.
 */
export class RunUsageRecorder {
  private readonly recorded = new WeakMap<object, TurnUsage>();

  /** The usage of `runContext` not yet recorded, or undefined when there is none. */
  pending(runContext: { usage?: AgentsUsage } | undefined, model?: string): TurnUsage | undefined {
    if (!runContext?.usage) return undefined;
    const now = toTurnUsage(runContext.usage, model);
    const before = this.recorded.get(runContext);
    const delta: TurnUsage = {
      inputTokens: now.inputTokens - (before?.inputTokens ?? 0),
      outputTokens: now.outputTokens - (before?.outputTokens ?? 0),
      totalTokens: now.totalTokens! - (before?.totalTokens ?? 0),
      cachedTokens: now.cachedTokens! - (before?.cachedTokens ?? 0),
      reasoningTokens: now.reasoningTokens! - (before?.reasoningTokens ?? 0),
      requests: now.requests! - (before?.requests ?? 0),
      ...(model ? { model } : {}),
    };
    return delta.requests! > 0 || delta.totalTokens! > 0 ? delta : undefined;
  }

  /** Marks `runContext`'s usage as recorded (once the append that carried it is acknowledged). */
  recordedUpTo(runContext: { usage?: AgentsUsage } | undefined): void {
    if (runContext?.usage) this.recorded.set(runContext, toTurnUsage(runContext.usage));
  }
}

function detail(details: AgentsUsage['inputTokensDetails'], name: string): number {
  if (!details) return 0;
  const records = Array.isArray(details) ? details : [details];
  return records.reduce((sum, record) => sum + (record?.[name] ?? 0), 0);
}
