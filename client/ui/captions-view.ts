// The caption strip: what just happened, in a sentence, newest at the bottom, repeats counted.

import { t } from '../i18n/index.ts';
import type { CaptionFeed } from '../model/captions.ts';
import { h, setChildren } from './dom.ts';

const ICON: Record<string, string> = { info: '•', good: '✓', warn: '!', bad: '✕' };

export class CaptionsView {
  readonly root: HTMLElement;
  private readonly feed: CaptionFeed;

  constructor(feed: CaptionFeed) {
    this.feed = feed;
    this.root = h('div', { class: 'captions', role: 'log', aria: { live: 'polite', label: t('captions.title') }, data: { testid: 'captions' } });
  }

  render(): void {
    setChildren(
      this.root,
      ...this.feed.items.map((c, i) =>
        h(
          'div',
          { class: `caption tone-${c.tone}${i === this.feed.items.length - 1 ? ' latest' : ''}`, data: { key: c.key } },
          h('span', { class: 'caption-icon', text: ICON[c.tone] ?? '•' }),
          h('span', { text: t(c.key, c.params) }),
          c.count > 1 ? h('span', { class: 'caption-count', text: `×${c.count}` }) : null,
        ),
      ),
    );
  }
}
