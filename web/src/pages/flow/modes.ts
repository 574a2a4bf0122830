import type { BuildMode } from '../../api/types';

export const MODES: { value: BuildMode; label: string; hint: string }[] = [
  { value: 'required', label: 'Build required', hint: 'Also rebuild stale upstream datasets' },
  { value: 'only', label: 'Build only this', hint: 'Only the selected datasets' },
  { value: 'recursive', label: 'Force rebuild all upstream', hint: 'Everything upstream, even when up to date' },
];

export const modeLabel = (mode: BuildMode) => MODES.find((m) => m.value === mode)?.label ?? mode;
