/** /portfolio, /pnl, /mode, /settings, /keys, /link: the user's own account. */
import { z } from 'zod';
import { AppError } from '../../../errors.ts';
import { describeSetting, describeSettings, settingNamed } from '../../../identity/settings.ts';
import { readPnlPeriod } from '../../intent/periods.ts';
import { escapeMarkdown as esc } from '../../markdown.ts';
import { pnlText, portfolioText } from '../../present/trading.ts';
import { text } from '../../reply.ts';
import { getPnl, getPortfolio } from '../../tools/account.ts';
import { need } from '../../tools/need.ts';
import { defineCommand } from '../command.ts';
import { secret } from '../policy.ts';
import { positional } from '../text-args.ts';

export const portfolioCommand = defineCommand({
  name: 'portfolio',
  description: 'Your balances and positions',
  args: z
    .object({
      asset: z
        .string()
        .trim()
        .toUpperCase()
        .regex(/^[A-Z0-9]{2,12}$/)
        .optional(),
    })
    .strict(),
  parseText: positional(['asset']),
  personal: true,
  needs: ['trading'],
  async handler({ asset }, ctx) {
    return [text(portfolioText(await ctx.tool(getPortfolio, {}), asset))];
  },
});

export const pnlCommand = defineCommand({
  name: 'pnl',
  description: 'Your profit and loss: today, week, month, ytd, year, 90d, since monday, or all',
  examples: ['', 'week', 'ytd', 'since monday'],
  args: z.object({ period: z.string().trim().min(1).max(40).default('all') }).strict(),
  parseText: (t) => {
    const read = readPnlPeriod(t);
    return read.ok ? { ok: true, args: read.period ? { period: read.period } : {} } : read;
  },
  personal: true,
  needs: ['trading'],
  async handler({ period }, ctx) {
    return [text(pnlText(await ctx.tool(getPnl, { period })))];
  },
});

export const modeCommand = defineCommand({
  name: 'mode',
  description: 'Show or switch your trading mode: paper or live',
  examples: ['', 'paper', 'live'],
  args: z.object({ mode: z.enum(['paper', 'live']).optional() }).strict(),
  parseText: positional(['mode']),
  personal: true,
  needs: ['accounts'],
  async handler({ mode }, ctx) {
    const accounts = need(ctx.services, 'accounts');
    if (!mode) {
      const current = await accounts.getMode(ctx.actor);
      return [text(`You are trading in **${current}** mode. Switch with /mode paper or /mode live.`)];
    }
    const now = await accounts.setMode(ctx.actor, mode);
    return [
      text(
        now === 'live'
          ? 'You are now in **live** mode: confirmed orders use real funds.'
          : 'You are now in **paper** mode: no real funds are used.',
      ),
    ];
  },
});

const CHANGE_A_SETTING = 'Change one with /settings <name> <value>, e.g. /settings chart_theme light.';

export const settingsCommand = defineCommand({
  name: 'settings',
  description: 'Show your settings, or change one',
  examples: ['', 'chart_theme light'],
  args: z
    .object({
      // Any name: the settings store refuses an unknown one, listing those there are.
      key: z.string().trim().max(64).optional(),
      value: z.string().trim().max(100).optional(),
    })
    .strict()
    // A value alone (a slash command's options allow it) is said, not ignored.
    .refine((a) => !(a.value !== undefined && a.key === undefined), {
      message: 'is missing: say which setting the value is for, e.g. chart_theme',
      path: ['key'],
    }),
  parseText: positional(['key', 'value']),
  personal: true,
  needs: ['settings'],
  async handler({ key, value }, ctx) {
    const port = need(ctx.services, 'settings');
    if (key === undefined) {
      const lines = describeSettings(await port.get(ctx.actor)).map((l) => `- ${esc(l)}`);
      return [text(['**Settings**', ...lines, esc(CHANGE_A_SETTING)].join('\n'))];
    }
    const name = settingNamed(key);
    if (value === undefined) {
      // A name alone: what it is and takes, never a change to nothing.
      const line = describeSetting(name, await port.get(ctx.actor));
      return [text(esc(`${line}\nChange it with /settings ${name} <value>.`))];
    }
    const saved = await port.update(ctx.actor, name, value);
    return [text(`Saved: ${esc(name)} is now **${esc(saved[name])}**.`)];
  },
});

