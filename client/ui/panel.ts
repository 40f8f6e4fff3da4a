// What every HUD panel offers the HUD: its element, a refresh (a few times a second, never per
// frame), and a way to go.

export interface Panel {
  readonly root: HTMLElement;
  update(): void;
  dispose(): void;
}
