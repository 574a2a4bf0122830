import { describe, expect, it } from 'vitest';
import { cycleOf, parseDay } from './calendar.js';
import {
  PROJECT_CODE_PATTERN,
  SB_NAME_PATTERN,
  UID_PATTERN,
  bandName,
  projectCode,
  schedBlockName,
  uid,
  uidFileName,
} from './identifiers.js';

describe('identifiers', () => {
  it('formats UIDs like the archive', () => {
    expect(uid('A002', 0xd74c3f, 0xcf20)).toBe('uid://A002/Xd74c3f/Xcf20');
    expect(uidFileName('uid://A002/X10d9399/Xae5e')).toBe('uid___A002_X10d9399_Xae5e');
    expect(UID_PATTERN.test('uid://A001/X1295/X34')).toBe(true);
    expect(UID_PATTERN.test('uid://B001/X1295/X34')).toBe(false);
  });

  it('formats project codes, SB names and band names', () => {
    expect(projectCode('2023.1', 1253, 'S')).toBe('2023.1.01253.S');
    expect(PROJECT_CODE_PATTERN.test('2024.A.00047.S')).toBe(true);
    expect(PROJECT_CODE_PATTERN.test('2024.1.47.S')).toBe(false);
    expect(schedBlockName('M83', 'e', 3, 'TM1')).toBe('M83_e_03_TM1');
    expect(SB_NAME_PATTERN.test('A2744-20_a_04_TM1')).toBe(true);
    expect(bandName(10)).toBe('ALMA_RB_10');
  });

  it('maps dates to observing cycles (1 October to 30 September)', () => {
    expect(cycleOf(parseDay('2024-09-30'))).toMatchObject({ number: 10, prefix: '2023.1' });
    expect(cycleOf(parseDay('2024-10-01'))).toMatchObject({ number: 11, prefix: '2024.1' });
    expect(cycleOf(parseDay('2021-03-01')).prefix).toBe('2019.1');
    expect(cycleOf(parseDay('2026-11-01'))).toMatchObject({ number: 13, prefix: '2026.1' });
  });
});
