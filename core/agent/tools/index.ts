/** The model's tool set, and its OpenAI function definitions generated from the zod schemas. */
import { z } from 'zod';
import { cancelAlert, getPnl, getPortfolio, getSignals, listAlerts, setAlert } from './account.ts';
import { chartEquity, chartPortfolio, generateChart } from './chart.ts';
import { getCandles, getPrice } from './market.ts';
import { getNews, searchNews } from './news.ts';
import { cancelOrder, listOrders, proposeOrder } from './orders.ts';
import type { ToolDef } from './tool.ts';

export const AGENT_TOOLS: readonly ToolDef[] = [
  getPrice,
  getCandles,
  generateChart,
  chartEquity,
  chartPortfolio,
  proposeOrder,
  cancelOrder,
  listOrders,
  getPortfolio,
  getPnl,
  getSignals,
  setAlert,
  listAlerts,
  cancelAlert,
  getNews,
  searchNews,
];

const BY_NAME = new Map(AGENT_TOOLS.map((t) => [t.name, t]));

export function toolByName(name: string): ToolDef | undefined {
  return BY_NAME.get(name);
}

export interface FunctionTool {
  readonly type: 'function';
  readonly function: {
    readonly name: string;
    readonly description: string;
    readonly parameters: Record<string, unknown>;
  };
}

/** JSON Schema of a tool's arguments as the model fills them in (defaults are optional there). */
export function toolJsonSchema(tool: ToolDef): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.args, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return schema;
}

export function openAiTools(tools: readonly ToolDef[] = AGENT_TOOLS): FunctionTool[] {
  return tools.map((t) => ({
    type: 'function',
    function: { name: t.name, description: t.description, parameters: toolJsonSchema(t) },
  }));
}
