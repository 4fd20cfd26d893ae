import { Agent, Runner, tool, type Session } from '@openai/agents';
import { z } from 'zod';
import { ScriptedModel } from './scriptedModel.js';

/** Three turns: a tool call (with reasoning before it), a handoff to another agent, and a reply from that agent. */
export const script = [
  [
    { type: 'reasoning', id: 'rs_1', content: [{ type: 'input_text', text: 'The user wants the weather: call the tool.' }] },
    { type: 'function_call', id: 'fc_1', callId: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' },
  ],
  [{ type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'It is sunny in Paris, 21°C.' }] }],
  [{ type: 'function_call', id: 'fc_2', callId: 'call_2', name: 'transfer_to_weather_expert', arguments: '{}', status: 'completed' }],
  [{ type: 'message', id: 'msg_2', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Weather expert here: clear skies all week.' }] }],
  [{ type: 'message', id: 'msg_3', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'You are welcome!' }] }],
] as ConstructorParameters<typeof ScriptedModel>[0];

export const turns = ["What's the weather in Paris?", 'Can an expert tell me more?', 'Thanks!'];

/** Runs the three turns with the real Runner, storing them in `session`; returns the final outputs. */
export async function converse(session: Session): Promise<string[]> {
  const model = new ScriptedModel(script);
  const getWeather = tool({
    name: 'get_weather',
    description: 'The weather in a city.',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => `Sunny in ${city}, 21°C`,
  });
  const expert = new Agent({ name: 'weather_expert', instructions: 'You know the weather in depth.', model });
  const triage = new Agent({ name: 'triage', instructions: 'Answer, or hand off to the expert.', model, tools: [getWeather], handoffs: [expert] });

  const runner = new Runner({ tracingDisabled: true });
  const answers: string[] = [];
  let current: Agent<any, any> = triage;
  for (const input of turns) {
    const result = await runner.run(current, input, { session });
    answers.push(String(result.finalOutput));
    current = result.lastAgent ?? current;
  }
  return answers;
}
