/** A service port, or ERR_NOT_AVAILABLE_YET when that part of the system is not built or not enabled. */
import { AppError } from '../../errors.ts';
import type { AgentServices } from '../ports.ts';

const WHAT: Record<keyof AgentServices, string> = {
  identity: 'Accounts',
  market: 'Market data',
  trading: 'Trading',
  charts: 'Charts',
  signals: 'Signals',
  accounts: 'Switching trading mode',
  operator: 'Operator controls',
  settings: 'Settings',
  keys: 'Exchange keys',
  subscriptions: 'Signal subscriptions',
  news: 'News',
};

export function need<K extends keyof AgentServices>(
  services: AgentServices,
  key: K,
): NonNullable<AgentServices[K]> {
  const port = services[key];
  if (!port)
    throw new AppError('ERR_NOT_AVAILABLE_YET', `${key} port not bound`, {
      userMessage: `${WHAT[key]} is not available yet on this server.`,
    });
  return port as NonNullable<AgentServices[K]>;
}
