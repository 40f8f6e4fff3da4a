// The fault-finding level's questions (seed: OSI 7 layers): for each friend who cannot load the page,
// the player names the OSI layer where the trouble is, 1 (physical) to 7 (application). The level
// decides on the engine's facts; this panel only collects the answers and says which are settled.

import { t, type MessageKey } from '../i18n/index.ts';
import { h } from './dom.ts';
import type { Panel } from './panel.ts';

export interface LayerQuiz {
  questions: Array<{ id: string; prompt: string }>;
  /** Returns whether the question is now answered right. */
  answer(question: string, layer: number): boolean;
}

const LAYERS = [1, 2, 3, 4, 5, 6, 7];

export class LayerQuizPanel implements Panel {
  readonly root: HTMLElement;

  constructor(quiz: LayerQuiz) {
    const rows = quiz.questions.map((q) => {
      const feedback = h('p', { class: 'muted', data: { testid: `quiz-feedback-${q.id}` }, aria: { live: 'polite' } });
      const buttons = LAYERS.map((layer) =>
        h('button', {
          class: 'btn btn-small',
          type: 'button',
          title: t(`osi.${layer}` as MessageKey),
          data: { testid: `quiz-${q.id}-${layer}` },
          aria: { label: `${layer} ${t(`osi.${layer}` as MessageKey)}` },
          text: `L${layer}`,
          on: {
            click: () => {
              if (quiz.answer(q.id, layer)) {
                for (const b of buttons) b.disabled = true;
                buttons[layer - 1]!.classList.add('active');
                feedback.textContent = t('quiz.right', { layer, name: t(`osi.${layer}` as MessageKey) });
              } else {
                buttons[layer - 1]!.classList.add('wrong');
                feedback.textContent = t('quiz.wrong');
              }
            },
          },
        }),
      );
      return h('div', { class: 'quiz-question', data: { question: q.id } }, h('p', { text: q.prompt }), h('div', { class: 'segmented' }, ...buttons), feedback);
    });
    this.root = h('section', { class: 'panel quiz-panel', data: { testid: 'layer-quiz' } }, h('h2', { text: t('quiz.title') }), h('p', { class: 'hint', text: t('quiz.hint') }), ...rows);
  }

  update(): void {}

  dispose(): void {
    this.root.remove();
  }
}
