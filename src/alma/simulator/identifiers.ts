/** The real identifier formats of §3.1: UIDs, project codes, SB names, serials. */

const hex = (n: number) => n.toString(16);

/** `uid://A00n/X<hex>/X<hex>`. */
export function uid(archive: 'A001' | 'A002', block: number, item: number): string {
  return `uid://${archive}/X${hex(block)}/X${hex(item)}`;
}

export const UID_PATTERN = /^uid:\/\/A00[0-9]\/X[0-9a-f]+\/X[0-9a-f]+$/;

/** The file-name form: `uid___A002_X10d9399_Xae5e`. */
export function uidFileName(u: string): string {
  return u.replace(/[:/]/g, '_');
}

/** `YYYY.C.NNNNN.T`, e.g. `2023.1.01253.S`; DDT uses the letter `A` as cycle digit. */
export function projectCode(prefix: string, running: number, type: string): string {
  return `${prefix}.${String(running).padStart(5, '0')}.${type}`;
}

export const PROJECT_CODE_PATTERN = /^\d{4}\.[0-9A]\.\d{5}\.(S|L|T|V|P|CSV)$/;

/** `<target>_<letter>_<band 2 digits>_<array>`, e.g. `M83_e_03_TM1`. */
export function schedBlockName(
  target: string,
  letter: string,
  band: number,
  array: 'TM1' | 'TM2' | '7M' | 'TP',
): string {
  return `${target}_${letter}_${String(band).padStart(2, '0')}_${array}`;
}

export const SB_NAME_PATTERN = /^[A-Za-z0-9+\-.]+_[a-z]_\d{2}_(TM1|TM2|7M|TP)$/;

export function bandName(band: number): string {
  return `ALMA_RB_${String(band).padStart(2, '0')}`;
}

export function cartridgeSerial(band: number, unit: number): string {
  return `B${band}-CCA-${String(unit).padStart(3, '0')}`;
}

export function wcaSerial(band: number, unit: number): string {
  return `B${band}-WCA-${String(unit).padStart(3, '0')}`;
}

export function frontEndSerial(unit: number): string {
  return `FE-${String(unit).padStart(3, '0')}`;
}
