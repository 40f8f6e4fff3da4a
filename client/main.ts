// The browser game's entry: language, the Phaser game and its scenes.

import Phaser from 'phaser';
import { params } from './app.ts';
import { initLang } from './i18n/index.ts';
import { BackdropScene } from './scenes/backdrop-scene.ts';
import { BootScene } from './scenes/boot-scene.ts';
import { EndScene } from './scenes/end-scene.ts';
import { GameScene } from './scenes/game-scene.ts';
import { HostScene } from './scenes/host-scene.ts';
import { JoinScene } from './scenes/join-scene.ts';
import { LobbyScene } from './scenes/lobby-scene.ts';
import { ResultScene } from './scenes/result-scene.ts';
import { SoloScene } from './scenes/solo-scene.ts';
import { TitleScene } from './scenes/title-scene.ts';
import { UI } from './theme/palette.ts';

initLang(location.search, navigator.languages ?? [navigator.language]);

const game = new Phaser.Game({
  // WebGL by default; ?renderer=canvas for machines without it.
  type: params.get('renderer') === 'canvas' ? Phaser.CANVAS : Phaser.WEBGL,
  parent: 'game',
  backgroundColor: `#${UI.background.toString(16).padStart(6, '0')}`,
  scale: { mode: Phaser.Scale.RESIZE, width: window.innerWidth, height: window.innerHeight },
  // Multisampling is costly in software rendering (headless tests, old laptops): ?aa=0 turns it off.
  render: { antialiasGL: params.get('aa') !== '0' },
  banner: false,
  scene: [BootScene, BackdropScene, TitleScene, SoloScene, JoinScene, HostScene, LobbyScene, GameScene, ResultScene, EndScene],
});

(window as unknown as { game: Phaser.Game }).game = game;

if (import.meta.hot) {
  // Phaser does not hot-swap scenes: throw the old game away and let this module run again.
  import.meta.hot.dispose(() => {
    game.destroy(true);
    document.getElementById('ui')?.replaceChildren();
  });
  import.meta.hot.accept();
}
