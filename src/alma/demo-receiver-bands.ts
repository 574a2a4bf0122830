/**
 * The demo's project library files: ALMA receiver bands' sky-frequency ranges (GHz, from the
 * observatory's public band table), as a TypeScript module and a Python one, written from one
 * table so that the recipes of both languages agree.
 */
const BAND_GHZ: [band: string, low: number, high: number][] = [
  ['ALMA_RB_01', 35, 50],
  ['ALMA_RB_02', 67, 116],
  ['ALMA_RB_03', 84, 116],
  ['ALMA_RB_04', 125, 163],
  ['ALMA_RB_05', 163, 211],
  ['ALMA_RB_06', 211, 275],
  ['ALMA_RB_07', 275, 373],
  ['ALMA_RB_08', 385, 500],
  ['ALMA_RB_09', 602, 720],
  ['ALMA_RB_10', 787, 950],
];

const entries = (line: (band: string, low: number, high: number) => string) =>
  BAND_GHZ.map(([band, low, high]) => line(band, low, high)).join('\n');

export const receiverBandsLibrary = [
  {
    name: 'receiver_bands.ts',
    content: `/** Sky-frequency range of each ALMA receiver band, GHz. */
export const BAND_GHZ: Record<string, [number, number]> = {
${entries((b, l, h) => `  ${b}: [${l}, ${h}],`)}
};
`,
  },
  {
    name: 'receiver_bands.py',
    content: `"""Sky-frequency range of each ALMA receiver band, GHz."""
BAND_GHZ = {
${entries((b, l, h) => `    "${b}": (${l}, ${h}),`)}
}
`,
  },
];