export const keysCommand = defineCommand({
  name: 'keys',
  description: 'Link, list or revoke exchange API keys (DM only)',
  examples: ['list', 'link kraken <api-key> <secret>', 'revoke kraken'],
  args: z
    .object({
      action: z.enum(['list', 'link', 'revoke']).default('list'),
      exchange: z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9]{2,20}$/)
        .optional(),
      api_key: secret(z.string().trim().min(8).max(256)).optional(),
      secret: secret(z.string().trim().min(8).max(512)).optional(),
    })
    .strict(),
  parseText: positional(['action', 'exchange', 'api_key', 'secret']),
  scopes: ['dm'],
  personal: true,
  needs: ['keys'],
  async handler(args, ctx) {
    const keys = need(ctx.services, 'keys');
    if (args.action === 'link') {
      if (!args.exchange || !args.api_key || !args.secret)
        throw new AppError('ERR_VALIDATION', 'keys link without all parts', {
          userMessage: 'Usage: /keys link <exchange> <api-key> <secret>',
        });
      const info = await keys.link(ctx.actor, {
        exchange: args.exchange,
        apiKey: args.api_key,
        secret: args.secret,
      });
      return [
        text(
          `Linked your **${esc(info.exchange)}** keys (label \`${esc(info.label)}\`). They are stored encrypted; I never show them again. Delete your message with the keys if your app keeps it.`,
        ),
      ];
    }
    if (args.action === 'revoke') {
      if (!args.exchange)
        throw new AppError('ERR_VALIDATION', 'keys revoke without exchange', {
          userMessage: 'Usage: /keys revoke <exchange or key id>',
        });
      const n = await keys.revoke(ctx.actor, args.exchange);
      return [
        text(
          n ? `Revoked your **${esc(args.exchange)}** keys.` : `No linked keys match ${esc(args.exchange)}.`,
        ),
      ];
    }
    const list = await keys.list(ctx.actor);
    if (!list.length)
      return [
        text(
          'No exchange keys linked. Link some with /keys link <exchange> <api-key> <secret> (here, in DM).',
        ),
      ];
    return [
      text(
        [
          '**Linked exchange keys**',
          ...list.map(
            (k) => `- ${esc(k.exchange)} · ${esc(k.label)} · since ${k.createdAt.toISOString().slice(0, 10)}`,
          ),
        ].join('\n'),
      ),
    ];
  },
});

export const linkCommand = defineCommand({
  name: 'link',
  description: 'Link this account to your account on another platform',
  examples: ['', 'ABCD-EFGH'],
  args: z
    .object({
      code: z
        .string()
        .trim()
        .toUpperCase()
        .regex(/^[A-Z0-9-]{4,16}$/)
        .optional(),
    })
    .strict(),
  parseText: positional(['code']),
  scopes: ['dm'],
  personal: true,
  async handler({ code }, ctx) {
    if (!code) {
      const made = await ctx.services.identity.createLinkCode(ctx.actor);
      const minutes = Math.max(1, Math.round((made.expiresAt.getTime() - Date.now()) / 60_000));
      return [
        text(
          `Your link code is \`${made.code}\` (valid ${minutes} min). Send /link ${made.code} to me from your other account.`,
        ),
      ];
    }
    const { platform, platformUserId, username } = ctx.inbound;
    await ctx.services.identity.redeemLinkCode(code, {
      platform,
      platformUserId,
      ...(username ? { username } : {}),
    });
    return [text('Linked: this account now shares your portfolio, orders and settings.')];
  },
});
