/**
 * Builds an agent's provider from its LLM settings. Settings name secrets (an environment
 * variable), never hold them; the secret source resolves the name at start.
 */
import { AnthropicProvider } from './anthropic.js';
import { OpenAiProvider } from './openai.js';
import { LlmError, type LlmProvider } from './provider.js';
import { ReplayProvider, type RecordedLlmCall } from './replay.js';
import { ScriptedProvider, type ScriptedConfig } from './scripted.js';

/** Per-call limits for the HTTP providers. */
export interface SamplingSettings {
  maxTokens?: number;
  temperature?: number;
}

/** An agent's model settings, as a topology declares them. */
export type LlmSettings =
  | { provider: 'scripted'; model?: string; scripted?: ScriptedConfig }
  | ({ provider: 'openai'; model: string; baseUrl?: string; apiKeyEnv?: string; timeoutMs?: number } & SamplingSettings)
  | ({ provider: 'anthropic'; model: string; baseUrl?: string; apiKeyEnv?: string; timeoutMs?: number } & SamplingSettings)
  | { provider: 'replay'; model?: string };

/** Where named secrets come from: the environment by default; the desktop app adds the OS store. */
export interface SecretSource {
  get(name: string): string | undefined;
}

/** Secrets from environment variables. */
const envSecrets = (env: NodeJS.ProcessEnv = process.env): SecretSource => ({ get: (name) => env[name] });

/** What the factory needs besides the settings. */
export interface ProviderContext {
  agent: string;
  secrets?: SecretSource;
  /** The earlier run's LLM calls, for `replay`. */
  recording?: readonly RecordedLlmCall[];
}

/** The provider for `settings`; throws an LlmError('config') naming what is missing. */
export function createProvider(settings: LlmSettings, context: ProviderContext): LlmProvider {
  const secrets = context.secrets ?? envSecrets();
  const key = (name: string | undefined, fallback: string) => {
    const variable = name ?? fallback;
    return secrets.get(variable);
  };
  switch (settings.provider) {
    case 'scripted':
      return new ScriptedProvider(settings.scripted ?? {});
    case 'replay':
      if (!context.recording) throw new LlmError(`${context.agent}: the replay provider needs a recorded trace to replay.`, 'config');
      return new ReplayProvider(context.agent, context.recording, { matchModel: false });
    case 'openai': {
      const apiKey = key(settings.apiKeyEnv, 'OPENAI_API_KEY');
      // Local servers (Ollama, LM Studio, vLLM) need no key; the hosted API does.
      if (!apiKey && !settings.baseUrl) {
        throw new LlmError(`${context.agent}: set ${settings.apiKeyEnv ?? 'OPENAI_API_KEY'} for the OpenAI provider, or give a baseUrl for a local server.`, 'config');
      }
      return new OpenAiProvider({
        baseUrl: settings.baseUrl ?? 'https://api.openai.com/v1',
        ...(apiKey && { apiKey }),
        ...(settings.timeoutMs !== undefined && { timeoutMs: settings.timeoutMs }),
      });
    }
    case 'anthropic': {
      const apiKey = key(settings.apiKeyEnv, 'ANTHROPIC_API_KEY');
      if (!apiKey) throw new LlmError(`${context.agent}: set ${settings.apiKeyEnv ?? 'ANTHROPIC_API_KEY'} for the Anthropic provider.`, 'config');
      return new AnthropicProvider({
        apiKey,
        ...(settings.baseUrl && { baseUrl: settings.baseUrl }),
        ...(settings.timeoutMs !== undefined && { timeoutMs: settings.timeoutMs }),
      });
    }
  }
}
