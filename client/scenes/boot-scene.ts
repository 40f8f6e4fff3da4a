// First scene: wait for the fonts (Korean glyphs must be ready before any text is measured), then
// go to the title screen, or straight to the benchmark harness when the page asks for it.

import Phaser from 'phaser';
import { params } from '../app.ts';

export class BootScene extends Phaser.Scene {
  constructor() {
    super('boot');
  }

  create(): void {
    const fonts = typeof document !== 'undefined' && 'fonts' in document ? document.fonts.ready : Promise.resolve();
    void fonts.then(() => {
      const bench = params.get('bench');
      if (bench !== null) {
        void import('../bench/bench-harness.ts').then((m) => m.startBench(this, Number(bench) || 0));
        return;
      }
      this.scene.start('title');
    });
  }
}
