import { Usage, type Model, type ModelRequest, type ModelResponse } from '@openai/agents-core';

type Output = ModelResponse['output'];

/** A model that answers with the outputs it was given, in order: no network, the same run every time. */
export class ScriptedModel implements Model {
  private next = 0;

  constructor(private readonly script: Output[]) {}

  async getResponse(_request: ModelRequest): Promise<ModelResponse> {
    const output = this.script[this.next];
    if (!output) throw new Error(`The script has no response ${this.next + 1}.`);
    this.next++;
    return { usage: new Usage({ requests: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15 }), output: structuredClone(output), responseId: `resp_${this.next}` };
  }

  getStreamedResponse(): AsyncIterable<never> {
    throw new Error('The scripted model does not stream.');
  }
}
