/**
 * A user's own settings (/settings), kept in `User.settings` (jsonb) under the names users type. Each
 * setting is declared once here: its values, its default and the sentence /settings shows. A stored
 * value that no longer parses (an edited row, a value a later version dropped) reads as the default;
 * an unknown name or a bad value is refused, naming what is accepted, and changes nothing.
 */
import type { Db } from '../db/client.ts';
import { AppError } from '../errors.ts';

interface SettingDef<T extends string> {
  readonly values: readonly [T, ...T[]];
  readonly default: T;
  readonly description: string;
}

const define = <T extends string>(def: SettingDef<T>) => def;

export const USER_SETTINGS = {
  chart_theme: define({
    values: ['dark', 'light'],
    default: 'dark',
    description: 'Colours of the charts I draw for you when you do not name them',
  }),
} as const;

export type SettingName = keyof typeof USER_SETTINGS;
export type UserSettings = { readonly [K in SettingName]: (typeof USER_SETTINGS)[K]['values'][number] };

const NAMES = Object.keys(USER_SETTINGS) as SettingName[];

/** The setting a user named (any case), or ERR_VALIDATION listing the settings there are. */
export function settingNamed(raw: string): SettingName {
  const name = raw.trim().toLowerCase();
  if (Object.hasOwn(USER_SETTINGS, name)) return name as SettingName;
  throw new AppError('ERR_VALIDATION', `unknown setting ${raw}`, {
    userMessage: `There is no setting “${raw.slice(0, 32)}”. Settings: ${NAMES.join(', ')}.`,
  });
}

/** Whether `value` is one of the values `name` takes. */
function isValueOf(name: SettingName, value: unknown): value is string {
  return typeof value === 'string' && (USER_SETTINGS[name].values as readonly string[]).includes(value);
}

/** Stored values that still parse, defaults for the rest. */
function effective(stored: unknown): UserSettings {
  const row = stored && typeof stored === 'object' ? (stored as Record<string, unknown>) : {};
  const out: Record<string, string> = {};
  for (const name of NAMES) out[name] = isValueOf(name, row[name]) ? row[name] : USER_SETTINGS[name].default;
  return out as UserSettings;
}

export interface UserSettingsStore {
  get(userId: string): Promise<UserSettings>;
  /** ERR_VALIDATION naming the accepted names or values; nothing is written then. */
  update(userId: string, name: string, value: string): Promise<UserSettings>;
}

export function createUserSettings(db: Db): UserSettingsStore {
  const get = async (userId: string) => {
    const user = await db.user.findUnique({ where: { id: userId }, select: { settings: true } });
    return effective(user?.settings);
  };
  return {
    get,
    async update(userId, rawName, rawValue) {
      const name = settingNamed(rawName);
      const def = USER_SETTINGS[name];
      const value = rawValue.trim().toLowerCase();
      if (!isValueOf(name, value)) {
        throw new AppError('ERR_VALIDATION', `bad value for ${name}`, {
          userMessage: `${name} is ${def.values.join(' or ')}, not “${rawValue.slice(0, 32)}”.`,
        });
      }
      // One statement merges the key into the row: two settings changed at once both stay. Prisma's
      // timestamps are UTC without a zone, whatever the server's TimeZone.
      await db.$executeRaw`
        UPDATE "User"
        SET settings = settings || ${JSON.stringify({ [name]: value })}::jsonb,
            "updatedAt" = now() AT TIME ZONE 'UTC'
        WHERE id = ${userId}::uuid`;
      return get(userId);
    },
  };
}

/** One setting as /settings shows it: its value, whether that is the default, what it takes and does. */
export function describeSetting(name: SettingName, settings: UserSettings): string {
  const def = USER_SETTINGS[name];
  const value = settings[name];
  const note = value === def.default ? ', the default' : '';
  return `${name}: ${value}${note} (${def.values.join(' or ')}). ${def.description}.`;
}

/** Every setting, as /settings lists them. */
export function describeSettings(settings: UserSettings): string[] {
  return NAMES.map((name) => describeSetting(name, settings));
}
