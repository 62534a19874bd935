import { describe, expect, it } from 'vitest';
import { actions, image, text } from '../../core/agent/reply.ts';
import { toDiscordMarkdown } from './markdown.ts';
import { renderReplies } from './render.ts';

const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

describe('Markdown subset → Discord markdown', () => {
  it('keeps the subset and escapes everything else that Discord would read as markup', () => {
    expect(toDiscordMarkdown('**BTC/USDT** is *up* `2%`')).toBe('**BTC/USDT** is *up* `2%`');
    // Spoilers, headings, quotes, strike-through and mentions typed by a user stay literal.
    const hostile = toDiscordMarkdown('||spoiler|| ~~gone~~ <@123> @everyone');
    expect(hostile).not.toContain('||spoiler||');
    expect(hostile).not.toContain('~~gone~~');
    expect(hostile).not.toContain('<@123>');
    expect(toDiscordMarkdown('# big')).toBe('**big**');
    expect(toDiscordMarkdown('\\> quoted')).toBe('\\> quoted');
  });

  it('renders tables as aligned monospaced blocks, since Discord has no tables', () => {
    const out = toDiscordMarkdown('| Asset | Qty |\n|---|---|\n| BTC | 0.5 |\n| ETH | 12 |');
    expect(out).toBe('```\nAsset  Qty\n-----  ---\nBTC    0.5\nETH    12\n```');
  });

  it('keeps only http(s) links, as masked links without embeds', () => {
    expect(toDiscordMarkdown('[docs](https://example.com/x)')).toBe('[docs](<https://example.com/x>)');
  });
});

describe('replies → Discord messages', () => {
  it('puts a chart inside the card it follows and keeps its alt text', () => {
    const [msg, ...rest] = renderReplies([
      text('**BTC/USDT** 30,000'),
      image(png, 'BTC 1h candles', 'btc 1h.png'),
    ]);
    expect(rest).toEqual([]);
    expect(msg?.embeds).toHaveLength(1);
    expect(msg?.embeds[0]?.image).toEqual({ url: 'attachment://btc_1h.png' });
    expect(msg?.files).toEqual([{ name: 'btc_1h.png', data: png, description: 'BTC 1h candles' }]);
  });

  it('gives a proposal its own message with Confirm/Cancel bound to the handle', () => {
    const expiresAt = new Date(Date.UTC(2026, 0, 1, 12, 2));
    const out = renderReplies([
      text('Here is the quote:'),
      actions('Buy **0.5 BTC** at ~30,000', { handle: 'h'.repeat(50), ownerUserId: 'u1', expiresAt }),
    ]);
    expect(out).toHaveLength(2);
    expect(out[0]?.components).toEqual([]);
    expect(out[1]?.proposal).toEqual({ handle: 'h'.repeat(50), ownerUserId: 'u1', expiresAt });
    expect(
      out[1]?.components[0]?.components.map((b) => [
        'label' in b ? b.label : '',
        'custom_id' in b ? b.custom_id : '',
      ]),
    ).toEqual([
      ['Confirm', `cp:y:${'h'.repeat(50)}`],
      ['Cancel', `cp:n:${'h'.repeat(50)}`],
    ]);
    expect(out[1]?.embeds[0]?.timestamp).toBe(expiresAt.toISOString());
  });

  it('starts a new message past 10 embeds or 6000 embed characters, and cuts long text, never truncating', () => {
    expect(
      renderReplies(Array.from({ length: 11 }, (_, i) => text(`card ${i}`))).map((m) => m.embeds.length),
    ).toEqual([10, 1]);
    const long = Array.from({ length: 40 }, (_, i) => `Line ${i} ${'x'.repeat(150)}`).join('\n\n');
    const out = renderReplies([text(long)]);
    const descriptions = out.flatMap((m) => m.embeds.map((e) => e.description ?? ''));
    expect(descriptions.every((d) => d.length <= 2000)).toBe(true);
    for (const m of out)
      expect(m.embeds.reduce((n, e) => n + (e.description?.length ?? 0), 0)).toBeLessThanOrEqual(6000);
    expect(descriptions.join('\n\n').match(/Line \d+/g)).toHaveLength(40);
  });
});
