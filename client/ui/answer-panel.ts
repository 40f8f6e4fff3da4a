// A question a level asks, answered by typing: the eavesdropper's level asks for the password the
// tap read. The level decides on the engine's facts; this panel only collects the text and says
// when an answer was not (yet) right.

import { t } from '../i18n/index.ts';
import { h } from './dom.ts';
import type { Panel } from './panel.ts';

export class AnswerPanel implements Panel {
  readonly root: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly feedback: HTMLElement;

  /** `submit` returns whether the answer is right. */
  constructor(question: string, maxChars: number, submit: (text: string) => boolean) {
    this.input = h('input', { type: 'text', maxlength: maxChars, autocomplete: 'off', spellcheck: 'false', placeholder: t('answer.placeholder'), data: { testid: 'answer-input' }, aria: { label: question } });
    this.feedback = h('p', { class: 'muted', data: { testid: 'answer-feedback' }, aria: { live: 'polite' } });
    const form = h(
      'form',
      {
        class: 'answer-form',
        on: {
          submit: (e) => {
            e.preventDefault();
            const text = this.input.value;
            if (text.trim() === '') return;
            if (!submit(text)) {
              this.feedback.textContent = t('answer.wrong');
              this.input.select();
            }
          },
        },
      },
      this.input,
      h('button', { class: 'btn btn-primary', type: 'submit', data: { testid: 'answer-submit' }, text: t('answer.submit') }),
    );
    this.root = h('section', { class: 'panel answer-panel', data: { testid: 'answer-panel' } }, h('h2', { text: question }), form, this.feedback);
  }

  update(): void {}

  dispose(): void {
    this.root.remove();
  }
}
