// The sandbox: any bundled scenario, the engine in this page, the player as host of everything.

import type Phaser from 'phaser';
import { LocalSource } from './local-source.ts';
import { sandboxLibrary } from './sandbox-scenarios.ts';
import { t } from '../i18n/index.ts';
import { toast } from '../ui/toast.ts';

/**
 * Open the sandbox on a bundled scenario, or on a file the player brought (a class's replay, a
 * scenario of their own), already checked by the engine's loader (ui/scenario-file.ts).
 */
export async function startSandbox(scene: Phaser.Scene, scenarioId = 'classroom', file?: Record<string, unknown>): Promise<void> {
  const lib = sandboxLibrary();
  const chosen = lib.find((s) => s.id === scenarioId) ?? lib[0]!;
  const source = new LocalSource(chosen.scenario, { mode: 'sandbox', role: { role: 'host', node: null, flows: [] }, speed: chosen.speed, library: lib, name: chosen.name, scenarioId: chosen.id, source: chosen.source, notify: (n) => toast(t(n.key, n.params), n.tone, n.tone === 'bad' ? 15_000 : 6000) });
  if (file !== undefined) {
    const loaded = await source.host.loadScenario(file);
    if (!loaded.ok) {
      toast(t('toast.refused', { reason: loaded.reason }), 'bad');
      return;
    }
  }
  scene.scene.stop('backdrop');
  scene.scene.start('game', { source });
}
