// Menu screens are Phaser scenes whose content is HTML over the canvas (forms take Korean input
// through the IME; buttons are reachable by keyboard). This mounts a screen, rebuilds it when the
// language changes, and removes it when the scene stops.

import type Phaser from 'phaser';
import { enterScene } from '../app.ts';
import { onLangChange } from '../i18n/index.ts';
import { h, uiRoot } from '../ui/dom.ts';

export function mountScreen(scene: Phaser.Scene, name: string, build: () => HTMLElement): { rebuild: () => void; root: HTMLElement } {
  const root = h('div', { class: `screen screen-${name}`, data: { screen: name } });
  const render = () => {
    root.replaceChildren(build());
    const first = root.querySelector<HTMLElement>('[autofocus]');
    first?.focus();
  };
  render();
  uiRoot().append(root);
  const off = onLangChange(render);
  scene.events.once('shutdown', () => {
    off();
    root.remove();
  });
  enterScene(name);
  return { rebuild: render, root };
}
