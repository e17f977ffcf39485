import type { Playback } from '../flow/playback.svelte';
import type { Player } from '../flow/player.svelte';

interface Targets {
  playback: Playback;
  player: Player;
  layers: number;
  togglePresentation: () => void;
  /** Blanks the screen (a presenter's clicker sends B or "."), or brings it back. */
  toggleBlank: () => void;
  blanked: boolean;
  /** Presentation's type size, a step larger (+) or smaller (−); null outside presentation. */
  resizeText?: ((direction: 1 | -1) => void) | null;
  /** Presentation: the box's explanation a page on (1) or back (−1) where it has more than the slide shows; false
   * when it has no more that way, and the clicker steps the chart instead. */
  pageWithin?: ((direction: 1 | -1) => boolean) | null;
}

/** The clicker-friendly key map. Keys typed into a field stay in the field. */
export function handlePlaybackKey(
  event: KeyboardEvent,
  { playback, player, layers, togglePresentation, toggleBlank, blanked, resizeText, pageWithin }: Targets,
): void {
  const target = event.target as HTMLElement | null;
  // A blanked screen: any key brings the page back, and does nothing else.
  if (blanked && !['Shift', 'Control', 'Alt', 'Meta'].includes(event.key)) {
    event.preventDefault();
    return toggleBlank();
  }
  if (target?.closest('input, textarea, select, [contenteditable="true"]') || event.ctrlKey || event.metaKey || event.altKey) return;
  // Space and Enter on a focused button, link or fold press it, as everywhere else on the web.
  if ((event.key === ' ' || event.key === 'Enter') && target?.closest('button, a[href], summary, [role="button"]')) return;
  const step = (move: () => void) => {
    event.preventDefault();
    player.pause();
    move();
  };
  // A clicker's PageDown / PageUp first turn the pages of an explanation longer than the slide.
  if ((event.key === 'PageDown' || event.key === 'PageUp') && pageWithin?.(event.key === 'PageDown' ? 1 : -1)) {
    event.preventDefault();
    player.pause();
    return;
  }
  switch (event.key) {
    case ' ':
    case 'ArrowRight':
    case 'ArrowDown':
    case 'PageDown':
      return step(() => playback.forward());
    case 'ArrowLeft':
    case 'ArrowUp':
    case 'PageUp':
      return step(() => playback.back());
    case 'Home':
      return step(() => playback.restart());
    case 'End':
      return step(() => playback.toEnd());
    case 'p':
    case 'P':
    case 'k':
    case 'K':
      event.preventDefault();
      return player.toggle();
    case 'f':
    case 'F':
      event.preventDefault();
      return togglePresentation();
    case 'b':
    case 'B':
    case '.':
      event.preventDefault();
      player.pause();
      return toggleBlank();
    case '+':
    case '=':
      if (!resizeText) return;
      event.preventDefault();
      return resizeText(1);
    case '-':
    case '_':
      if (!resizeText) return;
      event.preventDefault();
      return resizeText(-1);
    default:
      if (/^[1-9]$/.test(event.key) && Number(event.key) <= layers) step(() => playback.jumpToLayer(Number(event.key) - 1));
  }
}
