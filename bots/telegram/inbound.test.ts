/** Translating Telegram messages: commands addressed to us or to other bots, mentions, who speaks. */
import type { Message, UserFromGetMe } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import {
  addressesBot,
  chatKindOf,
  parseCommand,
  senderOf,
  speaksAsChat,
  toInbound,
  withoutMention,
} from './inbound.ts';

const me = { id: 666, is_bot: true, first_name: 'CryptoPulse', username: 'CryptoPulseBot' } as UserFromGetMe;
const chat = { id: -1001, type: 'supergroup', title: 'Traders' } as const;
const message = (over: Partial<Message>) =>
  ({ message_id: 1, date: 0, chat, from: { id: 42, is_bot: false, first_name: 'Ann' }, ...over }) as Message;

describe('Telegram inbound translation', () => {
  it("reads commands, with or without our @name, and leaves other bots' commands alone", () => {
    expect(parseCommand('/price btc', 'CryptoPulseBot')).toEqual({ name: 'price', args: 'btc' });
    expect(parseCommand('/Price@cryptopulsebot  eth 1h ', 'CryptoPulseBot')).toEqual({
      name: 'price',
      args: 'eth 1h',
    });
    expect(parseCommand('/start', 'CryptoPulseBot')).toEqual({ name: 'start', args: '' });
    expect(parseCommand('/price@OtherBot btc', 'CryptoPulseBot')).toBeUndefined();
    expect(parseCommand('price btc', 'CryptoPulseBot')).toBeUndefined();
    expect(parseCommand('/ price', 'CryptoPulseBot')).toBeUndefined();
    expect(parseCommand('/keys link kraken a\nb', 'CryptoPulseBot')).toEqual({
      name: 'keys',
      args: 'link kraken a\nb',
    });
  });

  it('hears a group message only when it mentions or answers the bot', () => {
    expect(addressesBot(message({ text: 'gm all' }), me)).toBe(false);
    expect(
      addressesBot(
        message({ text: '@CryptoPulseBot price', entities: [{ type: 'mention', offset: 0, length: 15 }] }),
        me,
      ),
    ).toBe(true);
    expect(
      addressesBot(
        message({ text: '@OtherBot price', entities: [{ type: 'mention', offset: 0, length: 9 }] }),
        me,
      ),
    ).toBe(false);
    const reply = message({
      text: 'and eth?',
      reply_to_message: message({ from: { id: 666, is_bot: true, first_name: 'B' } }) as never,
    });
    expect(addressesBot(reply, me)).toBe(true);
    expect(withoutMention('@CryptoPulseBot  price of eth', me)).toBe('price of eth');
  });

  it('lets a channel or an anonymous admin speak as its chat', () => {
    const post = message({
      from: undefined,
      chat: { id: -1002, type: 'channel', title: 'Signals' },
      sender_chat: { id: -1002, type: 'channel', title: 'Signals', username: 'sig' },
    });
    expect(senderOf(post)).toEqual({ platformUserId: '-1002', username: 'sig' });
    expect(speaksAsChat(post)).toBe(true);
    expect(chatKindOf(post.chat)).toBe('channel');
    expect(senderOf(message({}))).toEqual({ platformUserId: '42' });
    expect(senderOf(message({ from: { id: 7, is_bot: true, first_name: 'bot' } }))).toBeUndefined();
  });

  it('builds a valid Inbound for the core', () => {
    expect(
      toInbound(
        { sender: { platformUserId: '42' }, chat, isChatAdmin: false },
        { kind: 'command', command: 'subscribe', args: '' },
      ),
    ).toEqual({
      platform: 'telegram',
      platformUserId: '42',
      chatId: '-1001',
      chatKind: 'group',
      isChatAdmin: false,
      kind: 'command',
      command: 'subscribe',
      args: '',
    });
  });
});
