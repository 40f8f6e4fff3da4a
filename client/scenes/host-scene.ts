// Hosting a class: the teacher's name and the scenario to start with. The class is created paused, so
// students can join and find their roles before anything moves.

import Phaser from 'phaser';
import { t, type MessageKey } from '../i18n/index.ts';
import { createClass, fetchScenarios, JoinError } from '../net/connection.ts';
import { RoomSource } from '../net/room-source.ts';
import { h } from '../ui/dom.ts';
import { savedName, saveName } from './join-scene.ts';
import { mountScreen } from './menu.ts';
import { readScenarioFile } from '../ui/scenario-file.ts';
import { scenarioSizeProblem } from '../../shared/messages/classroom-messages.ts';

export class HostScene extends Phaser.Scene {
  private scenarios: Array<{ id: string; name: string; description: string; seats: number }> = [];
  private chosen = '';
  private name = '';
  private busy = false;
  private error: MessageKey | null = null;
  /** A scenario file the teacher brought: it is used instead of the list while loaded. */
  private file: { fileName: string; name: string; scenario: Record<string, unknown> } | null = null;
  /** What is wrong with the file, or what the server said about it (the file format's field names). */
  private fileProblem: string | null = null;

  constructor() {
    super('host');
  }

  init(): void {
    this.busy = false;
    this.error = null;
    this.file = null;
    this.fileProblem = null;
    this.name = savedName();
  }

  create(): void {
    if (!this.scene.isActive('backdrop')) this.scene.launch('backdrop');
    this.scene.bringToTop();
    const screen = mountScreen(this, 'host', () => {
      const nameInput = h('input', { id: 'host-name', data: { testid: 'host-name' }, maxlength: '24', value: this.name, placeholder: t('host.namePlaceholder'), autofocus: true });
      nameInput.addEventListener('input', () => (this.name = nameInput.value));
      const select = h('select', { id: 'host-scenario', data: { testid: 'host-scenario' } }, ...this.scenarios.map((s) => h('option', { value: s.id, text: t('host.scenarioOption', { name: s.name, seats: s.seats }) })));
      if (this.chosen !== '') select.value = this.chosen;
      select.addEventListener('change', () => (this.chosen = select.value));
      const description = this.file !== null ? '' : (this.scenarios.find((s) => s.id === (this.chosen || this.scenarios[0]?.id))?.description ?? '');
      if (this.file !== null) select.disabled = true;
      const fileInput = h('input', { id: 'host-file', type: 'file', accept: '.json,application/json', data: { testid: 'host-file' } });
      fileInput.addEventListener('change', () => {
        const f = fileInput.files?.[0];
        if (f !== undefined) void this.readFile(f, screen.rebuild);
      });
      const fileLine =
        this.file === null
          ? fileInput
          : h(
              'div',
              { class: 'row' },
              h('span', { data: { testid: 'host-file-loaded' }, text: t('host.fileLoaded', { file: this.file.fileName, name: this.file.name }) }),
              h('button', { class: 'btn btn-small', type: 'button', text: t('host.fileClear'), on: { click: () => ((this.file = null), (this.fileProblem = null), screen.rebuild()) } }),
            );
      const form = h(
        'form',
        { class: 'form' },
        h('label', { for: 'host-name', text: t('host.name') }),
        nameInput,
        h('label', { for: 'host-scenario', text: t('host.scenario') }),
        this.scenarios.length === 0 ? h('p', { class: 'muted', text: t('host.scenariosLoading') }) : select,
        description === '' ? null : h('p', { class: 'muted small', text: description }),
        h('label', { for: 'host-file', text: t('host.file') }),
        fileLine,
        this.fileProblem === null ? null : h('p', { class: 'error', role: 'alert', data: { testid: 'host-file-error' }, text: t('host.fileProblem', { problem: this.fileProblem }) }),
        this.error === null ? null : h('p', { class: 'error', role: 'alert', data: { testid: 'host-error' }, text: t(this.error) }),
        h(
          'div',
          { class: 'actions' },
          h('button', { class: 'btn', type: 'button', text: t('common.back'), on: { click: () => this.scene.start('title') } }),
          h('button', { class: 'btn btn-primary', type: 'submit', data: { testid: 'host-create' }, disabled: this.busy, text: this.busy ? t('join.connecting') : t('host.create') }),
        ),
      );
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        void this.submit(screen.rebuild);
      });
      return h('div', { class: 'menu-card' }, h('h1', { text: t('host.createTitle') }), h('p', { class: 'muted', text: t('host.intro') }), form);
    });
    void fetchScenarios().then((list) => {
      this.scenarios = list;
      if (list.length === 0) this.error = 'join.error.unreachable';
      if (this.scene.isActive()) screen.rebuild();
    });
  }

  /** Read a scenario file and check it as the server will, so a mistake is named before anyone waits. */
  private async readFile(f: File, rebuild: () => void): Promise<void> {
    this.file = null;
    this.fileProblem = null;
    const read = await readScenarioFile(f);
    // The server takes at most so much (docs/protocol.md): said before anyone waits for it.
    const problem = read.ok ? scenarioSizeProblem(read.scenario) : read.problem;
    if (problem !== null) this.fileProblem = problem;
    else if (read.ok) this.file = { fileName: f.name, name: read.name, scenario: read.scenario };
    if (this.scene.isActive()) rebuild();
  }

  private async submit(rebuild: () => void): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    rebuild();
    const name = this.name.trim() === '' ? t('host.defaultName') : this.name.trim();
    const file = this.file;
    try {
      const room = await createClass(name, file !== null ? file.scenario : this.chosen === '' ? undefined : this.chosen);
      saveName(name);
      const source = new RoomSource(room, { code: room.roomId, spectator: false, name });
      await source.whoami();
      // Nothing moves until the host starts the class.
      source.host?.pause();
      this.scene.stop('backdrop');
      this.scene.start('lobby', { source });
    } catch (err) {
      this.busy = false;
      // The server names what it would not run in a file (its limits on a class: nodes, links, size).
      if (file !== null && err instanceof JoinError && err.kind === 'refused') this.fileProblem = err.message;
      else this.error = err instanceof JoinError ? (`join.error.${err.kind}` as MessageKey) : 'join.error.refused';
      if (this.scene.isActive()) rebuild();
    }
  }
}
