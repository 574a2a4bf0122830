import { z } from 'zod';

/**
 * Characters that change how text reads rather than what it says: control characters (line
 * breaks, tabs, escapes) and the invisible marks that reorder it (bidi marks, overrides and
 * isolates). In a name they forge lines in a report's mail ("…\r\nBcc: …") or spoof what a list
 * shows (U+202E writes the rest backwards).
 */
// eslint-disable-next-line no-control-regex
export const LAYOUT_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** The display name of an object (a scenario, a notebook, an insight…): 1–200 characters, one plain line. */
export const displayName = () =>
  z
    .string()
    .min(1)
    .max(200)
    .refine((s) => !LAYOUT_CHARACTERS.test(s), {
      message:
        'a name is one line of plain text: no line breaks, tabs or other control characters, and no marks that reorder text (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069)',
    });
