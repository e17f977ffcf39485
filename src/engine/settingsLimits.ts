/** The range each run setting may take, wherever it is set: the settings panel, a prepared link, and the guard
 * in front of the engine all read this one table. */
export const SETTINGS_LIMITS = {
  temperature: { min: 0, max: 2, integer: false },
  // Above every vocabulary the app loads (Qwen's 151,936): any k at least the vocabulary keeps every token, as 0 does.
  topK: { min: 0, max: 200_000, integer: true },
  topP: { min: 0.01, max: 1, integer: false },
  minNewTokens: { min: 0, max: 1024, integer: true },
  seed: { min: 0, max: 2 ** 32 - 1, integer: true },
  maxNewTokens: { min: 1, max: 1024, integer: true },
} as const;

export type SettingName = keyof typeof SETTINGS_LIMITS;
